import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLarkClient } from '../../src/adapters/lark/client.js';
import { createMessenger, type LarkMessenger } from '../../src/adapters/lark/send.js';
import { shanghaiInstant } from '../../src/calendar/shanghai.js';
import { silentLogger } from '../../src/log.js';
import { createBindingStore, type BindingStore } from '../../src/store/bindings.js';
import { createDeliveryQueue, deliveryUuidFor, enqueueDeliveries, type DeliveryJobData } from '../../jobs/delivery-queue.js';
import { createDeliveryWorker } from '../../jobs/delivery-worker.js';
import { planReminderJobs } from '../../jobs/plan-reminders.js';
import { createReminderQueue, type ReminderJobData } from '../../jobs/reminder-queue.js';
import { createReminderWorker } from '../../jobs/reminder-worker.js';
import { startFakeLark, type FakeLark } from '../fakes/lark-server.js';
import { deadline, doc, ledger, task } from '../reminders/fixtures.js';
import { useTestRedis } from '../support/redis.js';
import { shiftedClock, shutdown, waitFor } from './helpers.js';

/** Reminders end to end: BullMQ on real Redis → the real Lark SDK → the fake Lark Open API. */

const t = useTestRedis('reminders-lark');
const log = silentLogger('warn');
const FIN = 'oc_finance_group';
const SUP = 'oc_supervisors_group';
let fake: FakeLark;
let messenger: LarkMessenger;
let conn: Redis;
let reminders: Queue<ReminderJobData>;
let deliveries: Queue<DeliveryJobData>;
let bindings: BindingStore;
const workers: Worker[] = [];

beforeAll(async () => {
  fake = await startFakeLark({
    chats: [
      { chatId: FIN, name: '县财政局工作群', members: [] },
      { chatId: SUP, name: '督办群', members: [] },
      { chatId: 'oc_a', name: 'A', members: [] },
      { chatId: 'oc_b', name: 'B', members: [] },
    ],
  });
  // The worker owns retries (shared limiter, waits out 429s); the messenger makes one attempt.
  messenger = createMessenger({ client: createLarkClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url, log }), log, retry: { maxAttempts: 1 } });
  conn = await t.connect({ forBullmq: true });
  reminders = createReminderQueue({ connection: conn, prefix: t.prefix });
  deliveries = createDeliveryQueue({ connection: conn, prefix: t.prefix });
  bindings = createBindingStore(t.redis, { prefix: t.prefix });
});
afterAll(async () => {
  await shutdown(workers, [reminders, deliveries]);
  await fake.close();
});

function cardText(content: unknown): string {
  return JSON.stringify(content);
}

describe('reminders through the fake Lark server', () => {
  it('a due reminder arrives in the bound group as a card with the progress buttons', async () => {
    const tenant = 'tLark';
    await bindings.bind(tenant, FIN, '县财政局', 'ou_admin');
    const clock = shiftedClock(new Date(shanghaiInstant('2022-07-29', '09:00').getTime() - 300));
    const l = ledger(doc({ tasks: [task({ path: ['一、', '（二）'], title: '部门预算公开', leads: ['县财政局'], deadlines: [deadline('2022-07-29', '7月底前')] })] }));
    await planReminderJobs({ tenant, ledger: l, horizonDays: 20 }, { queue: reminders, redis: t.redis, log, now: clock, prefix: t.prefix });
    workers.push(
      createReminderWorker({ connection: conn, prefix: t.prefix, deliveryQueue: deliveries, redis: t.redis, bindings, supervisorsChat: () => SUP, now: clock, log }),
      createDeliveryWorker({ connection: conn, redis: t.redis, prefix: t.prefix, send: (c, r, u) => messenger.sendToChat(c, r, u), bindings, log }),
    );
    const [sent] = await fake.waitForSent(1, 10_000);
    expect(sent!.chatId).toBe(FIN);
    expect(sent!.msgType).toBe('interactive');
    const text = cardText(sent!.content);
    for (const s of ['今日截止', '县财政局', '部门预算公开', '7月底前', '已完成', '推进中', '有困难']) expect(text).toContain(s);
    expect(text).toContain('"action":"progress"');
    expect(sent!.uuid).toMatch(/^dub-/);
    expect(fake.sentTo(SUP)).toEqual([]);
  });

  it('a 429 storm: delivered later, in order per chat, nothing twice, nothing lost', async () => {
    const before = fake.sent.length;
    // The next four sends are refused with Lark's rate-limit answer and a 1 s reset.
    fake.failNext({ method: 'POST', path: '/open-apis/im/v1/messages' }, { status: 429, code: 99991400, msg: 'request trigger frequency limit', headers: { 'x-ogw-ratelimit-reset': '1' } }, 4);
    const order: Record<string, string[]> = { oc_a: [], oc_b: [] };
    const jobs = [];
    for (let i = 0; i < 10; i++) {
      const chatId = i % 2 === 0 ? 'oc_a' : 'oc_b';
      const ref = `storm-${i}`;
      order[chatId]!.push(ref);
      jobs.push({ data: { v: 1 as const, tenant: 'tLark', chatId, ref, uuid: deliveryUuidFor(ref, chatId), reply: { title: ref, blocks: [{ kind: 'text' as const, text: `提醒 ${ref}` }] } } });
    }
    await enqueueDeliveries(deliveries, t.redis, jobs, t.prefix);
    await waitFor('all ten', () => fake.sent.length - before >= 10, 20_000);
    await new Promise((r) => setTimeout(r, 300));
    const storm = fake.sent.slice(before);
    expect(storm).toHaveLength(10);
    expect(new Set(storm.map((s) => s.uuid)).size).toBe(10);
    for (const chatId of ['oc_a', 'oc_b']) {
      const titles = storm.filter((s) => s.chatId === chatId).map((s) => (cardText(s.content).match(/storm-\d+/) ?? [''])[0]);
      expect(titles).toEqual(order[chatId]);
    }
    expect(fake.calls.filter((c) => c.status === 429).length).toBeGreaterThanOrEqual(4);
    expect(await deliveries.getJobCountByTypes('failed')).toBe(0);
  });
});
