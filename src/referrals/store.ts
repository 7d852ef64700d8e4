import type { Db } from '#platform/db/schema.ts';
import type { Letterhead } from '../letters/referral-letter.ts';
import { type Stage, stageInfo, stages, type TaskStatus } from './loop/model.ts';
import { type Letter, toLetter } from './model.ts';

// Referrals' SQL: a referral with its service's name, a person's referrals, the letter saved over
// the version it was opened at, the sending, and early conversations.

export type StoredReferral = {
  id: string;
  patientId: string;
  teamId: string;
  assessmentId: string;
  serviceId: string;
  serviceName: string;
  stage: Stage;
  status: TaskStatus;
  letter: Letter;
  cancellationRequestedAt: Date | null;
  receivedAt: Date | null;
  rejection: { reason: string; text: string } | null;
  appointment: { at: Date; place: string; how: string } | null;
  outcome: string | null;
  version: number;
  createdByName: string;
  createdAt: Date;
  updatedAt: Date;
  sentByName: string | null;
  sentAt: Date | null;
  shared: string[];
  letterhead: Letterhead | null;
  /** Re-routing: the referral this one replaces, and the one that replaced it (the link both ways). */
  replaces: { id: string; serviceName: string } | null;
  replacedBy: { id: string; serviceName: string } | null;
};

const base = (db: Db) =>
  db
    .selectFrom('referrals as r')
    .innerJoin('healthcare_services as s', 's.id', 'r.service_id')
    .innerJoin('users as c', 'c.id', 'r.created_by')
    .leftJoin('users as x', 'x.id', 'r.sent_by')
    .leftJoin('referrals as old', 'old.id', 'r.replaces_id')
    .leftJoin('healthcare_services as olds', 'olds.id', 'old.service_id')
    .leftJoin('referrals as new', 'new.replaces_id', 'r.id')
    .leftJoin('healthcare_services as news', 'news.id', 'new.service_id')
    .select([
      'r.id',
      'r.patient_id',
      'r.team_id',
      'r.assessment_id',
      'r.service_id',
      's.name as service_name',
      'r.status',
      'r.stage',
      'r.letter',
      'r.cancellation_requested_at',
      'r.received_at',
      'r.rejection_reason',
      'r.rejection_text',
      'r.appointment_at',
      'r.appointment_place',
      'r.appointment_how',
      'r.outcome',
      'r.version',
      'c.display_name as created_by_name',
      'r.created_at',
      'r.updated_at',
      'x.display_name as sent_by_name',
      'r.sent_at',
      'r.shared',
      'r.letterhead',
      'old.id as replaces_id',
      'olds.name as replaces_service',
      'new.id as replaced_by_id',
      'news.name as replaced_by_service',
    ]);

type Row = Awaited<ReturnType<ReturnType<typeof base>['executeTakeFirstOrThrow']>>;

const parsed = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

function toReferral(r: Row): StoredReferral {
  return {
    id: r.id,
    patientId: r.patient_id,
    teamId: r.team_id,
    assessmentId: r.assessment_id,
    serviceId: r.service_id,
    serviceName: r.service_name,
    stage: r.stage as Stage,
    status: r.status as TaskStatus,
    letter: toLetter(r.letter),
    cancellationRequestedAt: r.cancellation_requested_at,
    receivedAt: r.received_at,
    rejection: r.rejection_reason ? { reason: r.rejection_reason, text: r.rejection_text ?? '' } : null,
    appointment: r.appointment_at
      ? { at: r.appointment_at, place: r.appointment_place ?? '', how: r.appointment_how ?? 'in-person' }
      : null,
    outcome: r.outcome,
    version: r.version,
    createdByName: r.created_by_name,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sentByName: r.sent_by_name,
    sentAt: r.sent_at,
    shared: r.shared ?? [],
    letterhead: r.letterhead === null ? null : parsed<Letterhead>(r.letterhead),
    replaces: r.replaces_id ? { id: r.replaces_id, serviceName: r.replaces_service ?? '' } : null,
    replacedBy: r.replaced_by_id ? { id: r.replaced_by_id, serviceName: r.replaced_by_service ?? '' } : null,
  };
}

export async function findReferral(db: Db, id: string, o: { lock?: boolean } = {}) {
  let q = base(db).where('r.id', '=', id);
  if (o.lock) q = q.forUpdate('r');
  const r = await q.executeTakeFirst();
  return r && toReferral(r);
}

export async function referralsOf(db: Db, patientId: string): Promise<StoredReferral[]> {
  const rows = await base(db)
    .where('r.patient_id', '=', patientId)
    .orderBy('r.created_at', 'desc')
    .limit(200)
    .execute();
  return rows.map(toReferral);
}

/** Re-routing: the new referral names the one it replaces (a referral is replaced once: a unique index). */
export async function linkReplacement(db: Db, id: string, replacesId: string): Promise<void> {
  await db
    .updateTable('referrals')
    .set({ replaces_id: replacesId })
    .where('id', '=', id)
    .where('replaces_id', 'is', null)
    .execute();
}

/** A team's referrals for a person still open in the loop, oldest first. */
export async function openReferralsOfTeam(db: Db, patientId: string, teamId: string) {
  const rows = await db
    .selectFrom('referrals as r')
    .innerJoin('healthcare_services as s', 's.id', 'r.service_id')
    .select(['r.id', 'r.stage', 's.name'])
    .where('r.patient_id', '=', patientId)
    .where('r.team_id', '=', teamId)
    .where(
      'r.stage',
      'in',
      stages.filter((s) => stageInfo[s].open),
    )
    .orderBy('r.created_at')
    .limit(50)
    .execute();
  return rows.map((r) => ({ id: r.id, stage: r.stage as Stage, serviceName: r.name }));
}

/** The referral still open with a service for a person, if there is one. */
export async function openReferralTo(db: Db, patientId: string, serviceId: string): Promise<string | undefined> {
  const r = await db
    .selectFrom('referrals')
    .select('id')
    .where('patient_id', '=', patientId)
    .where('service_id', '=', serviceId)
    .where(
      'stage',
      'in',
      stages.filter((s) => stageInfo[s].open),
    )
    .executeTakeFirst();
  return r?.id;
}

export async function insertReferral(
  db: Db,
  r: {
    patientId: string;
    teamId: string;
    assessmentId: string;
    serviceId: string;
    letter: Letter;
    by: string;
    at: Date;
  },
): Promise<string> {
  const row = await db
    .insertInto('referrals')
    .values({
      patient_id: r.patientId,
      team_id: r.teamId,
      assessment_id: r.assessmentId,
      service_id: r.serviceId,
      status: 'draft',
      letter: JSON.stringify(r.letter),
      created_by: r.by,
      created_at: r.at,
      updated_by: r.by,
      updated_at: r.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Save the letter of a draft over the version it was opened at; false when someone saved first. */
export async function saveLetter(
  db: Db,
  r: { id: string; openedVersion: number; letter: Letter; by: string; at: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('referrals')
    .set((eb) => ({
      letter: JSON.stringify(r.letter),
      version: eb('version', '+', 1),
      updated_by: r.by,
      updated_at: r.at,
    }))
    .where('id', '=', r.id)
    .where('version', '=', r.openedVersion)
    .where('stage', '=', 'draft')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function recordSending(
  db: Db,
  r: {
    id: string;
    stage: Stage;
    consentId: string;
    shared: string[];
    letterhead: Letterhead;
    by: string;
    at: Date;
  },
): Promise<void> {
  await db
    .updateTable('referrals')
    .set((eb) => ({
      stage: r.stage,
      status: stageInfo[r.stage].task,
      business_status: stageInfo[r.stage].business,
      sent_by: r.by,
      sent_at: r.at,
      consent_id: r.consentId,
      shared: r.shared,
      letterhead: JSON.stringify(r.letterhead),
      version: eb('version', '+', 1),
      updated_by: r.by,
      updated_at: r.at,
    }))
    .where('id', '=', r.id)
    .execute();
}

export type StoredConversation = {
  id: string;
  withWhom: string;
  way: string;
  heldAt: Date;
  agreed: string;
  recordedByName: string;
  recordedAt: Date;
};

export async function conversationsOf(db: Db, referralId: string): Promise<StoredConversation[]> {
  const rows = await db
    .selectFrom('referral_conversations as c')
    .innerJoin('users as u', 'u.id', 'c.recorded_by')
    .select(['c.id', 'c.with_whom', 'c.way', 'c.held_at', 'c.agreed', 'u.display_name', 'c.recorded_at'])
    .where('c.referral_id', '=', referralId)
    .orderBy('c.held_at', 'desc')
    .limit(200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    withWhom: r.with_whom,
    way: r.way,
    heldAt: r.held_at,
    agreed: r.agreed,
    recordedByName: r.display_name,
    recordedAt: r.recorded_at,
  }));
}

export async function insertConversation(
  db: Db,
  c: {
    referralId: string;
    patientId: string;
    withWhom: string;
    way: string;
    heldAt: Date;
    agreed: string;
    by: string;
    at: Date;
  },
): Promise<string> {
  const row = await db
    .insertInto('referral_conversations')
    .values({
      referral_id: c.referralId,
      patient_id: c.patientId,
      with_whom: c.withWhom,
      way: c.way,
      held_at: c.heldAt,
      agreed: c.agreed,
      recorded_by: c.by,
      recorded_at: c.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The team's letterhead as it is now, with the writer's name and discipline. */
export async function letterheadOf(db: Db, teamId: string, userId: string) {
  const team = await db
    .selectFrom('teams')
    .innerJoin('organisations', 'organisations.id', 'teams.organisation_id')
    .select(['teams.name', 'teams.address', 'teams.phone', 'teams.secure_email', 'organisations.name as organisation'])
    .where('teams.id', '=', teamId)
    .executeTakeFirstOrThrow();
  const user = await db
    .selectFrom('users')
    .select(['display_name', 'role', 'discipline'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  return { team, user };
}

export type ReferralStep = {
  at: Date;
  type: string;
  fromState: string | null;
  toState: string | null;
  byName: string;
  data: Record<string, unknown>;
};

/** A referral's own history, oldest first: every step, by whom. */
export async function historyOfReferral(db: Db, referralId: string): Promise<ReferralStep[]> {
  const rows = await db
    .selectFrom('record_events as e')
    .innerJoin('users as u', 'u.id', 'e.user_id')
    .select(['e.at', 'e.type', 'e.from_state', 'e.to_state', 'u.display_name', 'e.data'])
    .where('e.subject_type', '=', 'referral')
    .where('e.subject_id', '=', referralId)
    .orderBy('e.id')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    at: r.at,
    type: r.type,
    fromState: r.from_state,
    toState: r.to_state,
    byName: r.display_name,
    data: parsed<Record<string, unknown>>(r.data),
  }));
}

export type AttentionRow = {
  id: string;
  patientId: string;
  givenName: string;
  familyName: string;
  serviceName: string;
  stage: Stage;
  sentAt: Date | null;
  responseDays: number | null;
  appointmentAt: Date | null;
  closedAt: Date | null;
  rejectionReason: string | null;
};

/**
 * The team's referrals that may need the referrer: rejected in the last 30 days, a question waiting,
 * still waiting for the service (overdue is decided in the model), or an appointment passed with no
 * outcome a day after it. Oldest first, at most `limit`.
 */
export async function referralsNeedingAttention(db: Db, teamIds: readonly string[], now: Date, limit: number) {
  if (teamIds.length === 0) return [];
  const rows = await db
    .selectFrom('referrals as r')
    .innerJoin('healthcare_services as s', 's.id', 'r.service_id')
    .innerJoin('patients as p', 'p.id', 'r.patient_id')
    .select([
      'r.id',
      'r.patient_id',
      'p.given_name',
      'p.family_name',
      's.name as service_name',
      'r.stage',
      'r.sent_at',
      's.response_days',
      'r.appointment_at',
      'r.closed_at',
      'r.rejection_reason',
    ])
    .where('r.team_id', 'in', teamIds)
    // The stages it may need the team in (index referrals_team_attention), then which of them do.
    .where('r.stage', 'in', ['rejected', 'requested', 'on-hold', 'booked'])
    .where((eb) =>
      eb.or([
        // A rejection needs answering until it is re-routed (a new referral replaces it).
        eb.and([
          eb('r.stage', '=', 'rejected'),
          eb('r.closed_at', '>', new Date(now.getTime() - 30 * 86_400_000)),
          eb.not(eb.exists(eb.selectFrom('referrals as x').select('x.id').whereRef('x.replaces_id', '=', 'r.id'))),
        ]),
        eb('r.stage', 'in', ['on-hold', 'requested']),
        eb.and([eb('r.stage', '=', 'booked'), eb('r.appointment_at', '<', new Date(now.getTime() - 86_400_000))]),
      ]),
    )
    .orderBy('r.sent_at')
    .limit(limit)
    .execute();
  return rows.map(
    (r): AttentionRow => ({
      id: r.id,
      patientId: r.patient_id,
      givenName: r.given_name,
      familyName: r.family_name,
      serviceName: r.service_name,
      stage: r.stage as Stage,
      sentAt: r.sent_at,
      responseDays: r.response_days,
      appointmentAt: r.appointment_at,
      closedAt: r.closed_at,
      rejectionReason: r.rejection_reason,
    }),
  );
}
