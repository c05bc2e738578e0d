/**
 * /诊断: "why didn't 县财政局 get its reminder?", answered from real BullMQ
 * queues after real reminder and delivery workers ran (Lark stand-in refuses
 * the finance group: bot removed), through the port handlers get.
 */
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../src/calendar/shanghai.js';
import { silentLogger } from '../../src/log.js';
import { reminderId } from '../../src/reminders/ids.js';
import type { Reminder } from '../../src/reminders/types.js';
import { createDeliveryQueue, DELIVERY_QUEUE, type DeliveryJobData } from '../../jobs/delivery-queue.js';
import { createDeliveryRecords, RECORD_QUEUES } from '../../jobs/delivery-records.js';
import { createDeliveryWorker } from '../../jobs/delivery-worker.js';
import { syncReminderJobs } from '../../jobs/plan-reminders.js';
import { createReminderQueue, DEFAULT_PREFIX, REMINDER_QUEUE, type ReminderJobData } from '../../jobs/reminder-queue.js';
import { createReminderWorker } from '../../jobs/reminder-worker.js';
import { FakeLark, forbidden, shutdown, waitFor } from '../jobs/helpers.js';
import { ADMIN, FIN1, FIN_CHAT, SUP_CHAT, startHarness, type Harness } from '../progress/harness.js';
import { useTestRedis } from '../support/redis.js';

const t = useTestRedis('handlers-diagnose');
const log = silentLogger('warn');
let h: Harness;
let conn: Redis;
let reminders: Queue<ReminderJobData>;
let deliveries: Queue<DeliveryJobData>;
let workers: Worker[] = [];
const records = { log: undefined as ReturnType<typeof createDeliveryRecords> | undefined };

function firing(unit: string, title: string): Reminder {
  const fireAt = new Date(Date.now() + 200);
  const fireDate = shanghaiDate(fireAt);
  return {
    id: reminderId({ tenant: 'tn', taskId: `doc#${title}`, unit, dueDate: fireDate, kind: 'due' }),
    tenant: 'tn',
    taskId: `doc#${title}`,
    file: 'plan.txt',
    docTitle: '工作要点',
    path: ['一、'],
    title,
    unit,
    dueDate: fireDate,
    deadlineText: '今日',
    kind: 'due',
    repeat: 0,
    fireDate,
    fireAt,
    target: { kind: 'unit', unit },
  };
}

beforeAll(async () => {
  conn = await t.connect({ forBullmq: true });
  reminders = createReminderQueue({ connection: conn, prefix: t.prefix });
  deliveries = createDeliveryQueue({ connection: conn, prefix: t.prefix });
  records.log = createDeliveryRecords({ connection: conn, prefix: t.prefix });
  h = await startHarness(t, 'd', { deliveries: records.log });
  await h.say(ADMIN, FIN_CHAT, '/绑定 县财政局');
  const fake = new FakeLark();
  fake.failWith = (_call, chatId) => (chatId === FIN_CHAT ? forbidden(232011) : undefined);
  const bindings = h.features.services.bindings;
  workers = [
    createReminderWorker({ connection: conn, prefix: t.prefix, deliveryQueue: deliveries, redis: t.redis, bindings, supervisorsChat: () => SUP_CHAT, log }),
    createDeliveryWorker({ connection: conn, redis: t.redis, prefix: t.prefix, send: fake.send, bindings, log }),
  ];
  await syncReminderJobs('tn', [firing('县财政局', '部门预算公开'), firing('县税务局', '减税降费')], { queue: reminders, redis: t.redis, log, prefix: t.prefix });
  // One delivery refused (finance), one sent to the supervisors in place of the unbound tax bureau.
  await waitFor('both deliveries finished', async () => {
    const c = await deliveries.getJobCounts('completed', 'failed');
    return (c.completed ?? 0) + (c.failed ?? 0) >= 2;
  }, 20_000);
}, 40_000);
afterAll(async () => {
  await shutdown(workers, [reminders, deliveries]);
  await records.log?.close();
  await h?.close();
});

describe('/诊断', () => {
  it('shows the bound group, the failed delivery with its reason, and says what to do', async () => {
    const out = await h.say(ADMIN, 'oc_p2p_admin', '/诊断 县财政局', { chatType: 'p2p' });
    expect(out).toContain('【县财政局的提醒诊断】');
    expect(out).toMatch(new RegExp(`绑定的群：${FIN_CHAT}（停发：`, 'u'));
    expect(out).toMatch(/部门预算公开\s+已排入发送/u);
    expect(out).toMatch(new RegExp(`${FIN_CHAT}\\s+截止提醒：今日截止\\s+失败（已放弃）：.*232011`, 'u'));
    expect(out).toContain('绑定的群都因权限问题停发');
  });

  it('for an unbound unit, shows the reminder sent to the supervisors instead and says to bind', async () => {
    const out = await h.say(ADMIN, 'oc_p2p_admin', '为什么县税务局没收到提醒', { chatType: 'p2p' });
    expect(out).toContain('【县税务局的提醒诊断】');
    expect(out).toContain('绑定的群：未绑定');
    expect(out).toMatch(/减税降费\s+已排入发送（改发督查室群）/u);
    expect(out).toMatch(new RegExp(`${SUP_CHAT}\\s+截止提醒：今日截止\\s+已送达`, 'u'));
    expect(out).toContain('该单位没有绑定工作群，提醒改发到督查室群');
    // Nothing of the finance bureau leaks into the tax bureau's answer.
    expect(out).not.toContain(FIN_CHAT);
  });

  it('is for admins only', async () => {
    expect(await h.say(FIN1, FIN_CHAT, '/诊断 县财政局')).toMatch(/需要管理员权限/u);
  });

  it('reads the queues the workers use (names kept apart so the terminal chat does not load bullmq)', () => {
    expect(RECORD_QUEUES).toEqual({ reminders: REMINDER_QUEUE, deliveries: DELIVERY_QUEUE, prefix: DEFAULT_PREFIX });
  });

  it('names the unit it could not find', async () => {
    expect(await h.say(ADMIN, 'oc_p2p_admin', '/诊断 气象台', { chatType: 'p2p' })).toContain('没有找到单位“气象台”');
  });
});
