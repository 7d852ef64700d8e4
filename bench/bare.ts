import Fastify from 'fastify';

// The baseline: a bare Fastify route on the same machine, measured in the same run.
const app = Fastify();
app.get('/bare', async () => ({ ok: true }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
