import type { Db } from '#platform/db/schema.ts';
import { type Stage, stageInfo } from '../loop/model.ts';

// The receiving service's SQL: its open referrals a page at a time, one referral only if it went to
// a service the user's team answers, each step's columns, and the messages between the two sides.

/** The stages a service works from: sent and not yet closed. */
export const inboxStages: readonly Stage[] = [
  'requested',
  'on-hold',
  'accepted',
  'booked',
  'attended',
  'did-not-attend',
];

export type InboxRow = {
  id: string;
  patientId: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  serviceName: string;
  responseDays: number | null;
  stage: Stage;
  sentAt: Date;
  receivedAt: Date | null;
  appointmentAt: Date | null;
  cancellationRequestedAt: Date | null;
};

/** Open referrals to the services these teams answer: oldest waiting or newest first, after a key. */
export async function inboxPage(
  db: Db,
  teamIds: readonly string[],
  o: { order: 'oldest' | 'newest'; limit: number; after?: [string, string] },
): Promise<InboxRow[]> {
  if (teamIds.length === 0) return [];
  const asc = o.order === 'oldest';
  let q = db
    .selectFrom('referrals as r')
    .innerJoin('healthcare_services as s', 's.id', 'r.service_id')
    .innerJoin('patients as p', 'p.id', 'r.patient_id')
    .select([
      'r.id',
      'r.patient_id',
      'p.given_name',
      'p.family_name',
      'p.date_of_birth',
      's.name as service_name',
      's.response_days',
      'r.stage',
      'r.sent_at',
      'r.received_at',
      'r.appointment_at',
      'r.cancellation_requested_at',
    ])
    .where('s.receiving_team_id', 'in', teamIds)
    .where('r.stage', 'in', inboxStages);
  if (o.after) {
    const [at, id] = o.after;
    q = q.where((eb) =>
      eb.or([
        eb('r.sent_at', asc ? '>' : '<', new Date(at)),
        eb.and([eb('r.sent_at', '=', new Date(at)), eb('r.id', asc ? '>' : '<', id)]),
      ]),
    );
  }
  const rows = await q
    .orderBy('r.sent_at', asc ? 'asc' : 'desc')
    .orderBy('r.id', asc ? 'asc' : 'desc')
    .limit(o.limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    patientId: r.patient_id,
    givenName: r.given_name,
    familyName: r.family_name,
    dateOfBirth: r.date_of_birth,
    serviceName: r.service_name,
    responseDays: r.response_days,
    stage: r.stage as Stage,
    sentAt: r.sent_at!,
    receivedAt: r.received_at,
    appointmentAt: r.appointment_at,
    cancellationRequestedAt: r.cancellation_requested_at,
  }));
}

/** A sent referral, if it went to a service one of these teams answers; locked when asked. */
export async function referralForTeams(
  db: Db,
  referralId: string,
  teamIds: readonly string[],
  o: { lock?: boolean } = {},
) {
  if (teamIds.length === 0) return undefined;
  let q = db
    .selectFrom('referrals as r')
    .innerJoin('healthcare_services as s', 's.id', 'r.service_id')
    .select(['r.id', 'r.patient_id', 'r.stage', 'r.sent_at', 'r.cancellation_requested_at', 's.name as service_name'])
    .select((eb) =>
      eb.exists(eb.selectFrom('referrals as x').select('x.id').whereRef('x.replaces_id', '=', 'r.id')).as('replaced'),
    )
    .where('r.id', '=', referralId)
    .where('s.receiving_team_id', 'in', teamIds)
    .where('r.stage', '<>', 'draft');
  if (o.lock) q = q.forUpdate('r');
  return q.executeTakeFirst();
}

export type StepColumns = {
  received_at?: Date;
  cancellation_requested_at?: Date | null;
  rejection_reason?: string | null;
  rejection_text?: string | null;
  rejected_at?: Date | null;
  accepted_at?: Date;
  appointment_at?: Date | null;
  appointment_place?: string | null;
  appointment_how?: string | null;
  outcome?: string;
  closed_at?: Date | null;
};

/** A step's columns, with the stage it leads to (and its Task status and business step) when it moves. */
export async function writeStep(db: Db, id: string, columns: StepColumns, stage?: Stage): Promise<void> {
  await db
    .updateTable('referrals')
    .set({
      ...columns,
      ...(stage ? { stage, status: stageInfo[stage].task, business_status: stageInfo[stage].business } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** When the consent a referral was sent under was withdrawn, if it was. */
export async function consentWithdrawnAt(db: Db, referralId: string): Promise<Date | null> {
  const row = await db
    .selectFrom('referrals as r')
    .innerJoin('consents as c', 'c.id', 'r.consent_id')
    .select('c.withdrawn_at')
    .where('r.id', '=', referralId)
    .executeTakeFirst();
  return row?.withdrawn_at ?? null;
}

export type Message = { id: string; fromParty: 'referrer' | 'service'; text: string; byName: string; at: Date };

export async function messagesOf(db: Db, referralId: string): Promise<Message[]> {
  const rows = await db
    .selectFrom('referral_messages as m')
    .innerJoin('users as u', 'u.id', 'm.sent_by')
    .select(['m.id', 'm.from_party', 'm.text', 'u.display_name', 'm.sent_at'])
    .where('m.referral_id', '=', referralId)
    .orderBy('m.sent_at')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    fromParty: r.from_party as Message['fromParty'],
    text: r.text,
    byName: r.display_name,
    at: r.sent_at,
  }));
}

export async function insertMessage(
  db: Db,
  m: { referralId: string; patientId: string; fromParty: 'referrer' | 'service'; text: string; by: string; at: Date },
): Promise<void> {
  await db
    .insertInto('referral_messages')
    .values({
      referral_id: m.referralId,
      patient_id: m.patientId,
      from_party: m.fromParty,
      text: m.text,
      sent_by: m.by,
      sent_at: m.at,
    })
    .execute();
}
