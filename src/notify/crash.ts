import type { DeliveryHooks } from './service.ts';

// For the test that proves a message is never sent twice: ONWARD_TEST_CRASH names the point at
// which a worker process kills itself (SIGKILL: no clean-up, as a power cut or the OOM killer
// would) — after the transport took the message, or after that was recorded and before the job was
// acknowledged. Refused outside NODE_ENV=test.

export function crashHooks(env: Record<string, string | undefined> = process.env): DeliveryHooks | undefined {
  const at = env.ONWARD_TEST_CRASH;
  if (!at) return undefined;
  if (env.NODE_ENV !== 'test') throw new Error('ONWARD_TEST_CRASH is only for NODE_ENV=test');
  const die = () => process.kill(process.pid, 'SIGKILL');
  if (at === 'after-handover') return { afterHandover: die };
  if (at === 'after-record') return { afterRecord: die };
  throw new Error(`ONWARD_TEST_CRASH must be after-handover or after-record (got ${at})`);
}
