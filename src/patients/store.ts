import { type ExpressionBuilder, type Selectable, sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { CareGate } from '#platform/access/record.ts';
import { auditRow, type NewAuditEntry } from '#platform/audit/store.ts';
import type { Database, Db, PatientsTable } from '#platform/db/schema.ts';
import { type Lists, listColumns, type Results, reviveLists } from '#platform/db/together.ts';
import type { PatientQuery } from './forms.ts';
import type { EthnicCategory, Patient, Sex } from './model.ts';

type PatientRow = Omit<Selectable<PatientsTable>, 'created_at' | 'registered_by'>;

const columns = [
  'patients.id',
  'patients.nhs_number',
  'patients.given_name',
  'patients.family_name',
  'patients.date_of_birth',
  'patients.sex',
  'patients.ethnic_category',
  'patients.postcode',
  'patients.imd_decile',
  'patients.gp_practice_ods',
  'patients.version',
  'patients.identity',
  'patients.merged_into',
  'patients.phone',
] as const;

function toPatient(r: PatientRow): Patient {
  return {
    id: r.id,
    nhsNumber: r.nhs_number,
    givenName: r.given_name,
    familyName: r.family_name,
    dateOfBirth: r.date_of_birth,
    sex: r.sex as Sex,
    ethnicCategory: r.ethnic_category as EthnicCategory,
    postcode: r.postcode,
    imdDecile: r.imd_decile,
    gpPracticeOds: r.gp_practice_ods,
    version: r.version,
    identity: r.identity as Patient['identity'],
    mergedInto: r.merged_into,
    phone: r.phone,
  };
}

/** Every team caring for the person now, with its organisation, for the summary. */
function caringTeams(eb: ExpressionBuilder<Database, 'patients'>) {
  return jsonArrayFrom(
    eb
      .selectFrom('care_relationships')
      .innerJoin('teams', 'teams.id', 'care_relationships.team_id')
      .innerJoin('organisations', 'organisations.id', 'teams.organisation_id')
      .select(['teams.name as team_name', 'organisations.name as organisation_name', 'care_relationships.started_at'])
      .whereRef('care_relationships.patient_id', '=', 'patients.id')
      .where('care_relationships.ended_at', 'is', null)
      .orderBy('care_relationships.started_at'),
  );
}

// Rows inside JSON carry times as text.
const teamsOf = (teams: unknown): CaringTeam[] =>
  (teams as { team_name: string; organisation_name: string; started_at: string }[]).map((t) => ({
    teamName: t.team_name,
    organisationName: t.organisation_name,
    since: new Date(t.started_at),
  }));

/**
 * The patient, and which of these teams are caring for them now:
 * the care check every page about a person starts with, in one statement.
 */
export async function findPatientInCare(
  db: Db,
  patientId: string,
  teamIds: readonly string[],
): Promise<{ patient: Patient; caringTeamIds: string[] } | undefined> {
  const row = await db
    .selectFrom('patients')
    .select(columns)
    .select((eb) => [
      // Which of these teams are caring for the person now: the access check decides from this.
      teamIds.length === 0
        ? sql<string[]>`'{}'::uuid[]`.as('caring_team_ids')
        : sql<string[]>`ARRAY(${eb
            .selectFrom('care_relationships')
            .select('care_relationships.team_id')
            .whereRef('care_relationships.patient_id', '=', 'patients.id')
            .where('care_relationships.team_id', 'in', teamIds)
            .where('care_relationships.ended_at', 'is', null)})`.as('caring_team_ids'),
    ])
    .where('patients.id', '=', patientId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    patient: toPatient(row),
    caringTeamIds: (row.caring_team_ids ?? []).map(String),
  };
}

/**
 * The patient summary's read in ONE statement: the care check (which of the caller's teams are
 * caring for the person now), the `ok` audit row — inserted only if that check passes — and every
 * timeline list, each returning rows only if the audit row was written. So a page view costs one
 * round trip after the session, and no list is read for someone the caller may not see. A refused
 * read writes nothing here; the caller audits the refusal.
 */
export async function readSummary<L extends Lists>(
  db: Db,
  gate: CareGate,
  audit: NewAuditEntry,
  lists: L,
): Promise<{ patient: Patient; caringTeamIds: string[]; teams: CaringTeam[]; lists: Results<L> } | undefined> {
  const row = auditRow({ ...audit, patientId: gate.id, outcome: 'ok' });
  const caring =
    gate.teamIds.length === 0
      ? sql`(SELECT NULL::uuid[] AS team_ids)`
      : sql`(SELECT array_agg(team_id) AS team_ids FROM care_relationships
          WHERE patient_id = ${gate.id} AND team_id IN (${sql.join(gate.teamIds)}) AND ended_at IS NULL)`;
  const found = await db
    .with('caring', () => caring as never)
    .with(
      'audited',
      () =>
        sql`(INSERT INTO audit_log (at, user_id, role, action, patient_id, outcome, detail)
          SELECT ${row.at}::timestamptz, ${row.user_id}::uuid, ${row.role}::text, ${row.action}::text,
                 ${row.patient_id}::uuid, ${row.outcome}::text, ${row.detail}::jsonb
          FROM caring WHERE caring.team_ids IS NOT NULL
          RETURNING id)` as never,
    )
    .selectFrom('patients')
    .select(columns)
    .select((eb) => [
      sql<string[] | null>`(SELECT team_ids FROM caring)`.as('caring_team_ids'),
      caringTeams(eb).as('teams'),
      ...listColumns(lists, sql<boolean>`EXISTS (SELECT 1 FROM audited)`),
    ])
    .where('patients.id', '=', gate.id)
    .executeTakeFirst();
  if (!found) return undefined;
  const r = found as typeof found & Record<string, unknown>;
  return {
    patient: toPatient(found),
    caringTeamIds: (found.caring_team_ids ?? []).map(String),
    teams: teamsOf(found.teams),
    lists: reviveLists(lists, r),
  };
}

/** Search only among the patients these teams care for: the query cannot reach anyone else. */
export async function searchPatients(
  db: Db,
  teamIds: readonly string[],
  query: PatientQuery,
  limit: number,
): Promise<Patient[]> {
  if (teamIds.length === 0) return [];
  let q = db
    .selectFrom('patients')
    .select(columns)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('care_relationships')
          .select(sql`1`.as('one'))
          .whereRef('care_relationships.patient_id', '=', 'patients.id')
          .where('care_relationships.team_id', 'in', teamIds)
          .where('care_relationships.ended_at', 'is', null),
      ),
    );
  if (query.by === 'nhs-number') q = q.where('patients.nhs_number', '=', query.nhsNumber);
  else {
    q = q
      .where('patients.date_of_birth', '=', query.dateOfBirth)
      .where(sql`lower(patients.family_name)`, '=', query.familyName.toLowerCase());
    // A given name narrows by prefix ("Jo" finds Joanne); LIKE's own wildcards are escaped.
    if (query.givenName) {
      const prefix = `${query.givenName.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where(sql`lower(patients.given_name)`, 'like', prefix);
    }
  }
  const rows = await q.orderBy('patients.family_name').orderBy('patients.given_name').limit(limit).execute();
  return rows.map(toPatient);
}

export type CaringTeam = { teamName: string; organisationName: string; since: Date };

export async function insertPatient(
  db: Db,
  p: Omit<Patient, 'id' | 'version' | 'identity' | 'mergedInto'> & Partial<Pick<Patient, 'identity'>>,
): Promise<string> {
  const row = await db
    .insertInto('patients')
    .values({
      nhs_number: p.nhsNumber,
      given_name: p.givenName,
      family_name: p.familyName,
      date_of_birth: p.dateOfBirth,
      sex: p.sex,
      ethnic_category: p.ethnicCategory,
      postcode: p.postcode,
      imd_decile: p.imdDecile,
      gp_practice_ods: p.gpPracticeOds,
      identity: p.identity ?? (p.nhsNumber ? 'traced' : 'unverified'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function startCare(db: Db, patientId: string, teamId: string, at: Date): Promise<void> {
  await db
    .insertInto('care_relationships')
    .values({ patient_id: patientId, team_id: teamId, started_at: at })
    .execute();
}
