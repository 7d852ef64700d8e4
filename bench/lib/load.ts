import autocannon from 'autocannon';

// One autocannon run. Latencies are kept per response (autocannon's own histogram
// rounds to whole milliseconds, which reads as 0 for a bare route). GETs, or with `bodies` form POSTs.

export const CONNECTIONS = 32;

export type LoadOptions = {
  /** Origin, e.g. http://127.0.0.1:3000. */
  base: string;
  /** Paths visited round-robin across all connections. */
  paths: readonly string[];
  seconds: number;
  /** Concurrent connections (default CONNECTIONS). */
  connections?: number;
  cookie?: string;
  /**
   * URL-encoded form bodies: each request is then a POST of the next body in turn (walked with the
   * paths by one shared counter), sent as application/x-www-form-urlencoded.
   */
  bodies?: readonly string[];
  /** A check on each body; a failure counts as a mismatch. */
  verifyBody?: (body: string) => boolean;
};

export type Load = {
  seconds: number;
  responses: number;
  rps: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  mismatches: number;
  /** Milliseconds, one per response. */
  latencies: number[];
};

export async function load(options: LoadOptions): Promise<Load> {
  const { paths, bodies, verifyBody } = options;
  let next = 0;
  const latencies: number[] = [];
  // The callback form: it returns the instance, whose 'response' events give every latency.
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${options.base}${paths[0]}`,
        connections: options.connections ?? CONNECTIONS,
        duration: options.seconds,
        headers: {
          ...(options.cookie ? { cookie: options.cookie } : {}),
          ...(bodies ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(bodies ? { method: 'POST' as const } : {}),
        // setupRequest runs for every request, so one shared counter walks the paths in turn. With one
        // path the request is built once: rebuilding it each time would slow the client, not the server.
        ...(bodies
          ? {
              requests: [
                {
                  setupRequest: (request) => {
                    const at = next++;
                    return { ...request, path: paths[at % paths.length]!, body: bodies[at % bodies.length]! };
                  },
                },
              ],
            }
          : paths.length > 1
            ? { requests: [{ setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }) }] }
            : {}),
        ...(verifyBody ? { verifyBody: (body: string | Buffer | undefined) => verifyBody(String(body ?? '')) } : {}),
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, _status, _bytes, ms) => {
      latencies.push(ms);
    });
  });
  return {
    seconds: result.duration,
    responses: result.requests.total,
    rps: result.requests.total / result.duration,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    latencies,
  };
}
