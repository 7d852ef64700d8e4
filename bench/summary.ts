import autocannon from 'autocannon';
import pg from 'pg';
import { openEmbedded } from '../src/platform/db/connect.ts';
import { bin, startProcess } from './process.ts';

// Requests per second of the patient summary page (a read that also appends a hash-chained
// audit row) against a bare Fastify route measured in the same run.

const CONNECTIONS = 32;

async function northbridgeIds(engine: 'pglite' | 'postgres', where: string): Promise<string[]> {
  const query = `SELECT c.patient_id FROM care_relationships c JOIN teams t ON t.id = c.team_id
    WHERE t.name LIKE 'Liaison Psychiatry, Northbridge%' AND c.ended_at IS NULL LIMIT 1000`;
  if (engine === 'postgres') {
    const client = new pg.Client({ connectionString: where });
    await client.connect();
    const rows = (await client.query<{ patient_id: string }>(query)).rows;
    await client.end();
    return rows.map((r) => r.patient_id);
  }
  // Read before the server starts: the embedded data folder has one opener at a time.
  const connection = await openEmbedded(where);
  const rows = (await connection.pglite!.query<{ patient_id: string }>(query)).rows;
  await connection.close();
  return rows.map((r) => r.patient_id);
}

async function signIn(base: string): Promise<string> {
  const page = await fetch(`${base}/sign-in`);
  const csrfCookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const response = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: csrfCookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, username: 'practitioner', password: 'onward-demo-2026' }),
  });
  const session = response.headers.getSetCookie().find((c) => c.startsWith('onward-session='));
  if (response.status !== 303 || !session) throw new Error(`sign-in failed: ${response.status}`);
  return session.split(';')[0]!;
}

export type Load = { rps: number; p50: number; p975: number; p99: number; non2xx: number };

function load(url: string, cookie: string | undefined, paths: string[] | undefined, seconds: number): Promise<Load> {
  let i = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections: CONNECTIONS,
        duration: seconds,
        headers: cookie ? { cookie } : {},
        requests: paths ? [{ setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length] }) }] : undefined,
      },
      (error, r) => {
        if (error) reject(error);
        else
          resolve({
            rps: r.requests.average,
            p50: r.latency.p50,
            p975: r.latency.p97_5,
            p99: r.latency.p99,
            non2xx: r.non2xx,
          });
      },
    );
  });
}

export async function benchBare(seconds: number): Promise<Load> {
  const bare = await startProcess([new URL('./bare.ts', import.meta.url).pathname], {}, '/bare');
  try {
    await load(`${bare.base}/bare`, undefined, undefined, 2);
    return await load(`${bare.base}/bare`, undefined, undefined, seconds);
  } finally {
    await bare.stop();
  }
}

export async function benchSummary(engine: 'pglite' | 'postgres', where: string, seconds: number): Promise<Load> {
  const ids = await northbridgeIds(engine, where);
  const env =
    engine === 'postgres'
      ? { DATABASE_URL: where, SEED_DEMO: 'false' }
      : { DATA_DIR: where, DATABASE_URL: undefined, SEED_DEMO: 'false' };
  const server = await startProcess([bin, 'serve'], env);
  try {
    const cookie = await signIn(server.base);
    const paths = ids.map((id) => `/patients/${id}`);
    await load(server.base, cookie, paths, 3);
    const result = await load(server.base, cookie, paths, seconds);
    if (result.non2xx > 10) throw new Error(`${result.non2xx} summary requests did not answer 2xx`);
    return result;
  } finally {
    await server.stop();
  }
}
