import { sql } from 'kysely';
import { alertKey, type NewAlert } from '#platform/alerts/model.ts';
import { raiseAlerts } from '#platform/alerts/store.ts';
import type { Db } from '#platform/db/schema.ts';
import { FOLLOW_UP_WINDOW, followUpAlert } from '../followup/alerts.ts';
import { remindersBetween } from '../followup/service.ts';

// The alerts the demo's recent days would have raised, so the header's count and the home page's
// list have something to show from the first sign-in: each sender's most recent refusals, each
// asker's most recent answers from colleagues, and the 48-hour clock's due-soon and missed moments
// of the last three days — found by the product's own rule.

const DAY = 24 * 60 * 60 * 1000;
/** Each person's most recent few refusals and answers: what they would not have marked seen yet. */
const RECENT = 3;

export async function seedAlerts(db: Db, asOf: Date): Promise<number> {
  const alerts: NewAlert[] = [];
  const refused = await db
    .selectFrom('referrals as r')
    .innerJoin('healthcare_services as s', 's.id', 'r.service_id')
    .select(['r.id', 'r.patient_id', 'r.sent_by', 'r.rejected_at', 's.name'])
    .select(sql<number>`row_number() OVER (PARTITION BY r.sent_by ORDER BY r.rejected_at DESC)`.as('n'))
    .where('r.rejected_at', 'is not', null)
    .where('r.sent_by', 'is not', null)
    .execute();
  for (const r of refused.filter((x) => Number(x.n) <= RECENT))
    alerts.push({
      kind: 'referral-rejected',
      key: alertKey('referral-rejected', r.id, r.rejected_at!.toISOString(), r.sent_by!),
      userId: r.sent_by!,
      patientId: r.patient_id,
      href: `/patients/${r.patient_id}/referrals/${r.id}`,
      text: `${r.name} did not accept the referral`,
      at: r.rejected_at!,
    });
  const answered = await db
    .selectFrom('input_requests as q')
    .innerJoin('users as u', 'u.id', 'q.answered_by')
    .select(['q.id', 'q.patient_id', 'q.care_plan_id', 'q.requested_by', 'q.answered_at', 'u.display_name'])
    .select(sql<number>`row_number() OVER (PARTITION BY q.requested_by ORDER BY q.answered_at DESC)`.as('n'))
    .where('q.answered_at', 'is not', null)
    .execute();
  for (const q of answered.filter((x) => Number(x.n) <= RECENT))
    alerts.push({
      kind: 'input-answered',
      key: alertKey('input-answered', q.id, 'answered', q.requested_by),
      userId: q.requested_by,
      patientId: q.patient_id,
      href: `/patients/${q.patient_id}/care-plans/${q.care_plan_id}`,
      text: `${q.display_name} answered your question on the care plan`,
      at: q.answered_at!,
    });
  for (const r of await remindersBetween(db, new Date(asOf.getTime() - 3 * DAY), asOf))
    alerts.push(followUpAlert(r, r.kind === 'due-soon' ? new Date(r.dueAt.getTime() - DAY / 2) : r.dueAt));
  // The running server's scheduled job carries on from here.
  await db
    .insertInto('schedule_windows')
    .values({ name: FOLLOW_UP_WINDOW, ran_to: asOf })
    .onConflict((oc) => oc.column('name').doUpdateSet({ ran_to: asOf }))
    .execute();
  return raiseAlerts(db, alerts);
}
