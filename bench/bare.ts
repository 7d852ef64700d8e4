import Fastify from 'fastify';

// The yardstick: a bare Fastify 5 route, in its own process like the real server, so the patient
// summary can be read as a fraction of what Fastify itself does on this machine in the same run.
const app = Fastify();
app.get('/bare', () => ({ ok: true }));
await app.listen({ port: Number(process.env.PORT), host: process.env.HOST ?? '127.0.0.1' });
process.once('SIGTERM', () => void app.close());
