import { describe, expect, it } from 'vitest';
import { progressKey, type ProgressEvent, type ReportStatus, type TaskState } from '../../src/progress/types.js';
import { assignmentsOf } from '../../src/summary/assignments.js';
import { unitNames } from '../../src/summary/units.js';
import { buildWeeklySummary, unitDetail, type WeeklySummary } from '../../src/summary/weekly.js';
import { isoWeek, weekOf } from '../../src/summary/week.js';
import { MemoryProgressStore } from './memory-store.js';
import { NOW, summaryEvents, summaryLedger, summaryPlans, T } from './fixtures.js';

async function summarise(events = summaryEvents, opts: { bindings?: Array<{ unit: string }>; now?: Date } = {}): Promise<WeeklySummary> {
  const store = new MemoryProgressStore();
  for (const e of events) await store.append(e);
  const names = unitNames(summaryPlans());
  return buildWeeklySummary({
    ledger: summaryLedger,
    progress: await store.state('local'),
    events: await store.all('local'),
    ...(opts.bindings ? { bindings: opts.bindings } : {}),
    now: opts.now ?? NOW,
    resolveUnit: names.canonical,
  });
}

const fig = (s: WeeklySummary, unit: string) => s.units.find((f) => f.unit === unit);

describe('ISO weeks', () => {
  it('names weeks as ISO 8601 does, including across the new year', () => {
    expect(isoWeek('2025-07-03')).toBe('2025-W27');
    expect(isoWeek('2026-11-20')).toBe('2026-W47');
    expect(isoWeek('2024-12-30')).toBe('2025-W01');
    expect(isoWeek('2021-01-03')).toBe('2020-W53');
    expect(weekOf('2025-07-06')).toMatchObject({ from: '2025-06-30', to: '2025-07-06' });
  });
});

describe('assignments', () => {
  it('one per (task, named lead); classes of units and lead-less items are set apart', () => {
    const { list, unassigned, units } = assignmentsOf(summaryLedger, unitNames(summaryPlans()).canonical);
    expect(units).toEqual(['县财政局', '县税务局', '县教育局', '县住建局']);
    expect(unassigned.map((u) => u.taskId)).toEqual([T.generic, T.noLead]);
    // The split item: each lead gets its clause's limits only.
    const split = list.filter((a) => a.taskId === T.split);
    expect(split.map((a) => [a.unit, a.deadlines.map((d) => d.date)])).toEqual([
      ['县财政局', []],
      ['县税务局', ['2025-07-31']],
    ]);
    // "财政局" in the second plan is the same office.
    expect(list.find((a) => a.taskId === T.other)).toMatchObject({ unit: '县财政局', written: ['财政局'] });
  });
});

describe('weekly summary', () => {
  it('per-unit figures, lights and rates match the log', async () => {
    const s = await summarise();
    expect(s.week).toMatchObject({ name: '2025-W27', from: '2025-06-30', to: '2025-07-06' });
    expect(fig(s, '县财政局')).toMatchObject({ total: 4, closed: 1, pending: 1, inProgress: 2, difficulty: 0, notStarted: 0, overdue: 1, yellow: 1, rate: 0.25, reported: true });
    expect(fig(s, '县税务局')).toMatchObject({ total: 1, difficulty: 1, yellow: 1, overdue: 0, rate: 0, reported: true });
    // The quarterly duty was reported last quarter: this quarter it has not started.
    expect(fig(s, '县教育局')).toMatchObject({ total: 2, notStarted: 2, overdue: 1, yellow: 0, reported: false });
    expect(fig(s, '县住建局')).toMatchObject({ total: 2, notStarted: 2, overdue: 0, yellow: 1, reported: false });
    expect(s.totals).toMatchObject({ units: 4, total: 9, closed: 1, pending: 1, inProgress: 2, difficulty: 1, notStarted: 4, overdue: 2, yellow: 3 });
    expect(s.unassigned).toBe(2);
  });

  it('worst units first: most red, then most yellow, then lowest rate', async () => {
    const s = await summarise();
    expect(s.units.map((f) => f.unit)).toEqual(['县财政局', '县教育局', '县税务局', '县住建局']);
  });

  it('red items, longest overdue first, with the deadline they missed', async () => {
    const s = await summarise();
    expect(s.red.map((it) => [it.assignment.taskId, it.assignment.unit, it.status.overdueDays])).toEqual([
      [T.milestones, '县教育局', 33],
      [T.budget, '县财政局', 3],
    ]);
  });

  it('units that did not report this week (Monday 00:00 Shanghai on); a supervisor’s confirmation is not a report', async () => {
    const s = await summarise();
    expect(s.silent).toEqual(['县教育局', '县住建局']);
    // A report late on Sunday belongs to the week it was made in.
    const sunday = await summarise([...summaryEvents, { ...summaryEvents[0]!, unit: '县住建局', taskId: T.open, at: '2025-06-29T15:59:00.000Z' }]);
    expect(sunday.silent).toEqual(['县教育局', '县住建局']);
    const monday = await summarise([...summaryEvents, { ...summaryEvents[0]!, unit: '县住建局', taskId: T.open, at: '2025-06-29T16:00:00.000Z' }]);
    expect(monday.silent).toEqual(['县教育局']);
  });

  it('with chats bound, every unit that has not reported is still listed (as the table marks it); unbound ones are named apart', async () => {
    // A group bound as "教育局" is 县教育局's.
    const s = await summarise(summaryEvents, { bindings: [{ unit: '县财政局' }, { unit: '教育局' }] });
    expect(s.silent).toEqual(['县教育局', '县住建局']);
    expect(s.unbound).toEqual(['县税务局', '县住建局']);
    // A chat the bot can no longer post in (flagged) does not count as bound.
    const t = await summarise(summaryEvents, { bindings: [{ unit: '县财政局' }, { unit: '县教育局', flagged: { code: 230002 } }] as never });
    expect(t.silent).toEqual(['县教育局', '县住建局']);
    expect(t.unbound).toEqual(['县教育局', '县税务局', '县住建局']);
  });

  it('what falls due in the next 14 days, open items only, by date', async () => {
    const s = await summarise();
    expect(s.dueSoonTo).toBe('2025-07-16');
    expect(s.dueSoon.map((d) => [d.date, d.item.assignment.unit, d.item.assignment.taskId])).toEqual([
      ['2025-07-04', '县财政局', T.other],
      // The shared item is closed for 县财政局 but still open for 县住建局.
      ['2025-07-10', '县住建局', T.shared],
    ]);
  });

  it('one unit in detail: its items, red first', async () => {
    const s = await summarise();
    const d = unitDetail(s, '县财政局')!;
    expect(d.items.map((it) => [it.assignment.taskId, it.status.light])).toEqual([
      [T.budget, 'red'],
      [T.other, 'yellow'],
      [T.shared, 'green'],
      [T.split, 'green'],
    ]);
    expect(d.items[1]!.note).toBe('已清偿六成');
    expect(unitDetail(s, '县民政局')).toBeUndefined();
  });

  it('the figures match the log for any sequence of reports (independent last-event fold)', async () => {
    const { list } = assignmentsOf(summaryLedger, unitNames(summaryPlans()).canonical);
    const statuses: ReportStatus[] = ['done', 'in-progress', 'difficulty', 'not-started'];
    let seed = 7;
    // mulberry32: small, deterministic, well spread.
    const rand = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return Math.floor((((x ^ (x >>> 14)) >>> 0) / 4294967296) * n);
    };
    for (let round = 0; round < 20; round++) {
      const events: Array<Omit<ProgressEvent, 'id'>> = [];
      const n = 5 + rand(40);
      for (let i = 0; i < n; i++) {
        const a = list[rand(list.length)]!;
        const at = new Date(Date.parse('2025-06-25T00:00:00Z') + i * 3_600_000).toISOString();
        const kind = rand(6) === 0 ? (rand(2) ? 'confirm' : 'return') : 'report';
        events.push({ tenant: 'local', taskId: a.taskId, unit: a.unit, kind, ...(kind === 'report' ? { status: statuses[rand(4)]! } : {}), note: '', by: 'x', chatId: 'c', at });
      }
      const s = await summarise(events);
      // Independent fold: the last event of each pair decides its state, except that a
      // report cannot reopen a closed pair (only a supervisor's return can).
      const last = new Map<string, TaskState>();
      for (const e of events) {
        const key = progressKey(e.taskId, e.unit);
        if (e.kind === 'report' && last.get(key) === 'closed') continue;
        const st: TaskState = e.kind === 'confirm' ? 'closed' : e.kind === 'return' ? 'in-progress' : e.status === 'done' ? 'pending-confirm' : (e.status as TaskState);
        last.set(key, st);
      }
      // One-off items show the folded state; recurring ones are judged per period (lights tests).
      for (const it of s.items.filter((x) => x.assignment.recurring.length === 0)) {
        expect(it.status.state).toBe(last.get(progressKey(it.assignment.taskId, it.assignment.unit)) ?? 'not-started');
      }
      for (const f of s.units) {
        const mine = s.items.filter((it) => it.assignment.unit === f.unit);
        expect(mine.filter((it) => it.status.state === 'closed').length).toBe(f.closed);
        expect(mine.filter((it) => it.status.light === 'red').length).toBe(f.overdue);
        expect(f.closed + f.pending + f.inProgress + f.difficulty + f.notStarted).toBe(f.total);
        expect(f.rate).toBeCloseTo(f.total ? f.closed / f.total : 0);
        const reported = events.some((e) => e.kind === 'report' && e.unit === f.unit && e.at >= '2025-06-29T16:00:00.000Z');
        expect(f.reported).toBe(reported);
      }
    }
  });
});
