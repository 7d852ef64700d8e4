import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { firstWeek } from '../src/analytics/model.ts';
import { FOLLOW_UP_WEEKS } from '../src/analytics/service.ts';
import { followUpsByTeamAndWeek } from '../src/analytics/store.ts';
import { dueFollowUps } from '../src/followup/store.ts';
import { londonWallTimeToUtc } from '../src/platform/clock.ts';
import { type Connection, openEmbedded, openPostgres } from '../src/platform/db/connect.ts';
import type { Database } from '../src/platform/db/schema.ts';
import { londonToday } from '../src/platform/forms.ts';
import { PAGE_SIZE } from '../src/platform/worklist.ts';
import { USERNAME } from './lib/caseload.ts';
import { latency, table, whole } from './lib/format.ts';
import { median } from './lib/stats.ts';
import { type Engine, engineName, type Store } from './lib/stores.ts';
import { AS_OF } from './seed.ts';

// The two 48-hour follow-up queries timed on their own, on a seeded store with nothing else running
// (no server, no load): the figures page's followUpsByTeamAndWeek over every team (an analyst's view,
// the heaviest) for the weeks the page shows, and the worklist's dueFollowUps for the bench user's
// team, first page. The product's own store functions are called on a Kysely over the product's own
// connection (src/platform/db/connect.ts), so the SQL and its parameters are exactly what a request
// sends; each is timed around the call (statement and mapping of its rows), after one warm-up. The
// statement a call sent is kept (Kysely's log) and run once more under EXPLAIN (ANALYZE, BUFFERS).

/** The limits the issue sets: PostgreSQL's figures query under 200 ms; on PGlite no request-path query over 50 ms. */
export const LIMIT_MS: Record<'figures' | 'worklist', Record<Engine, number | undefined>> = {
  figures: { postgres: 200, pglite: 50 },
  worklist: { postgres: undefined, pglite: 50 },
};

export type QueryTimes = {
  /** Milliseconds of each timed run, in the order run (the warm-up apart). */
  runs: number[];
  /** Rows the call returned. */
  rows: number;
  /** EXPLAIN (ANALYZE, BUFFERS) of the statement the call sent. */
  plan: string[];
};

export type FollowUpQueries = {
  engine: Engine;
  team: string;
  /** The first Monday the figures page shows (London), and that day's 00:00 London as an instant. */
  monday: string;
  since: Date;
  now: Date;
  counts: {
    /** Every follow-up clock in the store. */
    total: number;
    /** Clocks still due, every team. */
    due: number;
    /** The bench team's worklist in full: due, the assessment not withdrawn, the person still in the team's care. */
    teamWorklist: number;
    /** Of those, past their 48 hours at the time of the run. */
    teamOverdue: number;
    /** Clocks started since the first week the figures page shows (what the figures query groups). */
    inWeeks: number;
  };
  figures: QueryTimes;
  worklist: QueryTimes;
};

/** A Kysely over the product's connection to the store that remembers the last statement it sent. */
async function open(
  store: Store,
): Promise<{ db: Kysely<Database>; last: () => CompiledQuery; close: () => Promise<void> }> {
  const connection: Connection =
    store.engine === 'pglite'
      ? await openEmbedded(store.settings.DATA_DIR!)
      : await openPostgres(store.settings.DATABASE_URL!, 1);
  let sent: CompiledQuery | undefined;
  const dialect = connection.pglite
    ? new PGliteDialect(connection.pglite)
    : new PostgresDialect({ pool: connection.pool! });
  const db = new Kysely<Database>({
    dialect,
    log: (event) => {
      sent = event.query;
    },
  });
  return {
    db,
    last: () => {
      if (!sent) throw new Error('no statement was sent');
      return sent;
    },
    close: async () => {
      // The connection's own Kysely owns the pool or PGlite, but closes PGlite only if it ran a query
      // itself (Kysely destroys only a driver it has started): this one ran them, so PGlite is closed here.
      await connection.close();
      if (connection.pglite && !connection.pglite.closed) await connection.pglite.close();
    },
  };
}

async function timed(
  db: Kysely<Database>,
  last: () => CompiledQuery,
  runs: number,
  call: () => Promise<unknown[]>,
): Promise<QueryTimes> {
  await call(); // warm-up
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = await call();
    times.push(performance.now() - start);
    rows = result.length;
  }
  const q = last();
  const explained = await db.executeQuery<{ 'QUERY PLAN': string }>(
    CompiledQuery.raw(`EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`, [...q.parameters]),
  );
  return { runs: times, rows, plan: explained.rows.map((r) => r['QUERY PLAN']) };
}

/** Both queries, `runs` times each after a warm-up, on a store nothing else has open. */
export async function timeFollowUpQueries(store: Store, runs: number): Promise<FollowUpQueries> {
  const { db, last, close } = await open(store);
  try {
    // The team GET /follow-ups shows first: the bench user's first liaison team by name (myTeams).
    const team = await db
      .selectFrom('teams as t')
      .innerJoin('team_memberships as m', 'm.team_id', 't.id')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['t.id', 't.name'])
      .where('u.username', '=', USERNAME)
      .where('t.kind', '=', 'liaison-psychiatry')
      .orderBy('t.name')
      .executeTakeFirstOrThrow();
    // As figuresFor does: since the Monday FOLLOW_UP_WEEKS - 1 weeks before this week's, 00:00 London.
    const now = new Date();
    const monday = firstWeek(londonToday(now), FOLLOW_UP_WEEKS);
    const since = londonWallTimeToUtc(monday, '00:00');
    const counted = await db.executeQuery<FollowUpQueries['counts']>(
      CompiledQuery.raw(
        `SELECT (SELECT count(*)::int FROM follow_ups) AS total,
           (SELECT count(*)::int FROM follow_ups WHERE state = 'due') AS due,
           (SELECT count(*)::int FROM follow_ups f JOIN assessments a ON a.id = f.assessment_id AND a.entered_in_error_at IS NULL
             WHERE f.team_id = $1 AND f.state = 'due'
               AND EXISTS (SELECT 1 FROM care_relationships c WHERE c.patient_id = f.patient_id AND c.team_id = f.team_id AND c.ended_at IS NULL)) AS "teamWorklist",
           (SELECT count(*)::int FROM follow_ups f JOIN assessments a ON a.id = f.assessment_id AND a.entered_in_error_at IS NULL
             WHERE f.team_id = $1 AND f.state = 'due' AND f.due_at <= $2
               AND EXISTS (SELECT 1 FROM care_relationships c WHERE c.patient_id = f.patient_id AND c.team_id = f.team_id AND c.ended_at IS NULL)) AS "teamOverdue",
           (SELECT count(*)::int FROM follow_ups WHERE assessed_at >= $3) AS "inWeeks"`,
        [team.id, now, since],
      ),
    );
    const figures = await timed(db, last, runs, () => followUpsByTeamAndWeek(db, 'all', since, now));
    // The first page: a page and one more row, no cursor (followUpWorklist).
    const worklist = await timed(db, last, runs, () => dueFollowUps(db, team.id, PAGE_SIZE + 1, undefined));
    return { engine: store.engine, team: team.name, monday, since, now, counts: counted.rows[0]!, figures, worklist };
  } finally {
    await close();
  }
}

/** The rows the first page of GET /follow-ups should show. */
export const worklistPageRows = (q: FollowUpQueries) => Math.min(PAGE_SIZE, q.counts.teamWorklist);

export function followUpQueriesReport(all: readonly FollowUpQueries[], runs: number): string[] {
  const over = (q: FollowUpQueries, kind: 'figures' | 'worklist') => {
    const limit = LIMIT_MS[kind][q.engine];
    return limit !== undefined && Math.max(...q[kind].runs) > limit;
  };
  const row = (q: FollowUpQueries, kind: 'figures' | 'worklist') => {
    const t = q[kind];
    const limit = LIMIT_MS[kind][q.engine];
    return [
      kind === 'figures'
        ? `figures: \`followUpsByTeamAndWeek\`, every team, ${FOLLOW_UP_WEEKS} weeks`
        : `worklist: \`dueFollowUps\`, ${q.team}, first page`,
      engineName[q.engine],
      latency(median(t.runs)),
      latency(Math.min(...t.runs)),
      latency(Math.max(...t.runs)),
      limit === undefined ? '–' : `${limit} ms: ${over(q, kind) ? '**over**' : 'within'}`,
      whole(t.rows),
    ];
  };
  const first = all[0];
  const slow = all.flatMap((q) =>
    (['figures', 'worklist'] as const)
      .filter((kind) => over(q, kind))
      .flatMap((kind) => [
        '',
        `Over its limit: the ${kind} query on ${engineName[q.engine]}, \`EXPLAIN (ANALYZE, BUFFERS)\` of the statement it sent:`,
        '',
        '```',
        ...q[kind].plan,
        '```',
      ]),
  );
  return [
    '### 48-hour follow-ups: the figures and worklist queries on their own',
    '',
    `Timed on each seeded store after seeding and before any server started, nothing else of the benchmark running: the product's own store`,
    "functions called on a Kysely over the product's connection (`openPostgres` with one connection, `openEmbedded`), so the SQL",
    `and its parameters are what a request sends; each call timed whole (statement and its rows mapped), ${runs} runs after one warm-up.`,
    `- **Figures**: \`followUpsByTeamAndWeek(db, 'all', since, now)\` as \`figuresFor\` calls it for an analyst (every team, the`,
    `  heaviest scope): \`since\` the Monday ${FOLLOW_UP_WEEKS - 1} weeks before this week's, 00:00 London${first ? ` (Monday ${first.monday}, ${first.since.toISOString()})` : ''}, \`now\` the time of the run.`,
    `  The seed's clocks run up to its \`--as-of ${AS_OF}\`, so the weeks after it are empty.`,
    `- **Worklist**: \`dueFollowUps(db, team, ${PAGE_SIZE + 1}, undefined)\` as \`GET /follow-ups\` calls it: the bench user's first`,
    '  liaison team, the first page (a page and one row more), no cursor.',
    '- Limits: on PostgreSQL the figures query under 200 ms; on PGlite, which runs queries on the event loop, no request-path',
    '  query over 50 ms. Judged on the slowest run.',
    '',
    ...table(
      ['query', 'engine', 'median ms', 'min ms', 'max ms', 'limit (slowest run)', 'rows returned'],
      all.flatMap((q) => [row(q, 'figures'), row(q, 'worklist')]),
    ),
    '',
    ...all.map(
      (q) =>
        `- ${engineName[q.engine]}: \`follow_ups\` holds **${whole(q.counts.total)}** clocks, ${whole(q.counts.due)} still due (every team); ${whole(q.counts.inWeeks)} started since Monday ${q.monday} (what the figures query groups); ${q.team}'s worklist holds **${whole(q.counts.teamWorklist)}** (${whole(q.counts.teamOverdue)} of them overdue at the time of the run).`,
    ),
    ...slow,
  ];
}
