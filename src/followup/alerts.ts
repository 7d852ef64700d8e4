import { type AlertKind, alertKinds, type NewAlert } from '#platform/alerts/model.ts';
import { raiseAlerts } from '#platform/alerts/store.ts';
import { type Clock, showDateTime } from '#platform/clock.ts';
import type { Db } from '#platform/db/schema.ts';
import type { ReminderKind } from './model.ts';
import { type Reminder, remindersBetween } from './service.ts';

// The 48-hour clock's alerts (NICE NG225: follow-up within 48 hours of discharge): 12 hours before
// a follow-up falls due and when it is missed, the practitioner who assessed and the team's managers
// are alerted. A scheduled job runs this every minute; each run reads from where the last one stopped
// (its window, locked while it runs), so a server down for an hour alerts what fell due in that hour
// when it is back, and two servers never both raise one alert (its key is what it is and for whom).

export const FOLLOW_UP_WINDOW = 'follow-up-alerts';
/** The first run ever looks back this far: not to the beginning of time. */
const FIRST_LOOK_BACK_MS = 5 * 60_000;

const kindOf: Record<ReminderKind, AlertKind> = { 'due-soon': 'follow-up-due-soon', breached: 'follow-up-breached' };

/** A reminder of the 48-hour clock as the alert its recipient sees. */
export function followUpAlert(r: Reminder, at: Date): NewAlert {
  return {
    kind: kindOf[r.kind],
    key: r.key,
    userId: r.recipientId,
    patientId: r.patientId,
    href: `/patients/${r.patientId}/follow-ups/${r.followUpId}`,
    text:
      r.kind === 'due-soon'
        ? `Follow-up due by ${showDateTime(r.dueAt)}`
        : `${alertKinds['follow-up-breached']}: it was due ${showDateTime(r.dueAt)}`,
    at,
  };
}

export async function raiseFollowUpAlerts(
  deps: { db: Db; clock: Clock },
  o: { window?: string } = {},
): Promise<number> {
  // A test reads its own window, so it is not moved by a server's runs on a shared database.
  const WINDOW = o.window ?? FOLLOW_UP_WINDOW;
  return deps.db.transaction().execute(async (tx) => {
    const now = deps.clock.now();
    await tx
      .insertInto('schedule_windows')
      .values({ name: WINDOW, ran_to: new Date(now.getTime() - FIRST_LOOK_BACK_MS) })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const window = await tx
      .selectFrom('schedule_windows')
      .select('ran_to')
      .where('name', '=', WINDOW)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (window.ran_to.getTime() >= now.getTime()) return 0;
    const reminders = await remindersBetween(tx, window.ran_to, now);
    const raised = await raiseAlerts(
      tx,
      reminders.map((r) => followUpAlert(r, now)),
    );
    await tx.updateTable('schedule_windows').set({ ran_to: now }).where('name', '=', WINDOW).execute();
    return raised;
  });
}
