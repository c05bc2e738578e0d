import { addDays, shanghaiDate } from '../calendar/shanghai.js';
import type { Ledger } from '../plan/schema.js';
import { progressKey, type ProgressEvent, type TaskProgress, type TaskState } from '../progress/types.js';
import { periodEnds } from '../reminders/plan.js';
import type { UnitResolver } from '../reminders/types.js';
import { assignmentsOf, type Assignment, type Assignments } from './assignments.js';
import { isDone, statusOf, type Light, type Status } from './lights.js';
import { isoWeek, weekOf, type WeekRange } from './week.js';

/**
 * The weekly summary for supervisors (周调度), as data: per unit, how many
 * assignments are 已办结 / 待确认 / 推进中 / 有困难 / 未启动 and how many
 * are red; the completion rate; the red items; the units that have not
 * reported this week; what falls due in the next DUE_SOON_DAYS days. Pure:
 * the ledger, the derived progress state, the log and the bindings come in.
 */

export const DUE_SOON_DAYS = 14;

export interface Counts {
  total: number;
  closed: number;
  pending: number;
  inProgress: number;
  difficulty: number;
  notStarted: number;
  /** Red lights. */
  overdue: number;
  yellow: number;
}

export interface UnitFigures extends Counts {
  unit: string;
  /** 已办结 / total, 0..1 (0 when the unit has nothing). */
  rate: number;
  /** A 进展 report from the unit since Monday 00:00 of this week. */
  reported: boolean;
  /** When the unit last reported anything, ISO instant. */
  lastReportAt?: string;
  /** Has a bound group chat; undefined when bindings were not given. */
  bound?: boolean;
}

export interface ItemStatus {
  assignment: Assignment;
  status: Status;
  /** The latest note and when anything last happened. */
  note: string;
  updatedAt?: string;
}

export interface DueSoon {
  date: string;
  text: string;
  kind: 'deadline' | 'period';
  item: ItemStatus;
}

export interface WeeklySummary {
  /** ISO instant the summary was built for. */
  at: string;
  today: string;
  week: WeekRange & { name: string };
  units: UnitFigures[];
  totals: Counts & { rate: number; units: number };
  /** Every assignment's status, plan order. */
  items: ItemStatus[];
  /** Red items, longest overdue first. */
  red: ItemStatus[];
  /** Units with open assignments that have not reported this week (the 未报 rows of the unit table), bound or not. */
  silent: string[];
  /** Units with open assignments and no bound chat (only when some chats are bound). */
  unbound: string[];
  dueSoon: DueSoon[];
  dueSoonTo: string;
  /** Items whose lead is a class of units or not stated (not counted per unit). */
  unassigned: number;
}

export interface BindingLike {
  unit: string;
  flagged?: unknown;
}

export interface SummaryInput {
  ledger: Ledger;
  /** Derived state as ProgressStore.state() returns it (any unit spelling). */
  progress: ReadonlyMap<string, TaskProgress>;
  /** The log, for "reported this week"; without it TaskProgress.lastReportAt is used. */
  events?: readonly ProgressEvent[];
  /** The tenant's bound chats; undefined when unknown (e.g. a console without Redis). */
  bindings?: readonly BindingLike[];
  now: Date;
  resolveUnit?: UnitResolver;
  /** Precomputed assignments of `ledger` (they only change when plans load). */
  assignments?: Assignments;
}

const emptyCounts = (): Counts => ({ total: 0, closed: 0, pending: 0, inProgress: 0, difficulty: 0, notStarted: 0, overdue: 0, yellow: 0 });

const STATE_FIELD: Record<TaskState, keyof Counts> = {
  closed: 'closed',
  'pending-confirm': 'pending',
  'in-progress': 'inProgress',
  difficulty: 'difficulty',
  'not-started': 'notStarted',
};

function tally(c: Counts, state: TaskState, light: Light): void {
  c.total += 1;
  c[STATE_FIELD[state]] += 1;
  if (light === 'red') c.overdue += 1;
  if (light === 'yellow') c.yellow += 1;
}

const rateOf = (c: Counts) => (c.total === 0 ? 0 : c.closed / c.total);

export function buildWeeklySummary(input: SummaryInput): WeeklySummary {
  const resolve = memoResolver(input.resolveUnit);
  const { list, unassigned, units: unitOrder } = input.assignments ?? assignmentsOf(input.ledger, resolve);
  const today = shanghaiDate(input.now);
  const week = { ...weekOf(today), name: isoWeek(today) };
  const progress = canonicalProgress(input.progress, resolve);

  const figures = new Map<string, UnitFigures>();
  for (const unit of unitOrder) figures.set(unit, { unit, ...emptyCounts(), rate: 0, reported: false });

  const items: ItemStatus[] = [];
  for (const a of list) {
    const p = progress.get(progressKey(a.taskId, a.unit));
    const status = statusOf(a, p, today);
    const item: ItemStatus = { assignment: a, status, note: p?.note ?? '', ...(p ? { updatedAt: p.updatedAt } : {}) };
    items.push(item);
    tally(figures.get(a.unit)!, status.state, status.light);
  }

  // Who reported this week: the log when we have it, else each pair's last report.
  const lastReport = new Map<string, string>();
  const note = (unit: string, at: string) => {
    const prev = lastReport.get(unit);
    if (!prev || at > prev) lastReport.set(unit, at);
  };
  if (input.events) {
    for (const e of input.events) if (e.kind === 'report') note(resolve(e.unit), e.at);
  } else {
    for (const p of progress.values()) if (p.lastReportAt) note(p.unit, p.lastReportAt);
  }
  const weekStart = week.start.getTime();
  const nowMs = input.now.getTime();

  const boundUnits = input.bindings ? new Set(input.bindings.filter((b) => !b.flagged).map((b) => resolve(b.unit))) : undefined;
  const anyBound = boundUnits !== undefined && boundUnits.size > 0;

  for (const f of figures.values()) {
    f.rate = rateOf(f);
    const last = lastReport.get(f.unit);
    if (last) {
      f.lastReportAt = last;
      const t = Date.parse(last);
      f.reported = t >= weekStart && t <= nowMs;
    }
    if (boundUnits) f.bound = boundUnits.has(f.unit);
  }

  const open = hasOpenTasks;
  const ordered = [...figures.values()]
    .map((f, i) => ({ f, i }))
    .sort((x, y) => y.f.overdue - x.f.overdue || y.f.yellow - x.f.yellow || x.f.rate - y.f.rate || x.i - y.i)
    .map((x) => x.f);

  // The same units the table marks 未报; the unbound among them are named again in their own note.
  const silent = ordered.filter((f) => open(f) && !f.reported).map((f) => f.unit);
  const unbound = anyBound ? ordered.filter((f) => open(f) && !f.bound).map((f) => f.unit) : [];

  const red = items
    .filter((it) => it.status.light === 'red')
    .map((it, i) => ({ it, i }))
    .sort((x, y) => (y.it.status.overdueDays ?? 0) - (x.it.status.overdueDays ?? 0) || x.i - y.i)
    .map((x) => x.it);

  const dueSoonTo = addDays(today, DUE_SOON_DAYS - 1);
  const dueSoon: DueSoon[] = [];
  for (const it of items) {
    if (isDone(it.status.state)) continue;
    const a = it.assignment;
    for (const d of a.deadlines) if (d.date >= today && d.date <= dueSoonTo) dueSoon.push({ date: d.date, text: d.text, kind: 'deadline', item: it });
    for (const r of a.recurring) {
      for (const end of periodEnds(r.rule, a.year, a.start)) {
        if (end > dueSoonTo) break;
        if (end >= today) dueSoon.push({ date: end, text: r.text, kind: 'period', item: it });
      }
    }
  }
  // Array.prototype.sort is stable: same day keeps plan order.
  dueSoon.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));

  const totals = { ...emptyCounts(), rate: 0, units: figures.size };
  for (const f of figures.values()) for (const k of Object.keys(emptyCounts()) as Array<keyof Counts>) totals[k] += f[k];
  totals.rate = rateOf(totals);

  return {
    at: input.now.toISOString(),
    today,
    week,
    units: ordered,
    totals,
    items,
    red,
    silent,
    unbound,
    dueSoon,
    dueSoonTo,
    unassigned: unassigned.length,
  };
}

/** One unit's part of a summary: its figures and its items, reds first then by time limit. */
export function unitDetail(summary: WeeklySummary, unit: string): { figures: UnitFigures; items: ItemStatus[] } | undefined {
  const figures = summary.units.find((f) => f.unit === unit);
  if (!figures) return undefined;
  const rank: Record<Light, number> = { red: 0, yellow: 1, green: 2 };
  const items = summary.items
    .filter((it) => it.assignment.unit === unit)
    .map((it, i) => ({ it, i }))
    .sort((x, y) => rank[x.it.status.light] - rank[y.it.status.light] || (x.it.status.due?.date ?? '9999').localeCompare(y.it.status.due?.date ?? '9999') || x.i - y.i)
    .map((x) => x.it);
  return { figures, items };
}

function memoResolver(resolveUnit: UnitResolver | undefined): (name: string) => string {
  const memo = new Map<string, string>();
  return (name) => {
    let c = memo.get(name);
    if (c === undefined) {
      c = resolveUnit?.(name.trim()) ?? name.trim();
      memo.set(name, c);
    }
    return c;
  };
}

/**
 * Re-key derived state by canonical unit: a report filed as 发改局 counts for
 * 县发展和改革局. When two spellings of one unit both have state, the more
 * recent wins.
 */
function canonicalProgress(state: ReadonlyMap<string, TaskProgress>, resolve: (name: string) => string): Map<string, TaskProgress> {
  const out = new Map<string, TaskProgress>();
  for (const p of state.values()) {
    const unit = resolve(p.unit);
    const key = progressKey(p.taskId, unit);
    const prev = out.get(key);
    if (!prev || p.updatedAt > prev.updatedAt) out.set(key, unit === p.unit ? p : { ...p, unit });
  }
  return out;
}

/** Something is left for the unit to report on: not every task is 办结 or 待确认. */
export function hasOpenTasks(f: Pick<UnitFigures, 'total' | 'closed' | 'pending'>): boolean {
  return f.total - f.closed - f.pending > 0;
}
