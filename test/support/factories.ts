import { randomBytes, randomInt } from 'node:crypto';
import { nhsCheckDigit, type Patient } from '../../src/patients/model.ts';
import { insertPatient, startCare } from '../../src/patients/store.ts';
import type { Discipline, Role } from '../../src/platform/access/model.ts';
import { hashPassword } from '../../src/platform/auth/password.ts';
import type { Db } from '../../src/platform/db/schema.ts';
import { insertPresentation } from '../../src/presentations/store.ts';
import type { TeamKind } from '../../src/teams/model.ts';
import { addMembership, insertOrganisation, insertTeam, insertUser } from '../../src/teams/store.ts';

// Each test builds the world it needs with unique names, so tests can share one database
// (and run on a PostgreSQL that other test processes are using at the same time).

export const PASSWORD = 'a test password';
let passwordHash: Promise<string> | undefined;
const unique = () => randomBytes(4).toString('hex');

export async function makeTeam(db: Db, kind: TeamKind = 'liaison-psychiatry'): Promise<string> {
  const ods = `Y${randomBytes(3).toString('hex').toUpperCase().slice(0, 5)}`;
  const organisationId = await insertOrganisation(db, {
    odsCode: ods,
    name: `Test Trust ${unique()}`,
    kind: 'nhs-trust',
  });
  return insertTeam(db, { organisationId, name: `Test team ${unique()}`, kind, serviceCode: null });
}

export async function makeUser(
  db: Db,
  options: { role: Role; teamIds: string[]; discipline?: Discipline | null },
): Promise<{ id: string; username: string }> {
  passwordHash ??= hashPassword(PASSWORD, 10);
  const username = `${options.role}.${unique()}`;
  const id = await insertUser(db, {
    username,
    displayName: `Test ${options.role}`,
    role: options.role,
    discipline: options.discipline ?? null,
    passwordHash: await passwordHash,
  });
  for (const teamId of options.teamIds) await addMembership(db, id, teamId);
  return { id, username };
}

/** A valid NHS number from the 999 test range. */
export function testNhsNumber(): string {
  for (;;) {
    const stem = `999${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
    const check = nhsCheckDigit(stem);
    if (check !== null) return `${stem}${check}`;
  }
}

export async function makePatient(
  db: Db,
  options: { teamId?: string; at?: Date } & Partial<Omit<Patient, 'id' | 'version'>> = {},
) {
  const { teamId, at, ...overrides } = options;
  for (let attempt = 0; ; attempt++) {
    const fields = {
      nhsNumber: testNhsNumber(),
      givenName: 'Alex',
      familyName: `Testperson${unique().replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]!)}`,
      dateOfBirth: '1990-05-17',
      sex: 'female' as const,
      ethnicCategory: 'A' as const,
      postcode: 'M8 1AA',
      imdDecile: 3,
      gpPracticeOds: 'Z10001',
      ...overrides,
    };
    try {
      const id = await insertPatient(db, fields);
      if (teamId) await startCare(db, id, teamId, at ?? new Date('2026-01-01T00:00:00Z'));
      // Tests that want a patient without an NHS number pass nhsNumber: null and do not read it.
      return { id, ...fields, nhsNumber: fields.nhsNumber as string };
    } catch (error) {
      // Another test drew the same NHS number from the test range: draw again.
      if (attempt < 5 && String((error as Error).message).includes('nhs_number')) continue;
      throw error;
    }
  }
}

/** An attendance after self-harm, straight into the store (the presentation pages have their own tests). */
export async function makePresentation(
  db: Db,
  options: { patientId: string; teamId: string; recordedBy: string; arrivedAt?: Date },
): Promise<string> {
  const arrivedAt = options.arrivedAt ?? new Date('2026-11-24T22:10:00Z');
  return insertPresentation(db, {
    patientId: options.patientId,
    teamId: options.teamId,
    arrivedAt,
    leftAt: new Date(arrivedAt.getTime() + 6 * 3600_000),
    outcome: 'discharged',
    methods: ['X60'],
    recordedBy: options.recordedBy,
    recordedAt: arrivedAt,
  });
}

/** Someone on the population register (in nobody's care), with a fresh test-range NHS number. */
export async function makeRegisterPerson(
  db: Db,
  overrides: Partial<{
    nhsNumber: string | null;
    givenName: string;
    familyName: string;
    dateOfBirth: string;
    sex: string;
    postcode: string | null;
    gpPracticeOds: string | null;
  }> = {},
) {
  for (let attempt = 0; ; attempt++) {
    const person = {
      nhsNumber: testNhsNumber(),
      givenName: 'Jordan',
      familyName: `Registerperson${unique().replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]!)}`,
      dateOfBirth: '1994-03-09',
      sex: 'male',
      postcode: 'M8 2BB',
      gpPracticeOds: 'Z10002',
      ...overrides,
    };
    try {
      await db
        .insertInto('population_register')
        .values({
          nhs_number: person.nhsNumber,
          given_name: person.givenName,
          family_name: person.familyName,
          date_of_birth: person.dateOfBirth,
          sex: person.sex,
          postcode: person.postcode,
          gp_practice_ods: person.gpPracticeOds,
        })
        .execute();
      return { ...person, nhsNumber: person.nhsNumber as string };
    } catch (error) {
      if (attempt < 5 && String((error as Error).message).includes('nhs_number')) continue;
      throw error;
    }
  }
}

/** A service in the directory, made straight in its table: what tests about referring to one need. */
export async function makeService(
  db: Db,
  o: {
    by: string;
    name?: string;
    at?: Date;
    criteria?: { code: string; kind: 'eligibility' | 'exclusion'; text: string }[];
    mustContain?: string[];
    status?: 'active' | 'temporarily-closed' | 'inactive';
    kind?: string;
    /** Takes referrals by secure email, at this address (else by phone). */
    secureEmail?: string;
  },
): Promise<string> {
  const at = o.at ?? new Date('2026-11-25T10:00:00Z');
  const row = await db
    .insertInto('healthcare_services')
    .values({
      name: o.name ?? `Talking Therapies North ${unique()}`,
      provider_ods: 'RW4',
      kind: o.kind ?? 'talking-therapies',
      status: o.status ?? 'active',
      criteria: JSON.stringify(o.criteria ?? []),
      referral_must_contain: JSON.stringify(o.mustContain ?? []),
      route: o.secureEmail ? 'secure-email' : 'phone',
      secure_email: o.secureEmail ?? null,
      phone: '0161 496 0000',
      created_by: o.by,
      created_at: at,
      updated_by: o.by,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
