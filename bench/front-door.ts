import { readCaseload, USERNAME } from './lib/caseload.ts';
import { ms, ratio, seconds, table, whole } from './lib/format.ts';
import { load } from './lib/load.ts';
import type { Server } from './lib/processes.ts';
import {
  assertHealthy,
  ceilingTarget,
  type Measure,
  type RoundOptions,
  type Rounds,
  roundsTable,
  runRounds,
  startBare,
  startOnward,
  type Target,
} from './lib/rounds.ts';
import { type FormSession, signInForForms } from './lib/signin.ts';
import { median } from './lib/stats.ts';
import { type Engine, engineName, type Query, type Store } from './lib/stores.ts';
import { seedArgs, seedInto } from './seed.ts';

// The front door against a large population register: a trace by NHS number, a trace by a person's
// details, and the duplicate check before an untraced person is registered, on PostgreSQL with a
// register of about 1,000,000 people and on PGlite with about 100,000, each beside the bare Fastify
// route and the same engine's ceiling page measured in the same rounds (bench/lib/rounds.ts). The
// people traced are real register people whom Onward has no record of, so every trace finds them and
// every duplicate check finds them as a candidate: the check answers its page of candidates and never
// registers anyone. That is checked: the number of patients and care relationships is the same after.

export type FrontDoorOptions = RoundOptions & {
  /** Per engine: patients in a liaison team's care, and people on the register besides them. */
  sizes: { engine: Engine; patients: number; population: number }[];
  /** Register people sent round-robin to each front-door route (a different set for each route). */
  people: number;
};

type Kind = 'bare' | 'ceiling' | 'trace-number' | 'trace-details' | 'duplicate-check';

const KIND_NAME: Record<Exclude<Kind, 'bare' | 'ceiling'>, string> = {
  'trace-number': 'trace by NHS number',
  'trace-details': 'trace by details',
  'duplicate-check': 'duplicate check (untraced)',
};

export type FrontDoorFacts = {
  engine: Engine;
  patients: number;
  population: number;
  /** `SELECT count(*) FROM population_register`, and how many of them have an NHS number. */
  register: number;
  numbered: number;
  caredFor: number;
  teams: string[];
  seedWallS: number;
  people: number;
  /** Patients and care relationships before the load and after: the same, or the run fails. */
  patientsBefore: number;
  patientsAfter?: number;
  careBefore: number;
  careAfter?: number;
  /** Requests the server finished per route (timed inside it), the check before the load and warm-up included. */
  served: Record<string, number>;
  /** Audit rows written by the trace and untraced routes during the run. */
  auditRows?: Record<string, number>;
};

export type FrontDoorResult = Rounds<Kind> & { options: FrontDoorOptions; engines: FrontDoorFacts[] };

type Person = {
  nhs_number: string;
  given_name: string;
  family_name: string;
  dob: string;
  sex: string;
  postcode: string;
};

/** Register people Onward has no record of (none is in anyone's care), in id order: spread over the table. */
async function registerPeople(query: Query, n: number): Promise<Person[]> {
  return query<Person>(
    `SELECT nhs_number, given_name, family_name, date_of_birth::text AS dob, sex, postcode
     FROM population_register r
     WHERE nhs_number IS NOT NULL AND postcode IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM patients p WHERE p.nhs_number = r.nhs_number)
     ORDER BY id
     LIMIT ${n}`,
  );
}

async function liaisonTeamId(query: Query): Promise<string> {
  const [team] = await query<{ id: string }>(
    `SELECT t.id FROM teams t JOIN team_memberships m ON m.team_id = t.id JOIN users u ON u.id = m.user_id
     WHERE u.username = '${USERNAME}' AND t.kind = 'liaison-psychiatry' ORDER BY t.name LIMIT 1`,
  );
  if (!team) throw new Error(`${USERNAME} is in no liaison psychiatry team`);
  return team.id;
}

async function recordCounts(query: Query): Promise<{ patients: number; care: number }> {
  const [row] = await query<{ patients: number; care: number }>(
    'SELECT (SELECT count(*)::int FROM patients) AS patients, (SELECT count(*)::int FROM care_relationships) AS care',
  );
  return row!;
}

const FRONT_DOOR_ACTIONS = ['ed-referral.trace', 'ed-referral.register-untraced'];

async function frontDoorAuditRows(query: Query): Promise<Record<string, number>> {
  const rows = await query<{ action: string; n: number }>(
    `SELECT action, count(*)::int AS n FROM audit_log WHERE action IN (${FRONT_DOOR_ACTIONS.map((a) => `'${a}'`).join(',')}) GROUP BY action`,
  );
  return Object.fromEntries(FRONT_DOOR_ACTIONS.map((a) => [a, rows.find((r) => r.action === a)?.n ?? 0]));
}

/** The date-of-birth fields as the form sends them: day and month without leading zeros. */
function personFields(p: Person): Record<string, string> {
  const [year, month, day] = p.dob.split('-');
  return {
    familyName: p.family_name,
    givenName: p.given_name,
    'dateOfBirth[day]': String(Number(day)),
    'dateOfBirth[month]': String(Number(month)),
    'dateOfBirth[year]': year!,
    sex: p.sex,
  };
}

const form = (session: FormSession, fields: Record<string, string>) =>
  new URLSearchParams({ ...fields, _csrf: session.csrf }).toString();

/** The bodies each front-door route is sent, one per person, and what every answer must say. */
function frontDoorForms(session: FormSession, people: Person[], teamId: string) {
  const third = Math.floor(people.length / 3);
  const [byNumber, byDetails, unverified] = [0, 1, 2].map((k) => people.slice(k * third, (k + 1) * third));
  return {
    'trace-number': {
      path: '/ed-referrals/trace',
      bodies: byNumber!.map((p) => form(session, { by: 'nhs-number', nhsNumber: p.nhs_number })),
      verifyBody: (body: string) => body.includes('1 person found'),
    },
    'trace-details': {
      path: '/ed-referrals/trace',
      bodies: byDetails!.map((p) => form(session, { by: 'demographics', ...personFields(p), postcode: '' })),
      verifyBody: (body: string) => /(1 person|[1-9]\d* people) found/.test(body),
    },
    // step=check with no choice: with candidates the page lists them (200) and nothing is written.
    'duplicate-check': {
      path: '/ed-referrals/untraced',
      bodies: unverified!.map((p) =>
        form(session, {
          step: 'check',
          ...personFields(p),
          postcode: p.postcode,
          teamId,
          reason: 'ed-referral',
          reasonText: '',
        }),
      ),
      verifyBody: (body: string) => body.includes('may already have a record'),
    },
  } as const;
}

/** One request, before any load: it must answer 200 with what the page should say, and redirect nowhere. */
async function checkForm(base: string, session: FormSession, path: string, body: string, ok: (b: string) => boolean) {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  const text = await response.text();
  if (response.status !== 200 || !ok(text)) {
    throw new Error(
      `POST ${path} answered ${response.status} ${response.headers.get('location') ?? ''} without the expected page:\n${text.slice(0, 2000)}`,
    );
  }
}

export async function benchFrontDoor(
  options: FrontDoorOptions,
  say: (line: string) => void,
  keep: (store: Store) => void,
): Promise<FrontDoorResult> {
  const engines: FrontDoorFacts[] = [];
  const stores: Store[] = [];
  const people = new Map<Engine, Person[]>();
  const teamIds = new Map<Engine, string>();
  const ceilingIds = new Map<Engine, string[]>();

  for (const { engine, patients, population } of options.sizes) {
    say(`  seeding ${whole(patients)} patients and ${whole(population)} more on the register, ${engine}…`);
    const seeded = await seedInto(engine, patients, population);
    keep(seeded.store);
    stores.push(seeded.store);
    const facts = await seeded.store.read(async (query) => {
      const [counted] = await query<{ register: number; numbered: number }>(
        'SELECT count(*)::int AS register, count(nhs_number)::int AS numbered FROM population_register',
      );
      const caseload = await readCaseload(query, options.people);
      ceilingIds.set(engine, caseload.ids);
      const found = await registerPeople(query, 3 * options.people);
      people.set(engine, found);
      teamIds.set(engine, await liaisonTeamId(query));
      const before = await recordCounts(query);
      return {
        engine,
        patients,
        population,
        register: counted!.register,
        numbered: counted!.numbered,
        caredFor: caseload.caredFor,
        teams: caseload.teams,
        seedWallS: seeded.wallS,
        people: Math.floor(found.length / 3),
        patientsBefore: before.patients,
        careBefore: before.care,
        served: {},
      };
    });
    if (facts.people < 1 || ceilingIds.get(engine)!.length === 0) {
      throw new Error(`${engine}: no register people outside Onward, or nobody in ${USERNAME}'s care`);
    }
    engines.push(facts);
    say(`  ${engine}: ${whole(facts.register)} people on the register, ${whole(facts.patientsBefore)} patients`);
  }

  const servers: Server[] = [];
  const targets: Target<Kind>[] = [];
  let rounds: Rounds<Kind> | undefined;
  try {
    const bare = await startBare();
    servers.push(bare.server);
    targets.push(bare.target);
    for (const store of stores) {
      const engine = store.engine;
      const { server, control } = await startOnward(store);
      servers.push(server);
      const session = await signInForForms(server.base, USERNAME);
      targets.push(ceilingTarget(server, control, store, session, ceilingIds.get(engine)!));
      const forms = frontDoorForms(session, people.get(engine)!, teamIds.get(engine)!);
      for (const kind of ['trace-number', 'trace-details', 'duplicate-check'] as const) {
        const { path, bodies, verifyBody } = forms[kind];
        await checkForm(server.base, session, path, bodies[0]!, verifyBody);
        targets.push({
          name: `${KIND_NAME[kind]}, ${engineName[engine]}`,
          kind,
          engine,
          route: `POST ${path}`,
          expectedStatus: 200,
          control,
          databaseUrl: store.settings.DATABASE_URL,
          run: (connections, s) =>
            load({
              base: server.base,
              paths: [path],
              bodies,
              seconds: s,
              connections,
              cookie: session.cookie,
              verifyBody,
            }),
        });
      }
    }
    rounds = await runRounds(targets, options, say);
    // Every request each route's server finished: the check before the load, the warm-up and the rounds.
    targets.forEach((t, i) => {
      if (t.kind === 'bare' || t.kind === 'ceiling') return;
      const facts = engines.find((e) => e.engine === t.engine)!;
      const timed = [rounds!.warmups![i]!, ...[...rounds!.measures[i]!.values()].flat()];
      facts.served[t.kind] = 1 + timed.reduce((n, m) => n + m.serverCount, 0);
    });
  } finally {
    for (const server of servers.reverse()) await server.stop();
  }

  // Nothing written: the duplicate check found every person as a candidate and registered nobody.
  for (const store of stores) {
    const facts = engines.find((e) => e.engine === store.engine)!;
    await store.read(async (query) => {
      const after = await recordCounts(query);
      facts.patientsAfter = after.patients;
      facts.careAfter = after.care;
      facts.auditRows = await frontDoorAuditRows(query);
    });
    if (facts.patientsAfter !== facts.patientsBefore || facts.careAfter !== facts.careBefore) {
      throw new Error(
        `${store.engine}: the front door wrote records: patients ${facts.patientsBefore} → ${facts.patientsAfter}, care relationships ${facts.careBefore} → ${facts.careAfter}`,
      );
    }
  }

  const result: FrontDoorResult = { ...rounds!, options, engines };
  assertHealthy(result);
  return result;
}

const ROUTE_ORDER: Kind[] = ['trace-number', 'trace-details', 'duplicate-check', 'ceiling'];

export function frontDoorReport(r: FrontDoorResult): string[] {
  const { options } = r;
  const levels = options.connections;
  const at = Math.max(...levels);
  const indexOf = (kind: Kind, engine?: Engine) => r.targets.findIndex((t) => t.kind === kind && t.engine === engine);
  const med = (i: number, c: number, f: (m: Measure) => number) => median(r.measures[i]!.get(c)!.map(f));
  const perLevel = (f: (c: number) => string) => levels.map(f).join(' / ');
  const bare = indexOf('bare');
  const label = (kind: Kind) => (kind === 'ceiling' ? 'ceiling page' : KIND_NAME[kind as keyof typeof KIND_NAME]);
  // The figure for the README: each engine's front-door routes beside its ceiling page and the bare route.
  const figure = table(
    [
      'engine (register)',
      'route',
      ...levels.flatMap((c) => [`req/s, ${c} conn.`, `server p50 / p95, ${c} conn.`]),
      `req/s ÷ ceiling (${levels.join(' / ')} conn.)`,
      `req/s ÷ bare (${levels.join(' / ')} conn.)`,
    ],
    [
      ...r.engines.flatMap((e) =>
        ROUTE_ORDER.map((kind) => {
          const i = indexOf(kind, e.engine);
          return [
            `${engineName[e.engine]} (${whole(e.register)})`,
            label(kind),
            ...levels.flatMap((c) => [
              whole(med(i, c, (m) => m.rps)),
              `${ms(med(i, c, (m) => m.serverP50))} / ${ms(med(i, c, (m) => m.serverP95))} ms`,
            ]),
            kind === 'ceiling' ? '1' : perLevel((c) => median(r.ceilingRatios[i]!.get(c)!).toFixed(2)),
            perLevel((c) => ratio(median(r.ratios[i]!.get(c)!))),
          ];
        }),
      ),
      [
        '–',
        'bare Fastify route',
        ...levels.flatMap((c) => [
          whole(med(bare, c, (m) => m.rps)),
          `${ms(med(bare, c, (m) => m.serverP50))} / ${ms(med(bare, c, (m) => m.serverP95))} ms`,
        ]),
        '–',
        '1',
      ],
    ],
  );
  const checks = r.engines.map((e) => {
    const share = (kind: Kind) => median(r.ceilingRatios[indexOf(kind, e.engine)]!.get(at)!).toFixed(2);
    return `- ${engineName[e.engine]}, register of ${whole(e.register)}, ${at} connections: a trace by NHS number reaches **${share('trace-number')}** of the ceiling page's req/s, a trace by details **${share('trace-details')}**, the duplicate check **${share('duplicate-check')}**.`;
  });
  const tables = levels.flatMap((c) => [
    `**${c} connection${c === 1 ? '' : 's'}**${c === 1 ? ' (one request at a time: the cost of a request with no queue)' : ' (the server saturated: queueing included)'}`,
    '',
    ...roundsTable(r, c, { conflicts: false }),
    '',
  ]);
  const facts = r.engines.map((e) => {
    const audit = e.auditRows ?? {};
    const traces = (e.served['trace-number'] ?? 0) + (e.served['trace-details'] ?? 0);
    // A run that stops closes its connections: the requests then in flight are finished (and audited) by
    // the server but not timed, at most one per connection per run.
    const cutOff = at + options.rounds * levels.reduce((n, c) => n + c, 0);
    return `- ${engineName[e.engine]}: seeded with \`onward ${seedArgs(e.patients, e.population).join(' ')}\` in ${seconds(e.seedWallS)} (whole command); \`SELECT count(*) FROM population_register\` = **${whole(e.register)}** (${whole(e.numbered)} with an NHS number: the 999 test range holds 909,091), ${whole(e.patientsBefore)} patients, ${whole(e.caredFor)} of them cared for by ${e.teams.join(', ')}. ${whole(e.people)} register people per route. Patients ${whole(e.patientsBefore)} and care relationships ${whole(e.careBefore)} before, ${whole(e.patientsAfter!)} and ${whole(e.careAfter!)} after: nothing registered. Audit rows: ${whole(audit['ed-referral.trace'] ?? 0)} \`ed-referral.trace\` for ${whole(traces)} traces timed by the server (the check before the load and warm-up included) and at most ${whole(2 * cutOff)} more cut off when a run stopped (finished, not timed); ${whole(audit['ed-referral.register-untraced'] ?? 0)} \`ed-referral.register-untraced\` for ${whole(e.served['duplicate-check'] ?? 0)} duplicate checks timed and at most ${whole(cutOff)} cut off.`;
  });
  return [
    '## Front door: trace and duplicate check against the population register, server time beside a bare route and the ceiling page',
    '',
    ...checks,
    '',
    'Medians over the rounds; server time is taken inside the server (as in the section on the patient summary above).',
    '',
    ...figure,
    '',
    `Registers: ${r.engines.map((e) => `${engineName[e.engine]} ${whole(e.register)} people (${whole(e.patients)} in care, ${whole(e.population)} in nobody's)`).join('; ')}. autocannon (programmatic) in the benchmark process, no pipelining; ${options.warmupSeconds} s warm-up per target at`,
    `${at} connections, then ${options.rounds} round${options.rounds === 1 ? '' : 's'}; in each round, at each concurrency (${levels.join(', then ')} connection(s)), every target for ${options.seconds} s in turn: bare,`,
    'then on each engine the ceiling page, the trace by NHS number, the trace by details and the duplicate check. All servers are up throughout.',
    `Signed in as \`${USERNAME}\` (a liaison practitioner); every form is posted with the session's CSRF token. The people are register`,
    "people Onward has no record of (NHS number and postcode known), in the register's id order (random UUIDs: spread over the table),",
    `a different ${whole(options.people)} for each route, sent round-robin.`,
    '- **Trace by NHS number**: `POST /ed-referrals/trace` with `by=nhs-number&nhsNumber=…`: the register read by its unique NHS number,',
    "  Onward's own record looked up by that number, one `ed-referral.trace` audit row, the page with the one person found.",
    '  Every body is checked to say "1 person found".',
    '- **Trace by details**: the same route with `by=demographics`, family and given name, date of birth and sex (no postcode): everyone',
    '  on the register born that day read by the index on date of birth and scored in Node (names compared and by Double Metaphone),',
    "  the best ten kept, Onward's records of them looked up by NHS number, one audit row. Every body is checked to say someone was found.",
    "- **Duplicate check**: `POST /ed-referrals/untraced` with `step=check`, the person's details and postcode, the team and a reason, as",
    "  the untraced form sends them before anything is chosen: Onward's records born that day or at that postcode (two indexes, at most",
    '  200) scored by the name rules, the same register search as the trace by details, the register matches looked up by NHS number,',
    '  and the form shown again with the candidates. Each person is on the register, so each check finds them and the page answers 200',
    '  with "This person may already have a record" (every body is checked); nothing is written (see the counts below).',
    '- **Ceiling page** and **bare route**: as in the section on the patient summary above (`GET /bench/ceiling/<id>`, round-robin over',
    `  ${whole(options.people)} patients in the practitioner's caseload; \`bench/bare.ts\`).`,
    '',
    ...tables,
    ...facts,
  ];
}
