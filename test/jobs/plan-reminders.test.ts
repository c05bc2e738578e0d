import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiInstant } from '../../src/calendar/shanghai.js';
import { silentLogger } from '../../src/log.js';
import type { Ledger } from '../../src/plan/schema.js';
import { planReminders } from '../../src/reminders/plan.js';
import { planKey, planReminderJobs, type SyncDeps } from '../../jobs/plan-reminders.js';
import { createReminderQueue, type ReminderJobData } from '../../jobs/reminder-queue.js';
import { deadline, doc, ledger, task } from '../reminders/fixtures.js';
import { useTestRedis } from '../support/redis.js';
import { shutdown } from './helpers.js';

const t = useTestRedis('plan-reminders');
let queue: Queue<ReminderJobData>;
let deps: SyncDeps;

// Loaded on Friday 1 July 2022, 08:00 Shanghai.
const NOW = shanghaiInstant('2022-07-01', '08:00');

function county(overrides: { finance?: string; title?: string; withEducation?: boolean } = {}): Ledger {
  const tasks = [
    task({ path: ['一、'], title: overrides.title ?? '预算公开', leads: ['县财政局'], deadlines: [deadline(overrides.finance ?? '2022-07-29', '7月底前')] }),
    task({ path: ['二、'], title: '季度统计', leads: ['县府办', '各有关单位'], recurring: [{ text: '每季度', rule: 'quarterly' }] }),
  ];
  if (overrides.withEducation !== false) {
    tasks.push(task({ path: ['三、'], title: '教育公开', leads: ['县教育局'], deadlines: [deadline('2022-08-15', '8月15日前')] }));
  }
  return ledger(doc({ issuedOn: '2022-03-01', tasks }));
}

async function pendingIds(): Promise<string[]> {
  const jobs = await queue.getJobs(['delayed', 'waiting'], 0, -1);
  return jobs.map((j) => j.id!).sort();
}

beforeAll(async () => {
  const conn = await t.connect({ forBullmq: true });
  queue = createReminderQueue({ connection: conn, prefix: t.prefix });
  deps = { queue, redis: t.redis, log: silentLogger(), now: () => NOW, prefix: t.prefix };
});
afterAll(() => shutdown([], [queue]));

describe('planning reminder jobs (real Redis, BullMQ)', () => {
  it('creates one delayed job per planned reminder, keyed by the reminder id, firing at its time', async () => {
    const report = await planReminderJobs({ tenant: 'tA', ledger: county(), horizonDays: 60 }, deps);
    const expected = planReminders(county(), { today: '2022-07-01', until: '2022-08-30', config: { tenant: 'tA' } });
    expect(report).toMatchObject({ ran: true, added: expected.length, removed: 0 });
    expect(await pendingIds()).toEqual(expected.map((r) => r.id).sort());
    // Delay = fire time − now: the 7月底前 due-day reminder fires 29 July 09:00 Shanghai.
    const due = expected.find((r) => r.kind === 'due' && r.unit === '县财政局')!;
    const job = await queue.getJob(due.id);
    expect(job?.data.fireAt).toBe('2022-07-29T01:00:00.000Z');
    expect((job!.timestamp + (job!.delay ?? 0)) - Date.now()).toBeGreaterThan(shanghaiInstant('2022-07-29', '09:00').getTime() - NOW.getTime() - 60_000);
  });

  it('changes nothing when the same ledger is planned again, even by three replicas at once', async () => {
    const before = await pendingIds();
    const reports = await Promise.all([1, 2, 3].map(() => planReminderJobs({ tenant: 'tA', ledger: county(), horizonDays: 60 }, deps)));
    for (const r of reports) {
      expect(r.ran).toBe(true);
      expect(r).toMatchObject({ added: 0, changed: 0, removed: 0, recreated: 0 });
    }
    expect(await pendingIds()).toEqual(before);
    expect(await queue.getJobCountByTypes('delayed', 'waiting')).toBe(before.length);
  });

  it('moves jobs whose deadline changed and removes jobs for deadlines that disappeared', async () => {
    const old = planReminders(county(), { today: '2022-07-01', until: '2022-08-30', config: { tenant: 'tA' } });
    const revised = county({ finance: '2022-08-31', withEducation: false });
    const report = await planReminderJobs({ tenant: 'tA', ledger: revised, horizonDays: 90 }, deps);
    const now = planReminders(revised, { today: '2022-07-01', until: '2022-09-29', config: { tenant: 'tA' } });
    expect(await pendingIds()).toEqual(now.map((r) => r.id).sort());
    // Nothing about the old 29 July or 15 August deadlines is left.
    const gone = old.filter((r) => r.taskId.endsWith('三、') || (r.taskId.endsWith('一、') && r.dueDate === '2022-07-29'));
    expect(gone.length).toBeGreaterThan(0);
    for (const r of gone) expect(await queue.getJob(r.id)).toBeUndefined();
    expect(report.removed).toBe(gone.length);
    const fp = await t.redis.hkeys(planKey(t.prefix, 'tA'));
    expect(fp.sort()).toEqual(now.map((r) => r.id).sort());
  });

  it('rewrites a pending job in place when only its content changed', async () => {
    const ledgerB = county({ finance: '2022-08-31', withEducation: false, title: '部门预算公开' });
    const report = await planReminderJobs({ tenant: 'tA', ledger: ledgerB, horizonDays: 90 }, deps);
    expect(report.added).toBe(0);
    expect(report.removed).toBe(0);
    expect(report.changed).toBeGreaterThan(0);
    const finance = planReminders(ledgerB, { today: '2022-07-01', until: '2022-09-29', config: { tenant: 'tA' } }).filter((r) => r.taskId.endsWith('一、'));
    for (const r of finance) expect((await queue.getJob(r.id))?.data.title).toBe('部门预算公开');
  });

  it('recreates a job Redis lost, as the start-up reconcile', async () => {
    const ledgerB = county({ finance: '2022-08-31', withEducation: false, title: '部门预算公开' });
    const [victim] = await pendingIds();
    await (await queue.getJob(victim!))!.remove();
    const report = await planReminderJobs({ tenant: 'tA', ledger: ledgerB, horizonDays: 90 }, deps);
    expect(report.recreated).toBe(1);
    expect(await queue.getJob(victim!)).toBeDefined();
  });

  it('does not add reminders whose time had already passed when the plan was loaded', async () => {
    const late = { ...deps, now: () => shanghaiInstant('2022-08-02', '10:00') };
    const l = ledger(doc({ tasks: [task({ path: ['一、'], leads: ['县财政局'], deadlines: [deadline('2022-07-29')] })] }));
    const report = await planReminderJobs({ tenant: 'tLate', ledger: l, horizonDays: 10 }, late);
    expect(report.skippedPast).toBeGreaterThan(0); // the 1 August 催办 and the notices
    const jobs = await queue.getJobs(['delayed', 'waiting'], 0, -1);
    const mine = jobs.filter((j) => j.data.tenant === 'tLate');
    expect(mine.map((j) => `${j.data.fireDate} ${j.data.kind}`).sort()).toEqual(['2022-08-04 escalate', '2022-08-08 overdue', '2022-08-11 escalate']);
  });

  it('keeps tenants apart: planning one tenant never removes another tenant\'s jobs', async () => {
    const before = (await queue.getJobs(['delayed'], 0, -1)).filter((j) => j.data.tenant === 'tA').length;
    await planReminderJobs({ tenant: 'tB', ledger: ledger(doc({ tasks: [] })), horizonDays: 60 }, deps);
    expect((await queue.getJobs(['delayed'], 0, -1)).filter((j) => j.data.tenant === 'tA').length).toBe(before);
  });

  it('skips rather than races when another replica holds the planning lease', async () => {
    const lockKey = `${t.prefix}:reminder-plan-lock:tLocked`;
    await t.redis.set(lockKey, 'someone-else', 'PX', 10_000);
    const report = await planReminderJobs({ tenant: 'tLocked', ledger: county(), horizonDays: 60 }, { ...deps, lockWaitMs: 300 });
    expect(report.ran).toBe(false);
    expect((await queue.getJobs(['delayed'], 0, -1)).some((j) => j.data.tenant === 'tLocked')).toBe(false);
    expect(await t.redis.get(lockKey)).toBe('someone-else');
  });
});
