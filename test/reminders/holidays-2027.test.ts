import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { formatShanghai } from '../../src/calendar/shanghai.js';
import { parseNotice, staticNotices, type HolidayNotice } from '../../src/calendar/notice.js';
import { statutoryDays } from '../../src/calendar/statutory.js';
import { setNoticeProvider } from '../../src/calendar/workdays.js';
import { parsePlan } from '../../src/plan/parse.js';
import { reminderReply } from '../../src/reminders/message.js';
import { planDocument, planStart } from '../../src/reminders/plan.js';

/** A 2027 plan planned before the State Council's 2027 notice, and after it. */

const fixture = (name: string) => readFileSync(new URL(`../fixtures/holidays/${name}`, import.meta.url));
const plan = parsePlan(fixture('2027-plan.txt'), '2027-plan.txt');
function notice(): HolidayNotice {
  const r = parseNotice(fixture('2027-made-up-notice.txt').toString('utf8'));
  if (!r.ok || r.notice.kind !== 'notice') throw new Error('fixture notice did not parse');
  return r.notice;
}
const fireDays = () => planDocument(plan, { today: planStart(plan), until: '2027-12-31' }).map((r) => formatShanghai(r.fireAt).slice(0, 10));

afterEach(() => setNoticeProvider(undefined));

describe('2027 reminders', () => {
  it('the plan has the deadlines of the issue and monthly/quarterly duties', () => {
    const due = fireDays();
    expect(due.length).toBeGreaterThan(100);
    expect(planDocument(plan, { today: planStart(plan), until: '2027-12-31' }).map((r) => r.dueDate)).toEqual(
      expect.arrayContaining(['2027-01-04', '2027-02-09', '2027-04-06', '2027-06-10', '2027-09-16', '2027-10-04', '2027-03-31']),
    );
  });

  it('without a notice, no reminder fires on a 2027 statutory day off', () => {
    const off = new Set(statutoryDays(2027).map((d) => d.date));
    const days = fireDays();
    expect(days.filter((d) => off.has(d))).toEqual([]);
    // The before-1 notice for 4 January leaves 元旦 for the last working day of 2026.
    expect(days).toContain('2026-12-31');
    expect(days).not.toContain('2027-01-01');
  });

  it('with the notice loaded, reminders follow it: none on its days off, some on its make-up Saturdays', () => {
    const before = fireDays();
    const n = notice();
    setNoticeProvider(staticNotices([n]));
    const after = fireDays();
    const off = new Set(n.off);
    expect(after.filter((d) => off.has(d))).toEqual([]);
    const onMakeUp = after.filter((d) => n.work.includes(d));
    expect(onMakeUp.length).toBeGreaterThan(0);
    expect(onMakeUp.every((d) => [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()))).toBe(true);
    // Days the estimate counted as working (4–7 October) are days off in the notice: what fired there moved.
    const bridge = ['2027-10-04', '2027-10-05', '2027-10-06', '2027-10-07'];
    expect(before.some((d) => bridge.includes(d))).toBe(true);
    expect(after.some((d) => bridge.includes(d))).toBe(false);
  });

  it('the reminder card says the date is estimated while 2027 has no notice, and not once it has', () => {
    const r = planDocument(plan, { today: planStart(plan), until: '2027-12-31' }).find((x) => x.dueDate === '2027-06-10' && x.kind === 'due')!;
    const facts = { taskId: r.taskId, unit: r.unit, path: r.path, title: r.title, docTitle: plan.title, file: plan.file, dueDate: r.dueDate, deadlineText: r.deadlineText, kind: r.kind, repeat: r.repeat, target: r.target };
    const text = (reply: ReturnType<typeof reminderReply>) => JSON.stringify(reply.blocks);
    expect(text(reminderReply(facts, { today: '2027-06-10' }))).toContain('按法定节假日估算，待国务院通知');
    setNoticeProvider(staticNotices([notice()]));
    expect(text(reminderReply(facts, { today: '2027-06-10' }))).not.toContain('估算');
  });
});
