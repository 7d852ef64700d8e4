import { z } from 'zod';
import { auditAction } from '#platform/audit/store.ts';
import { showDateTime } from '#platform/clock.ts';
import { Invalid } from '#platform/errors.ts';
import type { Actor } from '#platform/http/pages.ts';
import { decodeCursor, PAGE_SIZE, pageOf } from '#platform/worklist.ts';
import { patterns } from '../referrals/hard-place/model.ts';
import { flagsOfPeople } from '../referrals/hard-place/service.ts';
import { currentSteps, firstMonth } from './model.ts';
import * as store from './store.ts';

// A team's caseload: the people it is caring for now, a page at a time, each with what needs doing.
// Names and NHS numbers are shown, so every page of it is an audited read.

export type CaseloadRequest = { team?: string; sort: store.CaseloadSort; after?: string };

const keyOf: Record<store.CaseloadSort, z.ZodType<store.CaseloadKey>> = {
  began: z.tuple([z.iso.datetime(), z.uuid()]),
  name: z.tuple([z.string().max(200), z.string().max(200), z.uuid()]),
};

export type Caseload = NonNullable<Awaited<ReturnType<typeof teamCaseload>>>;

export async function teamCaseload(actor: Actor, request: CaseloadRequest) {
  const teamId = request.team ?? actor.user.teamIds[0];
  if (teamId === undefined) return undefined;
  if (!actor.user.teamIds.includes(teamId))
    throw new Invalid({ team: 'Choose one of your own teams' }, 'The web address has a problem', 'not-your-team');
  const after = decodeCursor(request.after, keyOf[request.sort]);
  const rows = await store.caseloadRows(actor.db, { teamId, sort: request.sort, after, limit: PAGE_SIZE + 1 });
  const page = pageOf(
    rows,
    PAGE_SIZE,
    (r): store.CaseloadKey =>
      request.sort === 'began' ? [r.careStartedAt.toISOString(), r.patientId] : [...r.nameKey, r.patientId],
  );
  const ids = page.items.map((r) => r.patientId);
  const [facts, flags] = await Promise.all([store.caseFacts(actor.db, teamId, ids), flagsOfPeople(actor, ids)]);
  await auditAction(actor.db, actor, null, 'ok', { listed: page.items.length, team: teamId, sort: request.sort });
  const now = actor.clock.now();
  return {
    teamId,
    sort: request.sort,
    next: page.next,
    items: page.items.map((r) => {
      const f = facts.get(r.patientId) ?? {
        presentation: null,
        assessment: null,
        carePlan: null,
        hasSafetyPlan: false,
      };
      const flag = flags.get(r.patientId);
      return {
        ...r,
        steps: currentSteps(f, now, showDateTime),
        firstMonth: firstMonth(f, now, showDateTime),
        stuck: flag ? patterns[flag] : null,
      };
    }),
  };
}
