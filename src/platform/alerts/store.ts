import type { Db } from '../db/schema.ts';
import type { AlertKind, NewAlert } from './model.ts';

// Alerts' SQL: written once by key, read newest first, counted for the header, marked seen.

export async function raiseAlerts(db: Db, alerts: readonly NewAlert[]): Promise<number> {
  if (alerts.length === 0) return 0;
  const rows = await db
    .insertInto('alerts')
    .values(
      alerts.map((a) => ({
        alert_key: a.key,
        user_id: a.userId,
        kind: a.kind,
        patient_id: a.patientId,
        href: a.href,
        text: a.text.slice(0, 300),
        created_at: a.at,
      })),
    )
    .onConflict((oc) => oc.column('alert_key').doNothing())
    .returning('id')
    .execute();
  return rows.length;
}

export async function unseenCount(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('alerts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('seen_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export type Alert = {
  id: string;
  kind: AlertKind;
  href: string;
  text: string;
  at: Date;
  seenAt: Date | null;
  patientName: string | null;
};

/** A person's alerts, unseen first then newest first; `unseenOnly` for the home page. */
export async function alertsOf(db: Db, userId: string, o: { limit: number; unseenOnly?: boolean }): Promise<Alert[]> {
  let q = db
    .selectFrom('alerts as a')
    .leftJoin('patients as p', 'p.id', 'a.patient_id')
    .select(['a.id', 'a.kind', 'a.href', 'a.text', 'a.created_at', 'a.seen_at', 'p.family_name', 'p.given_name'])
    .where('a.user_id', '=', userId);
  if (o.unseenOnly) q = q.where('a.seen_at', 'is', null);
  const rows = await q
    .orderBy((eb) => eb('a.seen_at', 'is', null), 'desc')
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(o.limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as AlertKind,
    href: r.href,
    text: r.text,
    at: r.created_at,
    seenAt: r.seen_at,
    patientName: r.family_name ? `${r.family_name.toUpperCase()}, ${r.given_name}` : null,
  }));
}

/** Mark one alert (or, with no id, all) of this person seen; how many changed. Another person's: none. */
export async function markSeen(db: Db, userId: string, at: Date, id?: string): Promise<number> {
  let q = db.updateTable('alerts').set({ seen_at: at }).where('user_id', '=', userId).where('seen_at', 'is', null);
  if (id) q = q.where('id', '=', id);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
