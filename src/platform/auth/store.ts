import { sql } from 'kysely';
import type { Discipline, Role } from '../access/model.ts';
import type { Db } from '../db/schema.ts';
import type { SignedInUser } from './model.ts';

export type Account = {
  id: string;
  username: string;
  role: Role;
  passwordHash: string | null;
  failedSignIns: number;
  lockedUntil: Date | null;
  disabledAt: Date | null;
};

export async function findAccount(db: Db, username: string): Promise<Account | undefined> {
  const r = await db
    .selectFrom('users')
    .select(['id', 'username', 'role', 'password_hash', 'failed_sign_ins', 'locked_until', 'disabled_at'])
    .where('username', '=', username)
    .executeTakeFirst();
  return (
    r && {
      id: r.id,
      username: r.username,
      role: r.role as Role,
      passwordHash: r.password_hash,
      failedSignIns: r.failed_sign_ins,
      lockedUntil: r.locked_until,
      disabledAt: r.disabled_at,
    }
  );
}

export async function recordSignInFailure(db: Db, userId: string, failedSignIns: number, lockedUntil: Date | null) {
  await db
    .updateTable('users')
    .set({ failed_sign_ins: failedSignIns, locked_until: lockedUntil })
    .where('id', '=', userId)
    .execute();
}

export async function recordSignInSuccess(db: Db, userId: string, newPasswordHash?: string) {
  await db
    .updateTable('users')
    .set({
      failed_sign_ins: 0,
      locked_until: null,
      ...(newPasswordHash ? { password_hash: newPasswordHash } : {}),
    })
    .where('id', '=', userId)
    .execute();
}

export async function insertSession(
  db: Db,
  s: { id: string; userId: string; createdAt: Date; lastSeenAt: Date; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: s.id,
      user_id: s.userId,
      created_at: s.createdAt,
      last_seen_at: s.lastSeenAt,
      expires_at: s.expiresAt,
    })
    .execute();
}

export type StoredSession = {
  id: string;
  lastSeenAt: Date;
  expiresAt: Date;
  endedAt: Date | null;
  user: Omit<SignedInUser, 'sessionId' | 'teamIds'> & { disabledAt: Date | null };
  teamIds: string[];
};

export async function findSession(db: Db, id: string): Promise<StoredSession | undefined> {
  const r = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'sessions.ended_at',
      'users.id as user_id',
      'users.username',
      'users.display_name',
      'users.role',
      'users.discipline',
      'users.disabled_at',
      // The user's teams come with the session: every request needs them, so one statement, not two.
      (eb) =>
        eb.fn
          .coalesce(
            eb
              .selectFrom('team_memberships')
              .select((m) => m.fn.agg<string[]>('array_agg', ['team_memberships.team_id']).as('ids'))
              .whereRef('team_memberships.user_id', '=', 'users.id'),
            sql<string[]>`'{}'::uuid[]`,
          )
          .as('team_ids'),
    ])
    .where('sessions.id', '=', id)
    .executeTakeFirst();
  return (
    r && {
      id: r.id,
      lastSeenAt: r.last_seen_at,
      expiresAt: r.expires_at,
      endedAt: r.ended_at,
      user: {
        id: r.user_id,
        username: r.username,
        displayName: r.display_name,
        role: r.role as Role,
        discipline: r.discipline as Discipline | null,
        disabledAt: r.disabled_at,
      },
      teamIds: r.team_ids,
    }
  );
}

export async function touchSession(db: Db, id: string, at: Date): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ last_seen_at: at })
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    .execute();
}

export async function endSession(db: Db, id: string, at: Date, reason: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ ended_at: at, end_reason: reason })
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    .execute();
}

export async function endSessionsOfUser(db: Db, userId: string, at: Date, reason: string): Promise<number> {
  const result = await db
    .updateTable('sessions')
    .set({ ended_at: at, end_reason: reason })
    .where('user_id', '=', userId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function disableAccount(db: Db, userId: string, at: Date): Promise<void> {
  await db.updateTable('users').set({ disabled_at: at }).where('id', '=', userId).execute();
}
