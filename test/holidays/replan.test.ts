import { readFileSync } from 'node:fs';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiInstant } from '../../src/calendar/shanghai.js';
import { setNoticeProvider } from '../../src/calendar/workdays.js';
import { createHolidayBook } from '../../src/holidays/book.js';
import { createHolidayStore } from '../../src/holidays/store.js';
import { silentLogger } from '../../src/log.js';
import { parsePlan } from '../../src/plan/parse.js';
import { buildPlans } from '../../src/plans/load.js';
import { planReminderJobs } from '../../jobs/plan-reminders.js';
import { createReplan } from '../../src/plans/replan.js';
import { UnitDirectory } from '../../src/units/directory.js';
import { createReminderQueue, type ReminderJobData } from '../../jobs/reminder-queue.js';
import { shutdown } from '../jobs/helpers.js';
import { useTestRedis } from '../support/redis.js';

/** A notice loaded while the bot runs moves the queued reminders (real Redis, BullMQ), as services.ts wires it. */

const t = useTestRedis('holiday-replan');
const log = silentLogger('fatal');
const fixture = (name: string) => readFileSync(new URL(`../fixtures/holidays/${name}`, import.meta.url));
// Wednesday 20 January 2027: the 2027 notice has still not been loaded.
const NOW = shanghaiInstant('2027-01-20', '10:00');
let queue: Queue<ReminderJobData>;

beforeAll(async () => {
  queue = createReminderQueue({ connection: await t.connect({ forBullmq: true }), prefix: t.prefix });
});
afterAll(async () => {
  setNoticeProvider(undefined);
  await shutdown([], [queue]);
});

const fireDates = async () => (await queue.getJobs(['delayed', 'waiting'], 0, -1)).map((j) => ({ due: j.data.dueDate, kind: j.data.kind, fire: new Date(j.data.fireAt) }));
const day = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

describe('loading a notice re-plans the queued reminders', () => {
  it('the 9 February deadline moves before the 春节 break, and a make-up Saturday gets its reminder', async () => {
    const plans = buildPlans([parsePlan(fixture('2027-plan.txt'), '2027-plan.txt')], UnitDirectory.empty());
    const book = createHolidayBook({ store: createHolidayStore(t.redis, { prefix: t.prefix, log }), log });
    await book.load();
    setNoticeProvider(book);
    const replan = createReplan({
      plans: () => plans,
      tenants: async () => ['tA'],
      sync: (input) => planReminderJobs(input, { queue, redis: t.redis, log, prefix: t.prefix, now: () => NOW }),
      config: {},
      log,
    });
    book.onChange(() => replan());

    await replan();
    const before = await fireDates();
    const due0209 = () => before.find((j) => j.due === '2027-02-09' && j.kind === 'due');
    // Estimate: 除夕 to 初三 (5–8 February) off, so Tuesday 9 February is a working day.
    expect(day(due0209()!.fire)).toBe('2027-02-09');
    expect(before.some((j) => day(j.fire) === '2027-02-20')).toBe(false);

    const r = await book.importText(fixture('2027-made-up-notice.txt').toString('utf8'), { by: 'ou_admin' });
    expect(r).toMatchObject({ ok: true, replan: 'done' });
    const after = await fireDates();
    // The notice gives 5–13 February off: the due-day notice moves to Thursday 4 February.
    expect(day(after.find((j) => j.due === '2027-02-09' && j.kind === 'due')!.fire)).toBe('2027-02-04');
    expect(after.some((j) => day(j.fire) === '2027-02-20')).toBe(true);
    expect(after.filter((j) => ['2027-02-10', '2027-02-11', '2027-02-12'].includes(day(j.fire)))).toEqual([]);
    await book.close();
  });
});
