import Fastify from 'fastify';
import { CONTROL_PORT, recordServerTimes } from './lib/timing.ts';

// The yardstick: a bare Fastify 5 route, in its own process like the real server, so the patient
// summary can be read as a fraction of what Fastify itself does on this machine in the same run.
// With BENCH_CONTROL_PORT set it also records its server time per response, as bench/clinical-server.ts does.
const app = Fastify();
app.get('/bare', () => ({ ok: true }));
if (process.env[CONTROL_PORT]) await recordServerTimes(app, Number(process.env[CONTROL_PORT]));
await app.listen({ port: Number(process.env.PORT), host: process.env.HOST ?? '127.0.0.1' });
process.once('SIGTERM', () => void app.close());
