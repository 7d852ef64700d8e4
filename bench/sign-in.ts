import { openQueue } from '../src/notify/queue.ts';
import { hashPassword } from '../src/platform/auth/password.ts';
import { fixedClock } from '../src/platform/clock.ts';
import { testConfig } from '../src/platform/config.ts';
import { openMemory } from '../src/platform/db/connect.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { buildApp } from '../src/platform/http/app.ts';
import { pages } from '../src/routes.ts';
import { addMembership, insertOrganisation, insertTeam, insertUser } from '../src/teams/store.ts';
import { spread } from './lib/stats.ts';

// Can a stranger tell which usernames exist? Unknown, locked and wrong-password sign-ins must give
// the same answer in the same time. Each is timed in turn (A B C D A B C D …, so drift hits all
// alike) through the real route, with the production password hash cost, inside one process.

export type SignInTiming = { kind: string; status: number; ms: ReturnType<typeof spread> };

export async function benchSignIn(runs: number, progress: (line: string) => void): Promise<SignInTiming[]> {
  const connection = await openMemory();
  try {
    await migrateToLatest(connection);
    const config = testConfig({ passwordHashCost: 16, signInRateLimit: 1_000_000 });
    const clock = fixedClock('2026-11-25T10:00:00Z');
    const queue = await openQueue(connection);
    const app = await buildApp({
      queue,
      db: connection.db,
      clock,
      config,
      pages,
    });
    await app.ready();
    const org = await insertOrganisation(connection.db, { odsCode: 'ZB001', name: 'Bench Trust', kind: 'nhs-trust' });
    const team = await insertTeam(connection.db, {
      organisationId: org,
      name: 'Bench liaison',
      kind: 'liaison-psychiatry',
      serviceCode: null,
    });
    const passwordHash = await hashPassword('the right password', 16);
    const user = async (username: string) => {
      const id = await insertUser(connection.db, {
        username,
        displayName: username,
        role: 'liaison-practitioner',
        discipline: null,
        passwordHash,
      });
      await addMembership(connection.db, id, team);
    };
    await user('bench.locked');
    await user('bench.wrong');
    await user('bench.right');
    const form = await app.inject({ method: 'GET', url: '/sign-in' });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const cookie = form.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const attempt = async (username: string, password: string) => {
      const started = performance.now();
      const r = await app.inject({
        method: 'POST',
        url: '/sign-in',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ username, password, _csrf: csrf }).toString(),
      });
      return { status: r.statusCode, ms: performance.now() - started };
    };
    for (let i = 0; i < 5; i++) await attempt('bench.locked', 'wrong');
    const kinds: [string, string, string][] = [
      ['unknown username', 'bench.nobody', 'the right password'],
      ['locked account, right password', 'bench.locked', 'the right password'],
      ['wrong password', 'bench.wrong', 'not the password'],
      ['right password (signs in)', 'bench.right', 'the right password'],
    ];
    const times = new Map<string, { status: number; ms: number[] }>(kinds.map(([k]) => [k, { status: 0, ms: [] }]));
    await attempt('bench.nobody', 'warm-up');
    for (let run = 0; run < runs; run++) {
      progress(`  sign-in timing, round ${run + 1} of ${runs}`);
      for (const [kind, username, password] of kinds) {
        const r = await attempt(username, password);
        const t = times.get(kind)!;
        t.status = r.status;
        t.ms.push(r.ms);
      }
    }
    await app.close();
    await queue.stop();
    return kinds.map(([kind]) => ({ kind, status: times.get(kind)!.status, ms: spread(times.get(kind)!.ms) }));
  } finally {
    await connection.close();
  }
}

export function signInReport(rows: SignInTiming[], runs: number): string[] {
  const wrong = rows.find((r) => r.kind === 'wrong password')!.ms.median;
  return [
    '## Sign-in: unknown, locked and wrong look the same',
    '',
    `Each kind ${runs} times in turn through \`POST /sign-in\` (in-process, embedded database, password hash cost 16 as in production). Times in ms.`,
    '',
    '| attempt | answer | median | min | max | median ÷ wrong password |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.kind} | ${r.status} | ${r.ms.median.toFixed(0)} | ${r.ms.min.toFixed(0)} | ${r.ms.max.toFixed(0)} | ${(r.ms.median / wrong).toFixed(2)} |`,
    ),
  ];
}
