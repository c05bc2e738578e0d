import type { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate, shanghaiInstant } from '../../src/calendar/shanghai.js';
import type { Block } from '../../src/chat/types.js';
import { silentLogger } from '../../src/log.js';
import { reminderId } from '../../src/reminders/ids.js';
import type { Reminder } from '../../src/reminders/types.js';
import { createBindingStore, type BindingStore } from '../../src/store/bindings.js';
import { createDeliveryQueue, type DeliveryJobData } from '../../jobs/delivery-queue.js';
import { createDeliveryWorker } from '../../jobs/delivery-worker.js';
import { planReminderJobs, syncReminderJobs } from '../../jobs/plan-reminders.js';
import { createReminderQueue, type ReminderJobData } from '../../jobs/reminder-queue.js';
import { createReminderProcessor, createReminderWorker, type ReminderOutcome } from '../../jobs/reminder-worker.js';
import { toJobData } from '../../jobs/reminder-queue.js';
import { deadline, doc, ledger, task } from '../reminders/fixtures.js';
import { useTestRedis } from '../support/redis.js';
import { FakeLark, shiftedClock, shutdown, waitFor } from './helpers.js';

const t = useTestRedis('reminder-worker');
const log = silentLogger('warn');
let conn: Redis;
let reminders: Queue<ReminderJobData>;
let deliveries: Queue<DeliveryJobData>;
let bindings: BindingStore;
let running: Worker[] = [];

const SUPERVISORS = 'oc_supervisors';

beforeAll(async () => {
  conn = await t.connect({ forBullmq: true });
  reminders = createReminderQueue({ connection: conn, prefix: t.prefix });
  deliveries = createDeliveryQueue({ connection: conn, prefix: t.prefix });
  bindings = createBindingStore(t.redis, { prefix: t.prefix });
});
afterEach(async () => {
  await shutdown(running, []);
  running = [];
});
afterAll(() => shutdown([], [reminders, deliveries]));

interface StartOptions {
  clock: () => Date;
  fake: FakeLark;
  done?: Set<string>;
}

// Short locks so a killed worker's job is recovered within seconds. Every delivery worker in this file
// uses them: BullMQ skips stalled checks while an earlier worker's (longer) stalled-check key lives.
const FAST_LOCKS = { lockDuration: 2000, stalledInterval: 500, maxStalledCount: 3 };

function startWorkers(o: StartOptions): Worker[] {
  const ws = [
    createReminderWorker({
      connection: conn,
      prefix: t.prefix,
      deliveryQueue: deliveries,
      redis: t.redis,
      bindings,
      supervisorsChat: () => SUPERVISORS,
      isDone: async (taskId) => o.done?.has(taskId) ?? false,
      now: o.clock,
      log,
    }),
    createDeliveryWorker({ connection: conn, redis: t.redis, prefix: t.prefix, send: o.fake.send, bindings, log, workerOptions: FAST_LOCKS }),
  ];
  running.push(...ws);
  return ws;
}

/** A planned reminder firing `ms` from the clock's now (ids as the planner makes them). */
function soon(clock: () => Date, ms: number, r: Partial<Reminder> & { tenant: string; taskId: string; unit: string }): Reminder {
  const fireAt = new Date(clock().getTime() + ms);
  const fireDate = shanghaiDate(fireAt);
  const kind = r.kind ?? 'due';
  return {
    id: reminderId({ tenant: r.tenant, taskId: r.taskId, unit: r.unit, dueDate: fireDate, kind }),
    file: 'plan.txt',
    docTitle: '某县2022年政务公开工作要点',
    path: ['一、'],
    title: '预算公开',
    dueDate: fireDate,
    deadlineText: '7月底前',
    kind,
    repeat: 0,
    fireDate,
    fireAt,
    target: { kind: 'unit', unit: r.unit },
    ...r,
  };
}

const fieldsOf = (blocks: Block[]) => Object.fromEntries(blocks.flatMap((b) => (b.kind === 'fields' ? b.items.map((i) => [i.label, i.value]) : [])));
const notesOf = (blocks: Block[]) => blocks.flatMap((b) => (b.kind === 'note' ? [b.text] : []));

describe('reminders fire and reach the right chat (real Redis, BullMQ)', () => {
  it('delivers the due-day reminder of a planned ledger to the bound group, generic leads and unbound units to the supervisors', async () => {
    const tenant = 'tFire';
    await bindings.bind(tenant, 'oc_finance', '县财政局', 'ou_admin');
    // The bot's calendar says 29 July 2022, 400 ms before 09:00.
    const clock = shiftedClock(new Date(shanghaiInstant('2022-07-29', '09:00').getTime() - 400));
    const l = ledger(
      doc({
        tasks: [
          task({ path: ['一、'], title: '部门预算公开', leads: ['县财政局'], deadlines: [deadline('2022-07-29', '7月底前')] }),
          task({ path: ['二、'], title: '惠企政策解读', leads: ['各有关单位'], deadlines: [deadline('2022-07-29', '7月底前')] }),
          task({ path: ['三、'], title: '住房保障公开', leads: ['县住建局'], deadlines: [deadline('2022-07-29', '7月底前')] }),
        ],
      }),
    );
    await planReminderJobs({ tenant, ledger: l, horizonDays: 30 }, { queue: reminders, redis: t.redis, log, now: clock, prefix: t.prefix });
    const fake = new FakeLark();
    startWorkers({ clock, fake });

    await waitFor('three deliveries', () => fake.posted.length >= 3 && fake.posted);
    const finance = fake.to('oc_finance');
    expect(finance).toHaveLength(1);
    expect(finance[0]!.reply.title).toBe('截止提醒：今日截止');
    expect(fieldsOf(finance[0]!.reply.blocks)).toMatchObject({ 责任单位: '县财政局', 任务: '一、 部门预算公开', 时限: '7月底前（2022年7月29日）', 剩余: '今日截止' });
    const buttons = finance[0]!.reply.blocks.find((b) => b.kind === 'actions');
    expect(buttons?.kind === 'actions' && buttons.buttons.map((b) => [b.label, b.value.status, b.value.taskId])).toEqual([
      ['已完成', 'done', 'doc#一、'],
      ['推进中', 'in-progress', 'doc#一、'],
      ['有困难', 'blocked', 'doc#一、'],
    ]);

    const sup = fake.to(SUPERVISORS);
    expect(sup).toHaveLength(2);
    const generic = sup.find((p) => fieldsOf(p.reply.blocks)['责任单位'] === '各有关单位');
    expect(generic).toBeDefined();
    const unbound = sup.find((p) => fieldsOf(p.reply.blocks)['责任单位'] === '县住建局');
    expect(notesOf(unbound!.reply.blocks).join('')).toContain('县住建局尚未绑定工作群');
    expect(fake.posted.every((p) => p.uuid.length <= 50)).toBe(true);
  });

  it('says so when a deadline on a holiday is reminded the working day before', async () => {
    const tenant = 'tHoliday';
    await bindings.bind(tenant, 'oc_fin2', '县财政局', 'ou_admin');
    const clock = shiftedClock(new Date(shanghaiInstant('2022-12-30', '09:00').getTime() - 300));
    const l = ledger(doc({ tasks: [task({ path: ['一、'], leads: ['县财政局'], deadlines: [deadline('2022-12-31', '年底前')] })] }));
    await planReminderJobs({ tenant, ledger: l, horizonDays: 10 }, { queue: reminders, redis: t.redis, log, now: clock, prefix: t.prefix });
    const fake = new FakeLark();
    startWorkers({ clock, fake });
    const [msg] = await waitFor('the 年底前 reminder', () => fake.posted.length >= 1 && fake.posted);
    expect(msg!.chatId).toBe('oc_fin2');
    expect(fieldsOf(msg!.reply.blocks)['剩余']).toBe('还有 1 天');
    expect(notesOf(msg!.reply.blocks).join('')).toContain('截止日12月31日为非工作日（元旦），提前至今日提醒');
  });

  it('sends nothing for a task reported done by the time the reminder fires', async () => {
    const tenant = 'tDone';
    await bindings.bind(tenant, 'oc_a', '县教育局', 'ou_admin');
    await bindings.bind(tenant, 'oc_b', '县卫生健康局', 'ou_admin');
    const clock = shiftedClock(shanghaiInstant('2022-07-20', '09:00'));
    const doneTask = soon(clock, 300, { tenant, taskId: 'doc#done', unit: '县教育局' });
    const openTask = soon(clock, 300, { tenant, taskId: 'doc#open', unit: '县卫生健康局' });
    await syncReminderJobs(tenant, [doneTask, openTask], { queue: reminders, redis: t.redis, log, now: clock, prefix: t.prefix });
    // Done after planning, before firing: the check happens at fire time.
    const done = new Set(['doc#done']);
    const fake = new FakeLark();
    startWorkers({ clock, fake, done });

    const outcome = await waitFor('the done reminder to be processed', async () => {
      const job = await reminders.getJob(doneTask.id);
      return (await job?.isCompleted()) ? (job!.returnvalue as ReminderOutcome) : undefined;
    });
    expect(outcome).toEqual({ status: 'done' });
    await waitFor('the open task delivery', () => fake.to('oc_b').length === 1);
    expect(fake.to('oc_a')).toEqual([]);
    expect((await deliveries.getJobs(['completed', 'waiting', 'delayed', 'active'], 0, -1)).some((j) => j.data.ref === doneTask.id)).toBe(false);
  });

  it('loses nothing and sends nothing twice across a restart mid-schedule', async () => {
    const tenant = 'tRestart';
    await bindings.bind(tenant, 'oc_r', '县司法局', 'ou_admin');
    const clock = shiftedClock(shanghaiInstant('2022-07-20', '09:00'));
    const planned = [300, 800, 1300, 1800].map((ms, i) => soon(clock, ms, { tenant, taskId: `doc#r${i}`, unit: '县司法局' }));
    const sync = () => syncReminderJobs(tenant, planned, { queue: reminders, redis: t.redis, log, now: clock, prefix: t.prefix });
    await sync();
    const fake = new FakeLark();
    const first = startWorkers({ clock, fake });
    await waitFor('the first reminder', () => fake.posted.length >= 1);
    // Shut the bot down while the rest are pending; two fall due while it is down.
    await Promise.all(first.map((w) => w.close()));
    const sentBeforeRestart = fake.posted.length;
    expect(sentBeforeRestart).toBeLessThan(4);
    await new Promise((r) => setTimeout(r, 900));
    // Start-up: replan (as main does), then workers.
    const report = await sync();
    expect(report.added).toBe(0);
    startWorkers({ clock, fake });
    await waitFor('all four reminders', () => fake.posted.length >= 4);
    await new Promise((r) => setTimeout(r, 700));
    expect(fake.posted.map((p) => fieldsOf(p.reply.blocks)['任务'])).toHaveLength(4);
    expect(new Set(fake.posted.map((p) => p.uuid)).size).toBe(4);
    expect(fake.calls).toBe(4);
  });

  it('posts once when a worker dies mid-send and another picks the job up (same uuid)', async () => {
    const tenant = 'tCrash';
    await bindings.bind(tenant, 'oc_c', '县民政局', 'ou_admin');
    const clock = shiftedClock(shanghaiInstant('2022-07-20', '09:00'));
    const r = soon(clock, 100, { tenant, taskId: 'doc#crash', unit: '县民政局' });
    await syncReminderJobs(tenant, [r], { queue: reminders, redis: t.redis, log, now: clock, prefix: t.prefix });
    const fake = new FakeLark();
    let release!: () => void;
    fake.hold = new Promise<void>((res) => (release = res));
    const [, dw] = startWorkers({ clock, fake });
    await waitFor('the send to start', () => fake.calls >= 1);
    // Kill the delivery worker mid-send: its lock lapses and the stalled job is retried elsewhere.
    await dw!.close(true);
    startWorkers({ clock, fake });
    await waitFor('the retried send to start', () => fake.calls >= 2, 15_000);
    release();
    await waitFor('the message', () => fake.posted.length >= 1);
    await new Promise((res) => setTimeout(res, 500));
    expect(fake.calls).toBe(2);
    expect(fake.posted).toHaveLength(1);
    expect(fake.posted[0]!.chatId).toBe('oc_c');
  });

  it('sends to the supervisors, with a note, when the unit\'s only group refused delivery', async () => {
    const tenant = 'tFlagged';
    await bindings.bind(tenant, 'oc_gone', '县统计局', 'ou_admin');
    await bindings.flag(tenant, 'oc_gone', 230002, 'bot not in chat');
    const clock = shiftedClock(shanghaiInstant('2022-07-20', '09:00'));
    const r = soon(clock, 0, { tenant, taskId: 'doc#stat', unit: '县统计局' });
    const fire = createReminderProcessor({ connection: conn, prefix: t.prefix, deliveryQueue: deliveries, redis: t.redis, bindings, supervisorsChat: () => SUPERVISORS, now: clock, log });
    const outcome = await fire({ id: r.id, data: toJobData(r) } as Job<ReminderJobData>);
    expect(outcome).toEqual({ status: 'queued', chats: [SUPERVISORS], fallback: true });
    const queued = (await deliveries.getJobs(['waiting', 'delayed'], 0, -1)).filter((j) => j.data.ref === r.id);
    expect(queued.map((j) => j.data.chatId)).toEqual([SUPERVISORS]);
    expect(notesOf(queued[0]!.data.reply.blocks).join('')).toContain('县统计局尚未绑定工作群');
    await queued[0]!.remove();
  });

  it('drops a notice that only fires after its deadline has passed (the 催办 ladder takes over)', async () => {
    const tenant = 'tStale';
    await bindings.bind(tenant, 'oc_s', '县文旅局', 'ou_admin');
    const planned = soon(shiftedClock(shanghaiInstant('2022-07-20', '09:00')), 0, { tenant, taskId: 'doc#stale', unit: '县文旅局', kind: 'before-1' });
    const fire = createReminderProcessor({
      connection: conn,
      prefix: t.prefix,
      deliveryQueue: deliveries,
      redis: t.redis,
      bindings,
      supervisorsChat: () => SUPERVISORS,
      now: () => shanghaiInstant('2022-07-23', '10:00'),
      log,
    });
    expect(await fire({ id: planned.id, data: toJobData(planned) } as Job<ReminderJobData>)).toEqual({ status: 'stale' });
    expect((await deliveries.getJobs(['waiting', 'delayed'], 0, -1)).some((j) => j.data.ref === planned.id)).toBe(false);
  });
});
