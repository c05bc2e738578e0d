import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { REPLAN_QUEUE, startDailyReplan } from '../../jobs/replan-scheduler.js';
import { useTestRedis } from '../support/redis.js';
import { waitFor } from './helpers.js';

const t = useTestRedis('replan');

describe('daily replan scheduler (real Redis, BullMQ)', () => {
  it('runs the replan on its schedule, once per tick however many replicas start it', async () => {
    const conn = await t.connect({ forBullmq: true });
    let runs = 0;
    const run = async () => {
      runs++;
    };
    // Two replicas start it; every second instead of 05:00 daily.
    const a = await startDailyReplan({ connection: conn, prefix: t.prefix, pattern: '* * * * * *', run, log: silentLogger() });
    const b = await startDailyReplan({ connection: conn, prefix: t.prefix, pattern: '* * * * * *', run, log: silentLogger() });
    const queue = new Queue(REPLAN_QUEUE, { connection: conn, prefix: t.prefix });
    try {
      expect(await queue.getJobSchedulersCount()).toBe(1);
      await waitFor('two ticks', () => runs >= 2, 8_000);
      const completed = await queue.getJobs(['completed'], 0, -1);
      // One job per tick: as many runs as completed jobs, never two for one tick.
      expect(new Set(completed.map((j) => j.timestamp)).size).toBe(completed.length);
    } finally {
      await a.close();
      await b.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
