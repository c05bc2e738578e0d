/**
 * Redis Cluster and Sentinel, as REDIS_CLUSTER_NODES / REDIS_SENTINELS
 * configure them, for real: servers started from redis-server for this file.
 * On each: reminders planned into BullMQ (a {hash-tag} prefix keeps each
 * queue in one Cluster slot), fired and delivered once; a re-plan adds
 * nothing; the inbox (delivery dedupe) and the planning lease hold. Sentinel also loses
 * its master (kill -9) and the bot's connections follow the promoted replica.
 */
import { randomBytes } from 'node:crypto';
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate, shanghaiInstant } from '../../src/calendar/shanghai.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { createRedis, redisTargetFromConfig, type RedisConnections } from '../../src/redis/connection.js';
import { createBindingStore } from '../../src/store/bindings.js';
import { createInboxQueue } from '../../jobs/inbox.js';
import { msg } from '../chat/fixtures.js';
import { createDeliveryQueue } from '../../jobs/delivery-queue.js';
import { createDeliveryWorker } from '../../jobs/delivery-worker.js';
import { acquireLease } from '../../jobs/lock.js';
import { planReminderJobs } from '../../jobs/plan-reminders.js';
import { createReminderQueue } from '../../jobs/reminder-queue.js';
import { createReminderWorker } from '../../jobs/reminder-worker.js';
import { scanTenants } from '../../jobs/weekly-tenants.js';
import { deadline, doc, ledger, task } from '../reminders/fixtures.js';
import { FakeLark, shiftedClock, shutdown, waitFor } from '../jobs/helpers.js';
import { startCluster, startSentinelSet, type RedisSet } from '../support/redis-ha.js';

const log = silentLogger('warn');
const FAST_LOCKS = { lockDuration: 2000, stalledInterval: 500, maxStalledCount: 3 };

function connect(env: Record<string, string>): RedisConnections {
  const config = loadConfig(env);
  const target = redisTargetFromConfig(config.redis, undefined);
  if (!target || target.kind === 'standalone') throw new Error('expected an HA target from the config');
  return createRedis(target, { log, name: 'duban-test' });
}

/** Plans one reminder due in a moment for a bound unit, fires it through both workers, and re-plans. */
async function remindersRoundTrip(conns: RedisConnections, prefix: string): Promise<{ posted: FakeLark; replanAdded: number; tenants: string[] }> {
  const tenant = `t${randomBytes(3).toString('hex')}`;
  const reminders = createReminderQueue({ connection: conns.queue, prefix });
  const deliveries = createDeliveryQueue({ connection: conns.queue, prefix });
  const bindings = createBindingStore(conns.client, { prefix: `${prefix}:b` });
  const workers: Worker[] = [];
  try {
    await bindings.bind(tenant, 'oc_finance', '县财政局', 'ou_admin');
    const clock = shiftedClock(new Date(shanghaiInstant('2022-07-29', '09:00').getTime() - 300));
    const l = ledger(doc({ tasks: [task({ path: ['一、'], title: '部门预算公开', leads: ['县财政局'], deadlines: [deadline(shanghaiDate(shanghaiInstant('2022-07-29', '09:00')), '7月底前')] })] }));
    const planned = await planReminderJobs({ tenant, ledger: l, horizonDays: 30 }, { queue: reminders, redis: conns.client, log, now: clock, prefix });
    expect(planned.added).toBeGreaterThan(0);
    const fake = new FakeLark();
    workers.push(
      createReminderWorker({ connection: conns.queue, prefix, deliveryQueue: deliveries, redis: conns.client, bindings, supervisorsChat: () => 'oc_sup', now: clock, log }),
      createDeliveryWorker({ connection: conns.queue, redis: conns.client, prefix, send: fake.send, bindings, log, workerOptions: FAST_LOCKS }),
    );
    await waitFor('the due-day reminder delivered', () => fake.to('oc_finance').length >= 1, 20_000);
    const again = await planReminderJobs({ tenant, ledger: l, horizonDays: 30 }, { queue: reminders, redis: conns.client, log, now: clock, prefix });
    const tenants = await scanTenants(conns.client, `${prefix}:b`);
    return { posted: fake, replanAdded: again.added + again.recreated, tenants: tenants.filter((t) => t === tenant) };
  } finally {
    await shutdown(workers, [reminders, deliveries]);
  }
}

/** An inbound message event, as the Lark adapter stores it before acknowledging. */
const event = (id: string) => ({ kind: 'message' as const, id, message: msg(`问题 ${id}`, { messageId: id, chatId: `oc_${id}` }) });

async function dedupeAndLocks(conns: RedisConnections, name: string) {
  const prefix = `{${name}}`;
  // Two "replicas" store the same 20 deliveries at once: each is stored (and so answered) once.
  const a = createInboxQueue({ connection: conns.queue, redis: conns.client, prefix, log });
  const b = createInboxQueue({ connection: conns.queue, redis: conns.client, prefix, log });
  try {
    const ids = Array.from({ length: 20 }, (_, i) => `evt-${i}`);
    await Promise.all(ids.flatMap((id) => [a.accept(event(id)), b.accept(event(id))]));
    const stored = new Set((await a.queue.getJobs(['waiting', 'delayed', 'prioritized', 'waiting-children', 'active'], 0, 1000)).map((j) => j.id));
    const lease = await acquireLease(conns.client, `${prefix}:lock`, { ttlMs: 5000 });
    const second = await acquireLease(conns.client, `${prefix}:lock`, { ttlMs: 5000, waitMs: 0 });
    await lease?.release();
    const third = await acquireLease(conns.client, `${prefix}:lock`, { ttlMs: 5000 });
    await third?.release();
    return { won: stored.size, first: Boolean(lease), second: Boolean(second), third: Boolean(third) };
  } finally {
    await a.queue.obliterate({ force: true }).catch(() => undefined);
    await Promise.all([a.close(), b.close()]);
  }
}

describe('on a Redis Cluster of three masters', () => {
  let set: RedisSet;
  let conns: RedisConnections;
  beforeAll(async () => {
    set = await startCluster(3);
    conns = connect({ REDIS_CLUSTER_NODES: set.nodes });
  }, 60_000);
  afterAll(async () => {
    await conns?.close();
    await set?.stop();
  });

  it('plans, fires and delivers reminders once, and a re-plan adds nothing', async () => {
    const r = await remindersRoundTrip(conns, `{duban-ha-${randomBytes(3).toString('hex')}}`);
    expect(r.posted.to('oc_finance')).toHaveLength(1);
    expect(r.posted.to('oc_finance')[0]!.reply.title).toBe('截止提醒：今日截止');
    expect(r.replanAdded).toBe(0);
    expect(r.tenants).toHaveLength(1); // found by scanning every master
  }, 40_000);

  it('refuses a queue prefix without a hash tag (its keys would span slots)', async () => {
    const q = createReminderQueue({ connection: conns.queue, prefix: `duban-notag-${randomBytes(3).toString('hex')}` });
    try {
      await expect(q.add('x', { v: 1 } as never, { jobId: 'a' })).rejects.toThrow(/CROSSSLOT|slot/i);
    } finally {
      await q.close();
    }
  });

  it('dedupes deliveries and holds the planning lock across slots', async () => {
    expect(await dedupeAndLocks(conns, `duban-ha-${randomBytes(3).toString('hex')}`)).toEqual({ won: 20, first: true, second: false, third: true });
  });
});

describe('through Redis Sentinel (master, replica, sentinel)', () => {
  let set: RedisSet;
  let conns: RedisConnections;
  beforeAll(async () => {
    set = await startSentinelSet('duban-test');
    conns = connect({ REDIS_SENTINELS: set.nodes, REDIS_SENTINEL_NAME: set.masterName! });
  }, 60_000);
  afterAll(async () => {
    await conns?.close();
    await set?.stop();
  });

  it('plans, fires and delivers reminders once, and a re-plan adds nothing', async () => {
    const r = await remindersRoundTrip(conns, `{duban-ha-${randomBytes(3).toString('hex')}}`);
    expect(r.posted.to('oc_finance')).toHaveLength(1);
    expect(r.replanAdded).toBe(0);
    expect(r.tenants).toHaveLength(1);
  }, 40_000);

  it('dedupes deliveries and holds the planning lock', async () => {
    expect(await dedupeAndLocks(conns, `duban-ha-${randomBytes(3).toString('hex')}`)).toEqual({ won: 20, first: true, second: false, third: true });
  });

  it('follows a failover after kill -9 of the master: claims made before survive, none is lost or doubled', async () => {
    const inbox = createInboxQueue({ connection: conns.queue, redis: conns.client, prefix: `{duban-fo-${randomBytes(3).toString('hex')}}`, log });
    try {
      const before = Array.from({ length: 50 }, (_, i) => `before-${i}`);
      expect(await Promise.all(before.map((id) => inbox.accept(event(id))))).toEqual(before.map(() => 'accepted'));
      // Wait until the replica has them, as an operator would before maintenance.
      expect(await (conns.client as import('ioredis').Redis).wait(1, 5000)).toBe(1);
      const oldMaster = await set.masterPort!();
      await set.kill(oldMaster);
      await waitFor('the sentinel to promote the replica', async () => (await set.masterPort!()) !== oldMaster, 30_000, 200);
      // The client finds the new master through the sentinel; every delivery stored before is still there.
      const again = await waitFor('deliveries answered by the new master', async () => Promise.all(before.map((id) => inbox.accept(event(id)))), 30_000, 200);
      expect(again.filter((r) => r === 'accepted')).toHaveLength(0);
      expect(await inbox.accept(event('after-failover'))).toBe('accepted');
      expect(await inbox.accept(event('after-failover'))).toBe('duplicate');
    } finally {
      await inbox.queue.obliterate({ force: true }).catch(() => undefined);
      await inbox.close();
    }
  }, 60_000);
});
