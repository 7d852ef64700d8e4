import { sql } from 'kysely';
import type { Db } from '#platform/db/schema.ts';
import type { Sex } from '../patients/model.ts';
import type { TracedPerson } from '../patients/trace/model.ts';
import type { CareStartReason, FoundBy, KnownPerson, NewPerson } from './model.ts';

// The front door's SQL: local records found by NHS number or as possible duplicates, records
// made from a trace or for an untraced person, care relationships started, and the list of them
// a team manager reviews.

export type LocalRecord = KnownPerson & { id: string; identity: 'traced' | 'unverified'; inMyCare: boolean };

/** How many local records a duplicate check reads at most (born that day, or at that postcode). */
const CANDIDATE_LIMIT = 200;

function localRecords(db: Db, teamIds: readonly string[]) {
  return (
    db
      .selectFrom('patients')
      .select(['id', 'nhs_number', 'given_name', 'family_name', 'date_of_birth', 'sex', 'postcode', 'identity'])
      .select(
        teamIds.length === 0
          ? sql<boolean>`false`.as('in_my_care')
          : sql<boolean>`EXISTS (SELECT 1 FROM care_relationships c WHERE c.patient_id = patients.id
            AND c.ended_at IS NULL AND c.team_id IN (${sql.join(teamIds)}))`.as('in_my_care'),
      )
      // A record merged into another is not offered: its survivor is.
      .where('merged_into', 'is', null)
  );
}

function toLocal(r: {
  id: string;
  nhs_number: string | null;
  given_name: string;
  family_name: string;
  date_of_birth: string;
  sex: string;
  postcode: string | null;
  identity: string;
  in_my_care: boolean;
}): LocalRecord {
  return {
    id: r.id,
    nhsNumber: r.nhs_number,
    givenName: r.given_name,
    familyName: r.family_name,
    dateOfBirth: r.date_of_birth,
    sex: r.sex as Sex,
    postcode: r.postcode,
    identity: r.identity as LocalRecord['identity'],
    inMyCare: Boolean(r.in_my_care),
  };
}

export async function localByNhsNumbers(db: Db, teamIds: readonly string[], numbers: string[]): Promise<LocalRecord[]> {
  if (numbers.length === 0) return [];
  const rows = await localRecords(db, teamIds).where('nhs_number', 'in', numbers).execute();
  return rows.map(toLocal);
}

/**
 * Records born that day or living at that postcode: the model decides which of them may be this
 * person. A postcode can hold hundreds of records (a hostel, a prison), so the likeliest come first
 * — the same family name, then the same birthday — before the limit; `inCareOf` keeps only people
 * those teams care for (the merge offers nothing else).
 */
export async function localCandidates(
  db: Db,
  teamIds: readonly string[],
  p: NewPerson,
  inCareOf?: readonly string[],
): Promise<LocalRecord[]> {
  if (inCareOf && inCareOf.length === 0) return [];
  let q = localRecords(db, teamIds).where((eb) =>
    p.postcode
      ? eb.or([eb('date_of_birth', '=', p.dateOfBirth), eb('postcode', '=', p.postcode)])
      : eb('date_of_birth', '=', p.dateOfBirth),
  );
  if (inCareOf)
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('care_relationships as c')
          .select(sql`1`.as('one'))
          .whereRef('c.patient_id', '=', 'patients.id')
          .where('c.team_id', 'in', inCareOf)
          .where('c.ended_at', 'is', null),
      ),
    );
  const rows = await q
    .orderBy(sql`lower(family_name) = ${p.familyName.toLowerCase()}`, 'desc')
    .orderBy(sql`date_of_birth = ${p.dateOfBirth}`, 'desc')
    .orderBy('id')
    .limit(CANDIDATE_LIMIT)
    .execute();
  return rows.map(toLocal);
}

export async function localRecordById(
  db: Db,
  teamIds: readonly string[],
  id: string,
): Promise<LocalRecord | undefined> {
  const row = await localRecords(db, teamIds).where('id', '=', id).executeTakeFirst();
  return row && toLocal(row);
}

/**
 * The local record of a traced person: made from the trace if there is none, found if there is.
 * Two practitioners tracing the same person at once make one record: the second insert yields to
 * the first (the NHS number is unique) and both go on with the same id.
 */
export async function recordOfTraced(db: Db, p: TracedPerson & { nhsNumber: string }, by: string): Promise<string> {
  const made = await db
    .insertInto('patients')
    .values({
      nhs_number: p.nhsNumber,
      given_name: p.givenName,
      family_name: p.familyName,
      date_of_birth: p.dateOfBirth,
      sex: p.sex,
      // A trace does not say how a person describes their ethnicity; they are asked, not guessed.
      ethnic_category: '99',
      postcode: p.postcode,
      gp_practice_ods: p.gpPracticeOds,
      phone: p.phone ?? null,
      identity: 'traced',
      registered_by: by,
    })
    .onConflict((oc) => oc.column('nhs_number').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (made) return made.id;
  const found = await db
    .selectFrom('patients')
    .select(['id', 'merged_into'])
    .where('nhs_number', '=', p.nhsNumber)
    .executeTakeFirstOrThrow();
  return found.merged_into ?? found.id;
}

export async function insertUntraced(db: Db, p: NewPerson, by: string): Promise<string> {
  const row = await db
    .insertInto('patients')
    .values({
      nhs_number: null,
      given_name: p.givenName,
      family_name: p.familyName,
      date_of_birth: p.dateOfBirth,
      sex: p.sex,
      ethnic_category: '99',
      postcode: p.postcode,
      gp_practice_ods: null,
      identity: 'unverified',
      registered_by: by,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Whether this team cared for the person before (so care starts "again"). */
export async function caredForBefore(db: Db, patientId: string, teamId: string): Promise<boolean> {
  const row = await db
    .selectFrom('care_relationships')
    .select(sql`1`.as('one'))
    .where('patient_id', '=', patientId)
    .where('team_id', '=', teamId)
    .where('ended_at', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * A new care relationship, or none when the team is already caring for the person: the unique
 * index on open relationships makes a second at the same moment a no-op the caller is told of.
 */
export async function startCare(
  db: Db,
  c: {
    id: string;
    patientId: string;
    teamId: string;
    at: Date;
    by: string;
    reason: CareStartReason;
    reasonText: string;
    foundBy: FoundBy;
  },
): Promise<boolean> {
  const row = await db
    .insertInto('care_relationships')
    .values({
      id: c.id,
      patient_id: c.patientId,
      team_id: c.teamId,
      started_at: c.at,
      started_by: c.by,
      start_reason: c.reason,
      start_reason_text: c.reasonText || null,
      found_by: c.foundBy,
    })
    .onConflict((oc) => oc.columns(['team_id', 'patient_id']).where('ended_at', 'is', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export type CareStartRow = {
  id: string;
  patientId: string;
  givenName: string;
  familyName: string;
  nhsNumber: string | null;
  identity: string;
  teamName: string;
  startedAt: Date;
  startedBy: string;
  reason: CareStartReason;
  reasonText: string | null;
  foundBy: FoundBy;
  endedAt: Date | null;
};

/** Care relationships started by a person (not loaded in bulk) in these teams, newest first, a page at a time. */
export async function careStarts(
  db: Db,
  teamIds: readonly string[],
  limit: number,
  after: { at: Date; id: string } | undefined,
): Promise<CareStartRow[]> {
  if (teamIds.length === 0) return [];
  let q = db
    .selectFrom('care_relationships as c')
    .innerJoin('patients as p', 'p.id', 'c.patient_id')
    .innerJoin('teams as t', 't.id', 'c.team_id')
    .innerJoin('users as u', 'u.id', 'c.started_by')
    .select([
      'c.id',
      'c.patient_id',
      'p.given_name',
      'p.family_name',
      'p.nhs_number',
      'p.identity',
      't.name as team_name',
      'c.started_at',
      'u.display_name',
      'c.start_reason',
      'c.start_reason_text',
      'c.found_by',
      'c.ended_at',
    ])
    .where('c.team_id', 'in', teamIds)
    .where('c.started_by', 'is not', null);
  if (after)
    q = q.where((eb) =>
      eb.or([
        eb('c.started_at', '<', after.at),
        eb.and([eb('c.started_at', '=', after.at), eb('c.id', '<', after.id)]),
      ]),
    );
  const rows = await q.orderBy('c.started_at', 'desc').orderBy('c.id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    patientId: r.patient_id,
    givenName: r.given_name,
    familyName: r.family_name,
    nhsNumber: r.nhs_number,
    identity: r.identity,
    teamName: r.team_name,
    startedAt: r.started_at,
    startedBy: r.display_name,
    reason: r.start_reason as CareStartReason,
    reasonText: r.start_reason_text,
    foundBy: r.found_by as FoundBy,
    endedAt: r.ended_at,
  }));
}
