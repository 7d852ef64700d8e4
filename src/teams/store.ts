import type { Discipline, Role } from '#platform/access/model.ts';
import type { Db } from '#platform/db/schema.ts';
import type { OrganisationKind, Team, TeamKind } from './model.ts';

export async function insertOrganisation(
  db: Db,
  o: { odsCode: string; name: string; kind: OrganisationKind },
): Promise<string> {
  const row = await db
    .insertInto('organisations')
    .values({ ods_code: o.odsCode, name: o.name, kind: o.kind })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertTeam(
  db: Db,
  t: { organisationId: string; name: string; kind: TeamKind; serviceCode: string | null },
): Promise<string> {
  const row = await db
    .insertInto('teams')
    .values({ organisation_id: t.organisationId, name: t.name, kind: t.kind, service_code: t.serviceCode })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertUser(
  db: Db,
  u: {
    username: string;
    displayName: string;
    role: Role;
    discipline: Discipline | null;
    passwordHash: string | null;
  },
): Promise<string> {
  const row = await db
    .insertInto('users')
    .values({
      username: u.username,
      display_name: u.displayName,
      role: u.role,
      discipline: u.discipline,
      password_hash: u.passwordHash,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function addMembership(db: Db, userId: string, teamId: string): Promise<void> {
  await db.insertInto('team_memberships').values({ user_id: userId, team_id: teamId }).execute();
}

export async function teamsOfUser(db: Db, userId: string): Promise<(Team & { organisationName: string })[]> {
  const rows = await db
    .selectFrom('team_memberships')
    .innerJoin('teams', 'teams.id', 'team_memberships.team_id')
    .innerJoin('organisations', 'organisations.id', 'teams.organisation_id')
    .select([
      'teams.id',
      'teams.organisation_id',
      'teams.name',
      'teams.kind',
      'organisations.name as organisation_name',
    ])
    .where('team_memberships.user_id', '=', userId)
    .orderBy('teams.name')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    organisationId: r.organisation_id,
    name: r.name,
    kind: r.kind as TeamKind,
    organisationName: r.organisation_name,
  }));
}

export async function countOrganisations(db: Db): Promise<number> {
  const row = await db
    .selectFrom('organisations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export type AccountListing = {
  username: string;
  displayName: string;
  role: string;
  discipline: string | null;
  teams: string;
  disabled: boolean;
  lockedUntil: Date | null;
};

/** Accounts in username order, a page at a time: those after `afterUsername`. */
export async function listAccounts(db: Db, limit: number, afterUsername?: string): Promise<AccountListing[]> {
  let query = db
    .selectFrom('users')
    .leftJoin('team_memberships', 'team_memberships.user_id', 'users.id')
    .leftJoin('teams', 'teams.id', 'team_memberships.team_id')
    .select((eb) => [
      'users.username',
      'users.display_name',
      'users.role',
      'users.discipline',
      'users.disabled_at',
      'users.locked_until',
      eb.fn<string>('string_agg', ['teams.name', eb.val(', ')]).as('teams'),
    ])
    .groupBy(['users.id']);
  if (afterUsername !== undefined) query = query.where('users.username', '>', afterUsername);
  const rows = await query.orderBy('users.username').limit(limit).execute();
  return rows.map((r) => ({
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    discipline: r.discipline,
    teams: r.teams ?? '',
    disabled: r.disabled_at !== null,
    lockedUntil: r.locked_until,
  }));
}

export async function findTeam(db: Db, id: string): Promise<(Team & { organisationName: string }) | undefined> {
  const r = await db
    .selectFrom('teams')
    .innerJoin('organisations', 'organisations.id', 'teams.organisation_id')
    .select([
      'teams.id',
      'teams.organisation_id',
      'teams.name',
      'teams.kind',
      'organisations.name as organisation_name',
    ])
    .where('teams.id', '=', id)
    .executeTakeFirst();
  return (
    r && {
      id: r.id,
      organisationId: r.organisation_id,
      name: r.name,
      kind: r.kind as TeamKind,
      organisationName: r.organisation_name,
    }
  );
}

/** A GP practice (or any organisation) by its ODS code: its name and where it takes secure email. */
export async function organisationByOds(db: Db, odsCode: string) {
  return db
    .selectFrom('organisations')
    .select(['name', 'secure_email'])
    .where('ods_code', '=', odsCode)
    .executeTakeFirst();
}

export async function organisationNameByOds(db: Db, odsCode: string): Promise<string | null> {
  const row = await db.selectFrom('organisations').select('name').where('ods_code', '=', odsCode).executeTakeFirst();
  return row?.name ?? null;
}
