import type { FastifyReply } from 'fastify';
import { disciplineNames } from '#platform/access/model.ts';
import { showDateTime } from '#platform/clock.ts';
import { Conflict } from '#platform/errors.ts';
import { errorList, text } from '#platform/forms.ts';
import { idParam } from '#platform/http/input.ts';
import { actor, definePage, type Page, queryOf } from '#platform/http/pages.ts';
import { pageQuery } from '#platform/worklist.ts';
import { bannerOf } from '../../../patients/model.ts';
import { refuseInvalid } from '../../../patients/service.ts';
import { parseAnswer } from '../forms.ts';
import { type CarePlan, itemKinds, statusOf } from '../model.ts';
import { answerInputRequest, inputRequestForForm, myOpenInputRequests, openInputRequest } from '../service.ts';

// A colleague's side of a request for input on a care plan: the list of what is waiting for them,
// and each request, where they read the plan and give their input once. (Asking is on the plan's
// own page, in ../routes.ts.)

export const inputRequestPages: Page[] = [
  definePage({
    method: 'GET',
    url: '/input-requests',
    permission: 'input:answer',
    audit: 'input-request.list',
    query: pageQuery,
    handler: async (request, reply, deps) => {
      const { after } = queryOf(request, pageQuery);
      const page = await myOpenInputRequests(actor(request, deps), after);
      return reply.page('plans/care/views/input-requests.njk', {
        title: 'Care plans waiting for your input',
        after,
        next: page.next,
        rows: page.items.map((r) => [
          { text: r.patientName, href: `/input-requests/${r.id}` },
          r.question,
          r.requestedByName,
          showDateTime(r.requestedAt),
        ]),
        backHref: '/',
      });
    },
  }),
  definePage({
    method: 'GET',
    url: '/input-requests/:requestId',
    permission: 'input:answer',
    audit: 'input-request.read',
    handler: async (request, reply, deps) => {
      const {
        request: asked,
        patient,
        plan,
      } = await openInputRequest(actor(request, deps), idParam(request.params, 'requestId'));
      return answerPage(reply, 200, { asked, patient, plan, now: deps.clock.now(), answer: '', errors: {} });
    },
  }),
  definePage({
    method: 'POST',
    url: '/input-requests/:requestId',
    permission: 'input:answer',
    audit: 'input-request.answer',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const requestId = idParam(request.params, 'requestId');
      const answer = text(request.body, 'answer');
      const parsed = parseAnswer(answer);
      if (!parsed.ok) {
        const { request: asked, patient, plan } = await inputRequestForForm(who, requestId);
        await refuseInvalid(who, patient.id, Object.keys(parsed.issues));
        return answerPage(reply, 400, { asked, patient, plan, now: deps.clock.now(), answer, errors: parsed.issues });
      }
      try {
        await answerInputRequest(who, requestId, parsed.value);
      } catch (error) {
        if (!(error instanceof Conflict)) throw error;
        // Already answered (another tab, or a double post): the input as given, and this text beside it.
        const { request: asked, patient, plan } = await inputRequestForForm(who, requestId);
        const errors = { given: `${error.message}. What you typed now is shown below, not saved` };
        return answerPage(reply, 409, { asked, patient, plan, now: deps.clock.now(), answer, errors, unsaved: answer });
      }
      // Back to the request, which now shows the input as given: the confirmation that it landed.
      return reply.redirect(`/input-requests/${requestId}#given`, 303);
    },
  }),
];

function answerPage(
  reply: FastifyReply,
  status: number,
  c: {
    asked: Awaited<ReturnType<typeof openInputRequest>>['request'];
    patient: Parameters<typeof bannerOf>[0];
    plan: CarePlan;
    now: Date;
    answer: string;
    errors: Record<string, string>;
    unsaved?: string;
  },
) {
  return reply.code(status).page('plans/care/views/answer.njk', {
    title: 'Give your input to a care plan',
    banner: bannerOf(c.patient, c.now),
    asked: { ...c.asked, disciplineName: disciplineNames[c.asked.discipline] },
    plan: c.plan,
    status: statusOf(c.plan),
    items: c.plan.content.items.map((i) => ({ ...i, kindName: itemKinds[i.kind] })),
    answer: c.answer,
    errors: c.errors,
    errorList: errorList(c.errors, ['given', 'answer']),
    unsaved: c.unsaved,
    backHref: '/',
  });
}
