import { randomUUID } from 'node:crypto';
import { type DemographicsService, DemographicsUnavailable, type FhirPatient, type SearchBundle } from './model.ts';

// A client of the Personal Demographics Service FHIR API (R4): `GET /Patient/{nhsNumber}` and
// `GET /Patient?family=…&birthdate=eq…`, with the headers PDS asks for (a fresh X-Request-ID per
// call, a bearer token from NHS login or the CIS2 application-restricted flow). Whatever PDS
// answers that is not a Patient or a Bundle, or no answer within the time, is "unavailable":
// the front door then offers to register the person as untraced rather than guess.

const TIMEOUT_MS = 5000;

export function pdsClient(options: {
  url: string;
  token: string | undefined;
  timeoutMs?: number;
}): DemographicsService {
  const call = async (path: string): Promise<Response> => {
    try {
      return await fetch(`${options.url}${path}`, {
        headers: {
          accept: 'application/fhir+json',
          'x-request-id': randomUUID(),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
        signal: AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS),
      });
    } catch (error) {
      throw new DemographicsUnavailable(`PDS did not answer: ${(error as Error).name}`);
    }
  };
  const json = async (response: Response): Promise<Record<string, unknown>> => {
    try {
      return (await response.json()) as Record<string, unknown>;
    } catch {
      throw new DemographicsUnavailable('PDS answered with something that is not JSON');
    }
  };
  return {
    name: `the Personal Demographics Service (${new URL(options.url).host})`,
    async read(nhsNumber) {
      const response = await call(`/Patient/${encodeURIComponent(nhsNumber)}`);
      // PDS answers an unknown, invalidated or malformed number with 404 or 400: nobody found.
      if (response.status === 404 || response.status === 400) {
        await response.body?.cancel();
        return undefined;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new DemographicsUnavailable(`PDS answered ${response.status}`);
      }
      const body = await json(response);
      if (body.resourceType !== 'Patient') throw new DemographicsUnavailable('PDS did not answer with a Patient');
      return body as FhirPatient;
    },
    async search(params) {
      const response = await call(`/Patient?${params}`);
      if (!response.ok) {
        await response.body?.cancel();
        throw new DemographicsUnavailable(`PDS answered ${response.status}`);
      }
      const body = await json(response);
      if (body.resourceType !== 'Bundle' || !Array.isArray(body.entry ?? []))
        throw new DemographicsUnavailable('PDS did not answer with a Bundle');
      return body as SearchBundle;
    },
  };
}
