import Fastify, { type FastifyInstance } from 'fastify';
import { checkNhsNumber } from '../model.ts';
import { type DemographicsService, queryFromParams } from './model.ts';

// A local stand-in of the Personal Demographics Service FHIR API, for what cannot be reached from
// here: the same two calls, the same headers and the same kinds of answer (a Patient, a searchset
// Bundle, an OperationOutcome with PDS's codes), served from any demographics service — in the
// tests, the population register. The PDS client is tested against it over real HTTP.

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

function outcome(code: string, diagnostics: string) {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: code === 'RESOURCE_NOT_FOUND' ? 'not-found' : 'value',
        details: {
          coding: [{ system: 'https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode', code }],
        },
        diagnostics,
      },
    ],
  };
}

export function pdsStandIn(source: DemographicsService, options: { token?: string } = {}): FastifyInstance {
  const app = Fastify({ logger: false });
  app.addHook('onRequest', async (request, reply) => {
    const requestId = request.headers['x-request-id'];
    if (typeof requestId !== 'string' || !uuidPattern.test(requestId))
      return reply.code(400).send(outcome('MISSING_VALUE', 'X-Request-ID must be a UUID'));
    if (options.token && request.headers.authorization !== `Bearer ${options.token}`)
      return reply.code(401).send(outcome('ACCESS_DENIED', 'Invalid access token'));
  });
  app.get('/Patient/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!checkNhsNumber(id).ok) return reply.code(400).send(outcome('INVALID_RESOURCE_ID', 'Invalid NHS number'));
    const patient = await source.read(id);
    if (!patient) return reply.code(404).send(outcome('RESOURCE_NOT_FOUND', 'Patient not found'));
    return reply.type('application/fhir+json').send(patient);
  });
  app.get('/Patient', async (request, reply) => {
    const params = new URLSearchParams(request.url.split('?')[1] ?? '');
    if (!queryFromParams(params))
      return reply.code(400).send(outcome('INVALID_SEARCH_DATA', 'A search needs family and birthdate=eq…'));
    return reply.type('application/fhir+json').send(await source.search(params));
  });
  return app;
}
