import type { JobResult, JobWithMetadata } from 'pg-boss';
import type { Clock } from '#platform/clock.ts';
import type { Config } from '#platform/config.ts';
import type { Db } from '#platform/db/schema.ts';
import { raiseFollowUpAlerts } from '../followup/alerts.ts';
import type { OutboxJob, Queue } from './queue.ts';
import { type DeliveryHooks, deliverMessage, markGivenUp, pollReceipts, type Transports } from './service.ts';
import { smtpTransport } from './transports/email.ts';
import { notifyTransport } from './transports/notify.ts';

// The outbox's workers: one takes each queued message to its transport, one at a time; the other
// marks a message whose job pg-boss gave up on (every retry failed, or its worker kept dying) as
// dead, for a person to see and send again. They run inside `onward serve` by default, or alone as
// `onward worker`; on several instances each job is still taken by one worker only (pg-boss claims
// it with SKIP LOCKED).

/** The transports the configuration sets up: none means messages are kept in the outbox, unsent. */
export function transportsFrom(config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'notify'>): Transports {
  return {
    ...(config.smtpUrl ? { email: smtpTransport({ url: config.smtpUrl, from: config.mailFrom }) } : {}),
    ...(config.notify ? { notify: notifyTransport(config.notify) } : {}),
  };
}

export type Worker = { stop(): Promise<void> };

export async function startWorker(
  queue: Queue,
  deps: { db: Db; clock: Clock },
  transports: Transports,
  o: { pollSeconds: number; batchSize?: number; hooks?: DeliveryHooks; onError?: (error: unknown) => void },
): Promise<Worker> {
  // A few jobs a fetch, and straight on to the next fetch while they come back full: a backlog drains
  // at the transport's pace, not one job per poll. Each job is settled on its own.
  await queue.boss.work(
    queue.names.jobs,
    {
      batchSize: o.batchSize ?? 5,
      burstWhenBatchFull: true,
      perJobResults: true,
      pollingIntervalSeconds: o.pollSeconds,
      // NOTIFY (PostgreSQL) wakes a worker for a new job at once; a retry coming due sends no NOTIFY,
      // so polling keeps its own pace rather than pg-boss's relaxed 30 s.
      notifyPollingIntervalSeconds: o.pollSeconds,
      includeMetadata: true,
    },
    async (jobs: JobWithMetadata<OutboxJob>[]) => {
      const results: JobResult[] = [];
      for (const job of jobs) {
        const lastTry = job.retryCount >= job.retryLimit;
        const result = await deliverMessage(deps, transports, { ...job.data, lastTry }, o.hooks);
        // Failed, pg-boss tries again after its back-off, or after the last try dead-letters the job.
        const again = 'retry' in result && result.retry;
        results.push({ id: job.id, status: again ? 'failed' : 'completed', output: { outcome: result.outcome } });
      }
      return results;
    },
  );
  await queue.boss.work(
    queue.names.deadLetters,
    { batchSize: 1, pollingIntervalSeconds: o.pollSeconds, includeMetadata: true },
    async ([job]: JobWithMetadata<OutboxJob>[]) => {
      if (job?.sourceId) await markGivenUp(deps, job.data.messageId, job.sourceId);
    },
  );
  // What falls due by time (a follow-up due within 12 hours, one missed): a run every minute, which
  // pg-boss's cron sends once however many instances supervise; each run reads its own window.
  await queue.boss.schedule(queue.names.due, '* * * * *', null, { missed: 'once' });
  await queue.boss.work(queue.names.due, { batchSize: 1, pollingIntervalSeconds: o.pollSeconds }, async () => {
    await raiseFollowUpAlerts(deps);
    // Texts and emails still without a final word: Notify is asked, in case its receipts cannot reach us.
    if (transports.notify) await pollReceipts(deps, transports.notify);
  });
  return {
    async stop() {
      await queue.boss.offWork(queue.names.jobs, { wait: true });
      await queue.boss.offWork(queue.names.deadLetters, { wait: true });
      await queue.boss.offWork(queue.names.due, { wait: true });
      for (const t of Object.values(transports)) t?.close();
    },
  };
}
