import type { FastifyReply } from 'fastify';
import { errorList, text } from '../forms.ts';
import { parseWithdrawal, type Withdrawable } from '../withdrawal.ts';
import { idParam, patientParam } from './input.ts';
import { type Actor, actor, definePage, type Page } from './pages.ts';

// The two pages every withdrawable record has, from one description: the form (GET …/withdraw)
// and the withdrawal (POST …/withdraw), through the shared withdrawal mechanism.

export type WithdrawalPages = {
  kind: Withdrawable;
  /** The record's own page, e.g. '/patients/:patientId/assessments/:assessmentId'. */
  url: string;
  /** The path parameter naming the record. */
  idParam: string;
  /** The audit names' stem: 'assessment' gives 'assessment.withdraw-form' and 'assessment.withdraw'. */
  audit: string;
  /** The care check and the record, for the form: the banner and one line saying which record. */
  describe: (who: Actor, patientId: string, id: string) => Promise<{ banner: unknown; description: string }>;
  /** The part's own use case: checks care, then withdraws through withdrawRecord. */
  withdraw: (who: Actor, patientId: string, id: string, reason: string) => Promise<void>;
  /** What to say besides the common words: what to do instead when the record is only wrong in part. */
  guidance: string;
  /** A refused form is audited by the part, as every refused form about a patient is. */
  refuse: (who: Actor, patientId: string, fields: string[]) => Promise<void>;
};

export function withdrawalPages(w: WithdrawalPages): Page[] {
  const page = async (
    reply: FastifyReply,
    described: { banner: unknown; description: string },
    patientId: string,
    id: string,
    status: number,
    o: { reason: string; errors: Record<string, string> },
  ) => {
    const { banner, description } = described;
    const recordUrl = w.url.replace(':patientId', patientId).replace(`:${w.idParam}`, id);
    return reply.code(status).page('platform/views/withdraw.njk', {
      title: `Withdraw ${w.kind.name === 'assessment' ? 'an' : 'a'} ${w.kind.name} entered in error`,
      banner,
      name: w.kind.name,
      article: w.kind.name === 'assessment' ? 'an' : 'a',
      description,
      guidance: w.guidance,
      action: `${recordUrl}/withdraw`,
      reason: o.reason,
      errors: o.errors,
      errorList: errorList(o.errors, ['reason']),
      backHref: recordUrl,
    });
  };
  const parse = parseWithdrawal(w.kind.name);
  return [
    definePage({
      method: 'GET',
      url: `${w.url}/withdraw`,
      permission: 'record:write',
      audit: `${w.audit}.withdraw-form`,
      handler: async (request, reply, deps) => {
        const patientId = patientParam(request.params);
        const id = idParam(request.params, w.idParam);
        const described = await w.describe(actor(request, deps), patientId, id);
        return page(reply, described, patientId, id, 200, { reason: '', errors: {} });
      },
    }),
    definePage({
      method: 'POST',
      url: `${w.url}/withdraw`,
      permission: 'record:write',
      audit: `${w.audit}.withdraw`,
      handler: async (request, reply, deps) => {
        const who = actor(request, deps);
        const patientId = patientParam(request.params);
        const id = idParam(request.params, w.idParam);
        const parsed = parse(request.body);
        if (!parsed.ok) {
          // The form is shown again only to someone who may see the record (describe checks care).
          const described = await w.describe(who, patientId, id);
          await w.refuse(who, patientId, Object.keys(parsed.issues));
          return page(reply, described, patientId, id, 400, {
            reason: text(request.body, 'reason'),
            errors: parsed.issues,
          });
        }
        await w.withdraw(who, patientId, id, parsed.value.reason);
        const recordUrl = w.url.replace(':patientId', patientId).replace(`:${w.idParam}`, id);
        return reply.redirect(`${recordUrl}#entered-in-error`, 303);
      },
    }),
  ];
}
