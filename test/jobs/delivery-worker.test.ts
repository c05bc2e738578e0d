import type { JobsOptions, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { createBindingStore, type BindingStore } from '../../src/store/bindings.js';
import { createDeliveryQueue, deliveryJobId, deliveryUuidFor, enqueueDeliveries, type DeliveryJobData } from '../../jobs/delivery-queue.js';
import { createDeliveryWorker, type DeliveryWorkerDeps } from '../../jobs/delivery-worker.js';
import { useTestRedis } from '../support/redis.js';
import { FakeLark, forbidden, rateLimited, serverError, shutdown, waitFor } from './helpers.js';
import { LarkApiError } from '../../src/adapters/lark/errors.js';

const t = useTestRedis('delivery-worker');
const log = silentLogger('warn');
let conn: Redis;
let queue: Queue<DeliveryJobData>;
let bindings: BindingStore;
let running: Worker[] = [];

beforeAll(async () => {
  conn = await t.connect({ forBullmq: true });
  queue = createDeliveryQueue({ connection: conn, prefix: t.prefix });
  bindings = createBindingStore(t.redis, { prefix: t.prefix });
});
afterEach(async () => {
  await shutdown(running, []);
  running = [];
});
afterAll(() => shutdown([], [queue]));

function start(send: DeliveryWorkerDeps['send'], extra: Partial<DeliveryWorkerDeps> = {}): Worker {
  const w = createDeliveryWorker({ connection: conn, redis: t.redis, prefix: t.prefix, send, bindings, log, ...extra });
  running.push(w);
  return w;
}

async function enqueue(tenant: string, chatId: string, ref: string, opts: Omit<JobsOptions, 'jobId'> = {}) {
  const data: DeliveryJobData = {
    v: 1,
    tenant,
    chatId,
    ref,
    uuid: deliveryUuidFor(ref, chatId),
    reply: { title: ref, blocks: [{ kind: 'text', text: `提醒 ${ref}` }] },
  };
  await enqueueDeliveries(queue, t.redis, [{ data, opts }], t.prefix);
  return { id: deliveryJobId(ref, chatId) };
}

describe('delivery worker (real Redis, BullMQ)', () => {
  it('rides out a 429 storm: everything delivered later, in order, none twice', async () => {
    const fake = new FakeLark();
    // Calls 3–4 answer 429 with a 1 s reset, call 5 a 429 without one (backoff with jitter).
    fake.failWith = (call) => (call === 3 || call === 4 ? rateLimited(1) : call === 5 ? rateLimited() : undefined);
    const refs = Array.from({ length: 12 }, (_, i) => `storm-${String(i).padStart(2, '0')}`);
    for (const [i, ref] of refs.entries()) await enqueue('tS', i % 3 === 0 ? 'oc_other' : 'oc_storm', ref);
    start(fake.send, { concurrency: 4 });
    await waitFor('all 12 messages', () => fake.posted.length >= 12, 20_000);
    for (const chat of ['oc_storm', 'oc_other']) {
      expect(fake.to(chat).map((p) => p.reply.title)).toEqual(refs.filter((_, i) => (i % 3 === 0 ? 'oc_other' : 'oc_storm') === chat));
    }
    expect(new Set(fake.posted.map((p) => p.uuid)).size).toBe(12);
    expect(fake.calls).toBe(15);
  });

  it('does not let a message that will never be sent hold up its chat', async () => {
    // An order entry whose job is gone (crash between recording and queueing) is skipped.
    await t.redis.zadd(`${t.prefix}:delivery-order:oc_orphan`, 0, 'dlv-never-queued');
    const fake = new FakeLark();
    await enqueue('tO', 'oc_orphan', 'after-orphan');
    start(fake.send);
    await waitFor('the message', () => fake.to('oc_orphan').length === 1);
    expect(await t.redis.zcard(`${t.prefix}:delivery-order:oc_orphan`)).toBe(0);
  });

  it('never trips a per-chat limit of 5 messages a second when one chat gets a burst', async () => {
    const fake = new FakeLark();
    const sentAt: number[] = [];
    let refused = 0;
    fake.failWith = (_call, chatId) => {
      if (chatId !== 'oc_burst') return undefined;
      const now = Date.now();
      // Lark's rule, checked the way a strict server would: at most 5 in any 1 s window.
      if (sentAt.filter((ts) => now - ts < 1000).length >= 5) {
        refused++;
        return new LarkApiError('im.message.create', 230020, 400, 'frequency limit');
      }
      sentAt.push(now);
      return undefined;
    };
    for (let i = 0; i < 12; i++) await enqueue('tB', 'oc_burst', `burst-${i}`);
    start(fake.send, { concurrency: 6 });
    await waitFor('the burst', () => fake.to('oc_burst').length >= 12, 20_000);
    expect(refused).toBe(0);
    expect(new Set(fake.to('oc_burst').map((p) => p.uuid)).size).toBe(12);
  });

  it('does not retry a permission error, logs it and flags the binding', async () => {
    await bindings.bind('tP', 'oc_kicked', '县财政局', 'ou_admin');
    const fake = new FakeLark();
    fake.failWith = () => forbidden(230002);
    const job = await enqueue('tP', 'oc_kicked', 'perm-1', { attempts: 5, backoff: { type: 'fixed', delay: 50 } });
    const captured = silentLogger('warn');
    start(fake.send, { log: captured });
    await waitFor('the job to fail', async () => (await queue.getJobState(job.id!)) === 'failed');
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.calls).toBe(1);
    expect(fake.posted).toEqual([]);
    expect((await bindings.get('tP', 'oc_kicked'))?.flagged).toMatchObject({ code: 230002 });
    expect(captured.lines.some((l) => l.event === 'delivery.forbidden' && l.chatId === 'oc_kicked')).toBe(true);
  });

  it('reports a delivery that finally fails to the supervisors\' chat, once', async () => {
    await bindings.bind('tF', 'oc_gone', '县财政局', 'ou_admin');
    const fake = new FakeLark();
    fake.failWith = (_call, chatId) => (chatId === 'oc_gone' ? forbidden(230002) : undefined);
    const job = await enqueue('tF', 'oc_gone', 'gone-1', { attempts: 3 });
    start(fake.send, { supervisorsChat: () => 'oc_sup_f' });
    await waitFor('the report', () => fake.to('oc_sup_f').length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(await queue.getJobState(job.id!)).toBe('failed');
    const [report] = fake.to('oc_sup_f');
    expect(fake.to('oc_sup_f')).toHaveLength(1);
    expect(report!.reply.title).toBe('消息未能送达');
    expect(JSON.stringify(report!.reply.blocks)).toContain('oc_gone');
  });

  it('sends nothing for a delivery queued again after it went out (a reconcile)', async () => {
    const fake = new FakeLark();
    const first = await enqueue('tA', 'oc_again', 'again-1', { removeOnComplete: true });
    start(fake.send);
    await waitFor('the first send', () => fake.posted.length >= 1);
    await waitFor('the job to go', async () => (await queue.getJob(first.id!)) === undefined);
    await enqueue('tA', 'oc_again', 'again-1');
    await waitFor('the second job to complete', async () => (await queue.getJobState(first.id!)) === 'completed');
    expect(fake.calls).toBe(1);
  });

  it('does not retry a parameter error', async () => {
    const fake = new FakeLark();
    fake.failWith = () => new LarkApiError('im.message.create', 230001, 400, 'invalid receive_id');
    const job = await enqueue('tX', 'oc_bad', 'param-1', { attempts: 5, backoff: { type: 'fixed', delay: 50 } });
    start(fake.send);
    await waitFor('the job to fail', async () => (await queue.getJobState(job.id!)) === 'failed');
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.calls).toBe(1);
  });

  it('retries server errors with backoff and then delivers once', async () => {
    const fake = new FakeLark();
    fake.failWith = (call) => (call <= 2 ? serverError() : undefined);
    const job = await enqueue('tR', 'oc_flaky', 'flaky-1', { attempts: 5, backoff: { type: 'exponential', delay: 100 } });
    start(fake.send);
    await waitFor('delivery after retries', () => fake.posted.length >= 1);
    expect(fake.calls).toBe(3);
    expect(fake.posted).toHaveLength(1);
    await waitFor('the job to complete', async () => (await queue.getJobState(job.id!)) === 'completed');
  });

  it('queues a delivery once however often it is enqueued', async () => {
    for (let i = 0; i < 3; i++) await enqueue('tD', 'oc_dup', 'dup-1');
    const fake = new FakeLark();
    start(fake.send);
    await waitFor('the delivery', () => fake.posted.length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.calls).toBe(1);
  });
});
