import { sql } from 'kysely';
import { hashPassword } from '#platform/auth/password.ts';
import type { Config } from '#platform/config.ts';
import type { Connection } from '#platform/db/connect.ts';
import { teamServiceCodes } from '../teams/model.ts';
import { countOrganisations } from '../teams/store.ts';
import { type BulkSession, csvField, inBulkTransaction } from './bulk.ts';
import { DEMO_PASSWORD, gpPracticeCount, gpPracticeOds, hospitals, organisations, teams, users } from './ics.ts';
import { generatePatients } from './patients.ts';
import { presentationsFor } from './presentations.ts';
import { seededRandom } from './random.ts';

export type SeedOptions = { seed: number; patients: number; asOf: Date; passwordHashCost: number };
export type SeedReport = {
  patients: number;
  presentations: number;
  withoutNhsNumber: number;
  users: { username: string; description: string }[];
  password: string;
};

const CHUNK = 50_000;
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
  'patient_id',
  'team_id',
  'arrived_at',
  'left_at',
  'outcome',
  'methods',
  'recorded_by',
  'recorded_at',
] as const;

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
    const random = seededRandom(options.seed ^ 0x7e5e);
    let patients = 0;
    let withoutNhsNumber = 0;
    let presentations = 0;
    let patientCsv: string[] = [];
    let careCsv: string[] = [];
    let presentationCsv: string[] = [];
    const flush = async () => {
      await session.copyCsv('patients', patientColumns, patientCsv.join(''));
      await session.copyCsv('care_relationships', careColumns, careCsv.join(''));
      await session.copyCsv('presentations', presentationColumns, presentationCsv.join(''));
      patientCsv = [];
      careCsv = [];
      presentationCsv = [];
    };
    for (const p of generatePatients({
      seed: options.seed,
      count: options.patients,
      asOf: options.asOf,
      hospitalShares: hospitals.map((h) => h.share),
    })) {
      patientCsv.push(
        `${[p.id, p.nhsNumber, p.givenName, p.familyName, p.dateOfBirth, p.sex, p.ethnicCategory, p.postcode, p.imdDecile, p.gpPracticeOds].map(csvField).join(',')}\n`,
      );
      careCsv.push(`${p.id},${liaisonTeams[p.hospital]},${p.careStartedAt.toISOString()}\n`);
      for (const v of presentationsFor(random, p.careStartedAt)) {
        const leftAt = v.leftAt.toISOString();
        presentationCsv.push(
          `${p.id},${liaisonTeams[p.hospital]},${v.arrivedAt.toISOString()},${leftAt},${v.outcome},"{${v.methods.join(',')}}",${recorders[p.hospital]},${leftAt}\n`,
        );
        presentations++;
      }
      patients++;
      if (p.nhsNumber === null) withoutNhsNumber++;
      if (patientCsv.length === CHUNK) {
        await flush();
        if (patients % 200_000 === 0) say(`  ${patients.toLocaleString('en-GB')} patients`);
      }
    }
    if (patientCsv.length > 0) await flush();
    return { patients, withoutNhsNumber, presentations };
  });
  // Fresh statistics, so the planner uses the indexes on the first query after a big load.
  await sql`ANALYZE`.execute(connection.db);
  return {
    ...report,
    users: users.map((u) => ({ username: u.username, description: u.description })),
    password: DEMO_PASSWORD,
  };
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
    await session.query('INSERT INTO organisations (ods_code, name, kind) VALUES ($1, $2, $3)', [
      gpPracticeOds(i),
      `Riverside Medical Practice ${i + 1}`,
      'gp-practice',
    ]);
  }
  const teamIds = new Map<string, string>();
  for (const t of teams) {
    const [row] = await session.query(
      'INSERT INTO teams (organisation_id, name, kind, service_code) VALUES ($1, $2, $3, $4) RETURNING id',
      [orgIds.get(t.organisation), t.name, t.kind, teamServiceCodes[t.kind] ?? null],
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
  say(`First start: building the demo with ${config.demoPatients} synthetic patients…`);
  return seedDemo(
    connection,
    { seed: 1, patients: config.demoPatients, asOf: new Date(), passwordHashCost: config.passwordHashCost },
    say,
  );
}
