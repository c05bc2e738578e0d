/**
 * The durable inbox for tests that start the Lark adapter: real BullMQ on the
 * test Redis, under the test's key prefix (`{…}` keeps Cluster-style keys
 * together, as in production).
 *
 *   const lark = await startLark({ config, bot, log, inbox: await testInbox(t, log) });
 */
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { startInbox, type RunEvent } from '../../jobs/inbox.js';

export async function testInbox(t: { connect(o?: { forBullmq?: boolean }): Promise<Redis>; redis: Redis; prefix: string }, log: Logger, opts: { concurrency?: number } = {}) {
  const connection = await t.connect({ forBullmq: true });
  return (run: RunEvent) => startInbox({ connection, redis: t.redis, prefix: `${t.prefix}:{inbox}`, run, log, ...opts });
}
