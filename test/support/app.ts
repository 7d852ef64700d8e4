import type { FastifyInstance } from 'fastify';
import type { Queue } from '../../src/notify/queue.ts';
import { type Clock, fixedClock } from '../../src/platform/clock.ts';
import { type Config, testConfig } from '../../src/platform/config.ts';
import { buildApp } from '../../src/platform/http/app.ts';
import type { Page } from '../../src/platform/http/pages.ts';
import { pages } from '../../src/routes.ts';
import { testDatabase, testQueue } from './database.ts';

export async function testApp(
  options: { clock?: Clock; config?: Partial<Config>; extraPages?: Page[]; queue?: Queue } = {},
) {
  const connection = await testDatabase();
  const clock = options.clock ?? fixedClock('2026-11-25T10:00:00Z');
  const config = testConfig(options.config);
  const queue = options.queue ?? (await testQueue());
  const app: FastifyInstance = await buildApp({
    db: connection.db,
    queue,
    clock,
    config,
    pages: [...pages, ...(options.extraPages ?? [])],
  });
  await app.ready();
  return { app, db: connection.db, clock, config, connection, queue };
}
