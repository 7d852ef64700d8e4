import type { Db } from '#platform/db/schema.ts';
import type { Letterhead } from '../letters/referral-letter.ts';
import { type Letter, openStatuses, type ReferralStatus, toLetter } from './model.ts';

// Referrals' SQL: a referral with its service's name, a person's referrals, the letter saved over
// the version it was opened at, the sending, and early conversations.

export type StoredReferral = {
  id: string;
  patientId: string;
  teamId: string;
  assessmentId: string;
  serviceId: string;
  serviceName: string;
  status: ReferralStatus;
  letter: Letter;
  version: number;
  createdByName: string;
  createdAt: Date;
  updatedAt: Date;
  sentByName: string | null;
  sentAt: Date | null;
  shared: string[];
  letterhead: Letterhead | null;
};

const base = (db: Db) =>
  db
    .selectFrom('referrals as r')
    .innerJoin('healthcare_services as s', 's.id', 'r.service_id')
    .innerJoin('users as c', 'c.id', 'r.created_by')
    .leftJoin('users as x', 'x.id', 'r.sent_by')
    .select([
      'r.id',
      'r.patient_id',
      'r.team_id',
      'r.assessment_id',
      'r.service_id',
      's.name as service_name',
      'r.status',
      'r.letter',
      'r.version',
      'c.display_name as created_by_name',
      'r.created_at',
      'r.updated_at',
      'x.display_name as sent_by_name',
      'r.sent_at',
      'r.shared',
      'r.letterhead',
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
    status: r.status as ReferralStatus,
    letter: toLetter(r.letter),
    version: r.version,
    createdByName: r.created_by_name,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sentByName: r.sent_by_name,
    sentAt: r.sent_at,
    shared: r.shared ?? [],
    letterhead: r.letterhead === null ? null : parsed<Letterhead>(r.letterhead),
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

/** The referral still open with a service for a person, if there is one. */
export async function openReferralTo(db: Db, patientId: string, serviceId: string): Promise<string | undefined> {
  const r = await db
    .selectFrom('referrals')
    .select('id')
    .where('patient_id', '=', patientId)
    .where('service_id', '=', serviceId)
    .where('status', 'in', openStatuses)
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
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function recordSending(
  db: Db,
  r: {
    id: string;
    status: ReferralStatus;
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
      status: r.status,
      business_status: 'letter-sent',
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
