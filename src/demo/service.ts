import { sql } from 'kysely';
import { hashPassword } from '#platform/auth/password.ts';
import type { Config } from '#platform/config.ts';
import type { Connection } from '#platform/db/connect.ts';
import { dueAfter } from '../followup/model.ts';
import { type InputDiscipline, isInputDiscipline } from '../plans/care/model.ts';
import { teamServiceCodes } from '../teams/model.ts';
import { countOrganisations } from '../teams/store.ts';
import { seedAlerts } from './alerts.ts';
import { type BulkSession, csvField, inBulkTransaction } from './bulk.ts';
import {
  clinicalRecordFor,
  type DemoClinicalRecord,
  type DemoPresentationRef,
  type DemoStaff,
} from './clinical-record.ts';
import { demoServices } from './directory.ts';
import { DEMO_PASSWORD, gpPracticeCount, gpPracticeOds, hospitals, organisations, teams, users } from './ics.ts';
import { seedClosedLoop } from './loop.ts';
import { seedOutbox } from './outbox.ts';
import { generatePatients } from './patients.ts';
import { presentationsFor } from './presentations.ts';
import { seededRandom } from './random.ts';
import { seedReferrals } from './referrals.ts';
import { seedPersonMessages } from './texts.ts';

export type SeedOptions = {
  seed: number;
  patients: number;
  /** People on the population register who are in nobody's care (default none). */
  population?: number;
  asOf: Date;
  passwordHashCost: number;
};
export type SeedReport = {
  patients: number;
  /** Everyone on the population register: the patients and the people in nobody's care. */
  register: number;
  presentations: number;
  assessments: number;
  carePlans: number;
  safetyPlans: number;
  withoutNhsNumber: number;
  /** Referrals the closed loop's demo sent, and the people the rock-and-a-hard-place rule flagged. */
  referrals: number;
  flagged: number;
  /** Alerts waiting in people's headers. */
  alerts: number;
  /** Letters in the demo's outbox. */
  messages: number;
  users: { username: string; description: string }[];
  password: string;
};

const CHUNK = 50_000;
const registerColumns = [
  'id',
  'nhs_number',
  'given_name',
  'family_name',
  'date_of_birth',
  'sex',
  'postcode',
  'gp_practice_ods',
] as const;
const patientColumns = [
  'id',
  'nhs_number',
  'given_name',
  'family_name',
  'date_of_birth',
  'sex',
  'ethnic_category',
  'postcode',
  'imd_decile',
  'gp_practice_ods',
] as const;
const careColumns = ['patient_id', 'team_id', 'started_at'] as const;
const presentationColumns = [
  'id',
  'patient_id',
  'team_id',
  'arrived_at',
  'left_at',
  'outcome',
  'methods',
  'recorded_by',
  'recorded_at',
] as const;

const assessmentColumns = [
  'id',
  'patient_id',
  'presentation_id',
  'team_id',
  'status',
  'sections',
  'version',
  'started_by',
  'started_at',
  'updated_by',
  'updated_at',
  'finalised_by',
  'finalised_at',
  'follow_up_due_at',
] as const;
const carePlanColumns = [
  'id',
  'patient_id',
  'assessment_id',
  'team_id',
  'content',
  'version',
  'created_by',
  'created_at',
  'updated_by',
  'updated_at',
  'agreed_version',
  'agreed_at',
  'agreed_by',
  'agreed_how',
  'gp_consent',
  'shared_version',
  'shared_at',
  'shared_by',
] as const;
const inputRequestColumns = [
  'care_plan_id',
  'patient_id',
  'requested_by',
  'requested_at',
  'discipline',
  'colleague_id',
  'question',
  'answer',
  'answered_by',
  'answered_at',
] as const;
const safetyPlanColumns = [
  'id',
  'patient_id',
  'team_id',
  'content',
  'version',
  'created_by',
  'created_at',
  'updated_by',
  'updated_at',
] as const;
const eventColumns = [
  'at',
  'user_id',
  'patient_id',
  'subject_type',
  'subject_id',
  'type',
  'from_state',
  'to_state',
  'data',
] as const;
const versionColumns = [
  'subject_id',
  'version',
  'subject_type',
  'patient_id',
  'content',
  'saved_by',
  'saved_at',
] as const;

/** The rows of one CSV line, each field quoted only when it must be. */
const line = (fields: (string | number | boolean | Date | null)[]) =>
  `${fields.map((f) => csvField(f instanceof Date ? f.toISOString() : typeof f === 'boolean' ? String(f) : f)).join(',')}\n`;

export class AlreadySeeded extends Error {}

/** Build the demo Integrated Care System and its patients, in one transaction. */
export async function seedDemo(
  connection: Connection,
  options: SeedOptions,
  say: (line: string) => void = () => {},
): Promise<SeedReport> {
  if ((await countOrganisations(connection.db)) > 0) {
    throw new AlreadySeeded(
      'This database already has organisations in it; the demo is seeded only into an empty database. Use a new DATA_DIR or database.',
    );
  }
  // One hash for every demo account: they share a published password, and hashing it once keeps
  // the first start quick.
  const passwordHash = await hashPassword(DEMO_PASSWORD, options.passwordHashCost);
  const report = await inBulkTransaction(connection, async (session) => {
    const { teamIds, userIds } = await seedStructure(session, passwordHash);
    const liaisonTeams = hospitals.map((h) => teamIds.get(`${h.key}-liaison`)!);
    // Each hospital's presentations are recorded by its own liaison practitioner.
    const recorders = hospitals.map(
      (h) =>
        userIds.get(
          users.find((u) => u.teams.includes(`${h.key}-liaison`) && u.role === 'liaison-practitioner')!.username,
        )!,
    );
    // Colleagues a practitioner can ask for input, in each hospital's liaison team.
    const staff: DemoStaff[] = hospitals.map((h, i) => ({
      recorder: recorders[i]!,
      contributors: users
        .filter((u) => u.teams.includes(`${h.key}-liaison`) && isInputDiscipline(u.discipline))
        .map((u) => ({ id: userIds.get(u.username)!, discipline: u.discipline as InputDiscipline })),
    }));
    const random = seededRandom(options.seed ^ 0x7e5e);
    const clinical = seededRandom(options.seed ^ 0xc1e4);
    let patients = 0;
    let withoutNhsNumber = 0;
    let presentations = 0;
    const counts = { assessments: 0, carePlans: 0, safetyPlans: 0 };
    const csv = () => ({
      patients: [] as string[],
      care: [] as string[],
      presentations: [] as string[],
      assessments: [] as string[],
      carePlans: [] as string[],
      inputRequests: [] as string[],
      safetyPlans: [] as string[],
      versions: [] as string[],
      events: [] as string[],
      register: [] as string[],
    });
    let rows = csv();
    const flush = async () => {
      // In foreign-key order: each table after the ones it points at.
      await session.copyCsv('patients', patientColumns, rows.patients.join(''));
      await session.copyCsv('care_relationships', careColumns, rows.care.join(''));
      await session.copyCsv('presentations', presentationColumns, rows.presentations.join(''));
      await session.copyCsv('assessments', assessmentColumns, rows.assessments.join(''));
      await session.copyCsv('care_plans', carePlanColumns, rows.carePlans.join(''));
      await session.copyCsv('input_requests', inputRequestColumns, rows.inputRequests.join(''));
      await session.copyCsv('safety_plans', safetyPlanColumns, rows.safetyPlans.join(''));
      await session.copyCsv('record_versions', versionColumns, rows.versions.join(''));
      await session.copyCsv('record_events', eventColumns, rows.events.join(''));
      await session.copyCsv('population_register', registerColumns, rows.register.join(''));
      rows = csv();
    };
    let register = 0;
    let index = 0;
    // One stream of people: the first are in a liaison team's care; everyone, those and the rest,
    // is on the population register, as everyone is on the national one.
    for (const p of generatePatients({
      seed: options.seed,
      count: options.patients + (options.population ?? 0),
      asOf: options.asOf,
      hospitalShares: hospitals.map((h) => h.share),
    })) {
      const inCare = index++ < options.patients;
      // Past the 909,091 numbers of the 999 test range people have none, on the register too: a
      // real register numbers everyone, but the test range cannot (this matters only at the
      // benchmark's million; the demo's few thousand are all numbered).
      rows.register.push(
        line([p.id, p.nhsNumber, p.givenName, p.familyName, p.dateOfBirth, p.sex, p.postcode, p.gpPracticeOds]),
      );
      register++;
      if (!inCare) {
        if (rows.register.length >= CHUNK) await flush();
        continue;
      }
      rows.patients.push(
        `${[p.id, p.nhsNumber, p.givenName, p.familyName, p.dateOfBirth, p.sex, p.ethnicCategory, p.postcode, p.imdDecile, p.gpPracticeOds].map(csvField).join(',')}\n`,
      );
      const team = liaisonTeams[p.hospital]!;
      const recorder = recorders[p.hospital]!;
      rows.care.push(`${p.id},${team},${p.careStartedAt.toISOString()}\n`);
      const refs: DemoPresentationRef[] = [];
      for (const v of presentationsFor(random, p.careStartedAt)) {
        const leftAt = v.leftAt.toISOString();
        const id = random.uuid();
        rows.presentations.push(
          `${id},${p.id},${team},${v.arrivedAt.toISOString()},${leftAt},${v.outcome},"{${v.methods.join(',')}}",${recorder},${leftAt}\n`,
        );
        refs.unshift({ id, arrivedAt: v.arrivedAt, leftAt: v.leftAt, outcome: v.outcome });
        presentations++;
      }
      const record = clinicalRecordFor(clinical, refs, staff[p.hospital]!, options.asOf);
      addClinicalRows(rows, record, { patientId: p.id, team, recorder });
      counts.assessments += record.assessments.length;
      counts.carePlans += record.carePlans.length;
      if (record.safetyPlan) counts.safetyPlans++;
      patients++;
      if (p.nhsNumber === null) withoutNhsNumber++;
      if (rows.patients.length === CHUNK) {
        await flush();
        if (patients % 200_000 === 0) say(`  ${patients.toLocaleString('en-GB')} patients`);
      }
    }
    if (rows.patients.length > 0 || rows.register.length > 0) await flush();
    // Nine in ten have a mobile number, in the range Ofcom keeps for drama (07700 900000–900999).
    for (const table of ['population_register', 'patients'])
      await session.query(
        `UPDATE ${table} SET phone = '07700 900' || lpad((abs(hashtext(nhs_number)) % 1000)::text, 3, '0')
         WHERE abs(hashtext(nhs_number)) % 10 <> 0`,
        [],
      );
    await seedFrontDoor(session, liaisonTeams, recorders, options.asOf);
    await seedFollowUps(session, liaisonTeams, recorders, options.asOf);
    await seedClinics(session, liaisonTeams, recorders, options.asOf);
    await seedDirectory(session, userIds.get('admin')!, options.asOf);
    await seedReferrals(session, liaisonTeams, recorders, options.asOf);
    // A stream of its own, so the loop's draws do not shift the rest of the demo.
    const loop = await seedClosedLoop(
      session,
      liaisonTeams,
      recorders,
      options.asOf,
      seededRandom(options.seed + 7919),
    );
    return {
      patients,
      register,
      withoutNhsNumber,
      presentations,
      ...counts,
      referrals: loop.referrals,
      flagged: loop.flagged,
      liaisonTeams,
    };
  });
  // The outbox after the bulk load: its letters are made by the product's own reading of each referral.
  const { liaisonTeams, ...counted } = report;
  const messages =
    (await seedOutbox(connection.db, liaisonTeams, seededRandom(options.seed + 104_729))) +
    (await seedPersonMessages(connection.db, liaisonTeams, seededRandom(options.seed + 130_363)));
  const alerts = await seedAlerts(connection.db, options.asOf);
  // Fresh statistics, so the planner uses the indexes on the first query after a big load, and a
  // visibility map, so reads answered by an index alone (the 48-hour figures) need not visit the table
  // (what autovacuum would do in time, done before anyone measures).
  await sql`VACUUM ANALYZE`.execute(connection.db);
  return {
    ...counted,
    messages,
    alerts,
    users: users.map((u) => ({ username: u.username, description: u.description })),
    password: DEMO_PASSWORD,
  };
}

/**
 * The front door in the demo: care started in the last fortnight is shown as each hospital's
 * practitioner taking the person on from an ED referral (so the team manager's list has entries),
 * and the three newest of each team were also registered once as untraced — an unverified second
 * record of the same person, in the same team's care — so the duplicate check and the merge have
 * something to find.
 */
async function seedFrontDoor(
  session: BulkSession,
  teams: readonly string[],
  recorders: readonly string[],
  asOf: Date,
): Promise<void> {
  const since = new Date(asOf.getTime() - 14 * 86_400_000).toISOString();
  for (const [i, team] of teams.entries()) {
    await session.query(
      `UPDATE care_relationships SET started_by = $1, start_reason = 'ed-referral', found_by = 'trace'
       WHERE team_id = $2 AND started_at >= $3 AND ended_at IS NULL`,
      [recorders[i], team, since],
    );
    await session.query(
      `WITH newest AS (
         SELECT p.* , c.started_at FROM patients p JOIN care_relationships c ON c.patient_id = p.id
         WHERE c.team_id = $1 AND c.ended_at IS NULL ORDER BY c.started_at DESC LIMIT 3),
       copies AS (
         INSERT INTO patients (given_name, family_name, date_of_birth, sex, ethnic_category, postcode, identity, registered_by)
         SELECT given_name, family_name, date_of_birth, sex, '99', NULL, 'unverified', $2 FROM newest
         RETURNING id, created_at)
       INSERT INTO care_relationships (patient_id, team_id, started_at, started_by, start_reason, found_by)
       SELECT id, $1, $3::timestamptz, $2, 'ed-referral', 'registered-untraced' FROM copies`,
      [team, recorders[i], asOf.toISOString()],
    );
  }
}

/**
 * Each finalised assessment's 48-hour clock, at rates like a real service's: of those whose 48
 * hours have passed, most were followed up in time (a phone call, noted), some late, about 8% were
 * stopped with a reason, and those still unfollowed in the last three days are open breaches on
 * the worklist; clocks still running are due, a few with an unanswered call. A hash of the id
 * decides, so the same seed gives the same follow-ups.
 */
async function seedFollowUps(
  session: BulkSession,
  teams: readonly string[],
  recorders: readonly string[],
  asOf: Date,
): Promise<void> {
  const now = asOf.toISOString();
  await session.query(`UPDATE assessments SET assessed_at = finalised_at WHERE status = 'final'`, []);
  for (const [i, team] of teams.entries()) {
    const by = recorders[i];
    await session.query(
      `INSERT INTO follow_ups (patient_id, team_id, assessment_id, assessed_at, due_at, state, closed_at, closed_by,
         stop_reason, other_team, other_team_saw_on, contacted_at)
       -- Contact was made when the call was (the demo records each call as it is made).
       SELECT *, CASE WHEN state = 'done' THEN closed_at END FROM (
       SELECT patient_id, team_id, id, assessed_at, follow_up_due_at,
         CASE WHEN follow_up_due_at > $3::timestamptz THEN 'due'
              WHEN roll < 8 THEN 'stopped'
              WHEN follow_up_due_at > $3::timestamptz - interval '3 days' AND roll >= 60 THEN 'due'
              ELSE 'done' END AS state,
         CASE WHEN follow_up_due_at > $3::timestamptz THEN NULL
              WHEN roll < 8 THEN assessed_at + interval '20 hours'
              WHEN follow_up_due_at > $3::timestamptz - interval '3 days' AND roll >= 60 THEN NULL
              -- about one in eight is late: after the 48 hours, within the next two days
              ELSE LEAST($3::timestamptz - interval '1 minute',
                assessed_at + CASE WHEN roll % 8 = 0 THEN interval '60 hours' ELSE interval '1 hour' * (6 + roll % 36) END) END
           AS closed_at,
         CASE WHEN follow_up_due_at > $3::timestamptz THEN NULL
              WHEN follow_up_due_at > $3::timestamptz - interval '3 days' AND roll >= 60 THEN NULL
              ELSE $2::uuid END,
         CASE WHEN follow_up_due_at <= $3::timestamptz AND roll < 8 THEN
              (ARRAY['admitted', 'other-team', 'declined', 'admitted'])[1 + roll % 4] END,
         CASE WHEN follow_up_due_at <= $3::timestamptz AND roll < 8 AND roll % 4 = 1 THEN 'Riverside crisis team' END,
         CASE WHEN follow_up_due_at <= $3::timestamptz AND roll < 8 AND roll % 4 = 1 THEN (assessed_at + interval '1 day')::date END
       FROM (SELECT *, abs(hashtext(id::text)) % 100 AS roll FROM assessments
             WHERE status = 'final' AND team_id = $1) a) clocks`,
      [team, by, now],
    );
    // The call that made each done follow-up done, noted; an unanswered call on the open breaches.
    await session.query(
      `INSERT INTO follow_up_attempts (follow_up_id, patient_id, at, method, result, note, next_try_at, recorded_by, recorded_at)
       SELECT id, patient_id, closed_at, 'phone', 'spoke',
         'Spoke with them by phone: coping, using their safety plan; plan for the week agreed.', NULL, $2::uuid, closed_at
       FROM follow_ups WHERE team_id = $1 AND state = 'done'
       UNION ALL
       SELECT id, patient_id, due_at - interval '20 hours', 'phone', 'no-answer', '', due_at - interval '16 hours', $2::uuid,
         due_at - interval '20 hours'
       FROM follow_ups WHERE team_id = $1 AND state = 'due' AND due_at - interval '20 hours' < $3::timestamptz
         AND due_at - interval '20 hours' > assessed_at`,
      [team, by, now],
    );
  }
}

/**
 * Each liaison team's follow-up clinic: sessions yesterday, today, tomorrow and the day after; two
 * people who did not attend yesterday (overdue, back on the worklist), and people whose clocks are
 * running booked into today's and tomorrow's slots, so the clinic list has outcomes to record.
 */
async function seedClinics(
  session: BulkSession,
  teams: readonly string[],
  recorders: readonly string[],
  asOf: Date,
): Promise<void> {
  const now = asOf.toISOString();
  for (const [i, team] of teams.entries()) {
    await session.query(
      `INSERT INTO clinic_sessions (team_id, starts_at, ends_at, slot_minutes, mode, place, clinician_id, created_by, created_at)
       SELECT $1, (today + s.day * interval '1 day' + s.start) AT TIME ZONE 'Europe/London',
         (today + s.day * interval '1 day' + s.finish) AT TIME ZONE 'Europe/London', 30, s.mode,
         CASE s.mode WHEN 'video' THEN 'Video link sent by text on the morning' ELSE 'Liaison clinic, outpatients block B, room 4' END,
         $2, $2, $3::timestamptz - interval '7 days'
       FROM (SELECT date_trunc('day', $3::timestamptz AT TIME ZONE 'Europe/London') AS today) t,
         (VALUES (-1, interval '9 hours', interval '12 hours', 'in-person'),
                 (0, interval '9 hours', interval '12 hours', 'in-person'),
                 (0, interval '14 hours', interval '16 hours', 'video'),
                 (1, interval '9 hours', interval '12 hours', 'in-person'),
                 (2, interval '14 hours', interval '16 hours', 'video')) s(day, start, finish, mode)`,
      [team, recorders[i], now],
    );
    // Yesterday's first two slots: overdue people who did not come.
    await session.query(
      `WITH yesterday AS (SELECT id, starts_at FROM clinic_sessions WHERE team_id = $1 AND ends_at <= $3::timestamptz
           ORDER BY starts_at DESC LIMIT 1),
         missed AS (SELECT id, patient_id, row_number() OVER (ORDER BY due_at, id) - 1 AS n FROM follow_ups
           WHERE team_id = $1 AND state = 'due' AND due_at < $3::timestamptz ORDER BY due_at, id LIMIT 2)
       INSERT INTO clinic_appointments (session_id, follow_up_id, patient_id, starts_at, state, booked_by, booked_at, closed_by, closed_at)
       SELECT y.id, m.id, m.patient_id, y.starts_at + m.n * interval '30 minutes', 'did-not-attend', $2, y.starts_at - interval '1 day',
         $2, y.starts_at + interval '3 hours'
       FROM yesterday y, missed m`,
      [team, recorders[i], now],
    );
    // People whose clocks are running, booked into the next sessions' slots inside their 48 hours where they fall.
    await session.query(
      `WITH ahead AS (SELECT id, starts_at, row_number() OVER (ORDER BY starts_at) AS k FROM clinic_sessions
           WHERE team_id = $1 AND ends_at > $3::timestamptz ORDER BY starts_at LIMIT 3),
         running AS (SELECT id, patient_id, row_number() OVER (ORDER BY due_at DESC, id) AS n FROM follow_ups
           WHERE team_id = $1 AND state = 'due' AND due_at > $3::timestamptz ORDER BY due_at DESC, id LIMIT 6)
       INSERT INTO clinic_appointments (session_id, follow_up_id, patient_id, starts_at, booked_by, booked_at)
       SELECT a.id, r.id, r.patient_id, a.starts_at + ((r.n - 1) / 3) * interval '30 minutes', $2, $3::timestamptz - interval '2 hours'
       FROM running r JOIN ahead a ON a.k = 1 + (r.n - 1) % 3`,
      [team, recorders[i], now],
    );
  }
}

/** The demo ICS's directory of aftercare services, each added by the administrator as version 1. */
async function seedDirectory(session: BulkSession, adminId: string, asOf: Date): Promise<void> {
  const at = new Date(asOf.getTime() - 30 * 86_400_000).toISOString();
  for (const s of demoServices) {
    const [row] = await session.query(
      `INSERT INTO healthcare_services (name, provider_ods, kind, status, catchment_districts, catchment_practices,
         age_min, age_max, criteria, referral_must_contain, route, phone, secure_email, address, opening_times,
         wait_weeks, response_days, created_by, created_at, updated_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $18, $19)
       RETURNING id`,
      [
        s.name,
        s.providerOds,
        s.kind,
        s.status,
        s.catchment.districts,
        s.catchment.practices,
        s.ages.min,
        s.ages.max,
        JSON.stringify(s.criteria),
        JSON.stringify(s.referralMustContain),
        s.route,
        s.phone,
        s.secureEmail,
        s.address,
        s.openingTimes,
        s.waitWeeks,
        s.responseDays,
        adminId,
        at,
      ],
    );
    await session.query(
      `INSERT INTO healthcare_service_versions (service_id, version, content, reason, saved_by, saved_at)
       VALUES ($1, 1, $2, 'Added to the directory', $3, $4)`,
      [row!.id as string, JSON.stringify(s), adminId, at],
    );
  }
  // The services whose own team is in the demo answer their referrals in Onward.
  await session.query(
    `UPDATE healthcare_services s SET receiving_team_id = t.id FROM teams t
     WHERE t.name = s.name AND t.kind NOT IN ('liaison-psychiatry', 'liaison-follow-up')`,
    [],
  );
}

function addClinicalRows(
  rows: Record<'assessments' | 'carePlans' | 'inputRequests' | 'safetyPlans' | 'versions' | 'events', string[]>,
  record: DemoClinicalRecord,
  who: { patientId: string; team: string; recorder: string },
): void {
  const { patientId, team, recorder } = who;
  const version = (id: string, type: string, content: unknown, at: Date) =>
    rows.versions.push(line([id, 1, type, patientId, JSON.stringify(content), recorder, at]));
  for (const a of record.assessments) {
    const due = dueAfter(a.finalisedAt);
    rows.assessments.push(
      line([
        a.id,
        patientId,
        a.presentationId,
        team,
        'final',
        JSON.stringify(a.sections),
        1,
        recorder,
        a.startedAt,
        recorder,
        a.finalisedAt,
        recorder,
        a.finalisedAt,
        due,
      ]),
    );
    version(a.id, 'assessment', a.sections, a.finalisedAt);
  }
  for (const c of record.carePlans) {
    const agreed = c.agreedAt !== null;
    const shared = c.sharedAt !== null;
    rows.carePlans.push(
      line([
        c.id,
        patientId,
        c.assessmentId,
        team,
        JSON.stringify(c.content),
        1,
        recorder,
        c.createdAt,
        recorder,
        c.createdAt,
        agreed ? 1 : null,
        c.agreedAt,
        agreed ? recorder : null,
        agreed ? 'in-person' : null,
        c.gpConsent,
        shared ? 1 : null,
        c.sharedAt,
        shared ? recorder : null,
      ]),
    );
    version(c.id, 'care-plan', c.content, c.createdAt);
    // The plan's history is read from its events, so the demo's agreements and sharing have theirs.
    if (c.agreedAt)
      rows.events.push(
        line([
          c.agreedAt,
          recorder,
          patientId,
          'care-plan',
          c.id,
          'care-plan.agreed',
          'draft',
          'agreed',
          JSON.stringify({ version: 1, how: 'in-person', gpConsent: c.gpConsent }),
        ]),
      );
    if (c.sharedAt)
      rows.events.push(
        line([
          c.sharedAt,
          recorder,
          patientId,
          'care-plan',
          c.id,
          'care-plan.shared',
          'agreed',
          'shared',
          JSON.stringify({ version: 1, gpConsent: c.gpConsent === true }),
        ]),
      );
  }
  for (const r of record.inputRequests) {
    rows.inputRequests.push(
      line([
        r.carePlanId,
        patientId,
        recorder,
        r.requestedAt,
        r.discipline,
        r.colleagueId,
        r.question,
        r.answer,
        r.answer ? r.colleagueId : null,
        r.answeredAt,
      ]),
    );
    const step = (at: Date, by: string, type: string, data: object) =>
      rows.events.push(line([at, by, patientId, 'care-plan', r.carePlanId, type, null, null, JSON.stringify(data)]));
    step(r.requestedAt, recorder, 'care-plan.input-requested', { discipline: r.discipline, colleague: r.colleagueId });
    if (r.answer && r.answeredAt)
      step(r.answeredAt, r.colleagueId, 'care-plan.input-given', { discipline: r.discipline });
  }
  const s = record.safetyPlan;
  if (s) {
    rows.safetyPlans.push(
      line([s.id, patientId, team, JSON.stringify(s.content), 1, recorder, s.savedAt, recorder, s.savedAt]),
    );
    version(s.id, 'safety-plan', s.content, s.savedAt);
  }
}

async function seedStructure(
  session: BulkSession,
  passwordHash: string,
): Promise<{ teamIds: Map<string, string>; userIds: Map<string, string> }> {
  const orgIds = new Map<string, string>();
  for (const o of organisations) {
    const [row] = await session.query(
      'INSERT INTO organisations (ods_code, name, kind) VALUES ($1, $2, $3) RETURNING id',
      [o.odsCode, o.name, o.kind],
    );
    orgIds.set(o.key, String(row!.id));
  }
  for (let i = 0; i < gpPracticeCount; i++) {
    // Most practices take letters by secure email (NHSmail); a few do not, so the demo shows both.
    await session.query('INSERT INTO organisations (ods_code, name, kind, secure_email) VALUES ($1, $2, $3, $4)', [
      gpPracticeOds(i),
      `Riverside Medical Practice ${i + 1}`,
      'gp-practice',
      i % 5 === 4 ? null : `riverside.practice${i + 1}@nhs.net`,
    ]);
  }
  const teamIds = new Map<string, string>();
  for (const t of teams) {
    const [row] = await session.query(
      `INSERT INTO teams (organisation_id, name, kind, service_code, address, phone, secure_email)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        orgIds.get(t.organisation),
        t.name,
        t.kind,
        teamServiceCodes[t.kind] ?? null,
        t.letterhead?.address ?? null,
        t.letterhead?.phone ?? null,
        t.letterhead?.secureEmail ?? null,
      ],
    );
    teamIds.set(t.key, String(row!.id));
  }
  const userIds = new Map<string, string>();
  for (const u of users) {
    const [row] = await session.query(
      'INSERT INTO users (username, display_name, role, discipline, password_hash) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [u.username, u.displayName, u.role, u.discipline, passwordHash],
    );
    userIds.set(u.username, String(row!.id));
    for (const team of u.teams) {
      await session.query('INSERT INTO team_memberships (user_id, team_id) VALUES ($1, $2)', [
        row!.id,
        teamIds.get(team),
      ]);
    }
  }
  return { teamIds, userIds };
}

/** On first start: an empty database gets the demo; one with data is left alone. */
export async function seedDemoIfEmpty(
  connection: Connection,
  config: Config,
  say: (line: string) => void,
): Promise<SeedReport | undefined> {
  if ((await countOrganisations(connection.db)) > 0) return undefined;
  say(
    `First start: building the demo with ${config.demoPatients} synthetic patients and ${config.demoPopulation} more people on its population register…`,
  );
  return seedDemo(
    connection,
    {
      seed: 1,
      patients: config.demoPatients,
      population: config.demoPopulation,
      asOf: new Date(),
      passwordHashCost: config.passwordHashCost,
    },
    say,
  );
}
