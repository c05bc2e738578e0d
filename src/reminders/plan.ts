import { addDays, daysBetween, lastDayOfMonth, shanghaiInstant, weekday } from '../calendar/shanghai.js';
import { addWorkdays, nextWorkday, onOrAfterWorkday, onOrBeforeWorkday } from '../calendar/workdays.js';
import type { Deadline, Ledger, PlanDocument, RecurrenceRule, Recurring, Task } from '../plan/schema.js';
import { reminderId } from './ids.js';
import { recipientsFor, type Recipient } from './targets.js';
import { ReminderConfig, type CoDuty, type Reminder, type ReminderConfigInput, type ReminderKind, type UnitResolver } from './types.js';

/**
 * Ledger → the reminders the bot should run. Pure: the same ledger, window
 * and config always give the same reminders with the same ids.
 *
 * Rules (issue 4, decisions marked *):
 * - Per deadline and per lead unit; a clause with its own leads and time
 *   limits schedules those for its leads, everything else uses the task's leads.
 *   Generic leads and lead-less items → one reminder to the supervisors.
 * - Notices `offsets` days before and on the due day at `time`. A notice on a
 *   non-working day moves to the working day before (`movedFrom` records the
 *   day it left). When two notices for the same deadline land on the same
 *   day (年底前 2022: before-1 and due both on Fri 30 Dec), only the one
 *   nearer the deadline is kept.
 * - After the due day: `overdue` (催办, to the unit) on the next working day,
 *   `escalate` (通报, to the supervisors) `escalateAfterWorkdays` working days
 *   later, then both repeat every `repeatEveryDays` days (repeat = n). *A repeat
 *   on a non-working day moves to the working day before unless that is not
 *   after the previous one, then to the next working day. *Recipients that are
 *   the supervisors already get no separate 通报.
 * - The ladder is anchored on the due date, not on `today`, so ids stay the
 *   same whichever day the plan is (re)loaded.
 * - Recurring duties: period ends in the plan year from the issue date on.
 *   monthly = last day of each month, quarterly = 3-31/6-30/9-30/12-31,
 *   semiannual = 6-30/12-31, annual = 12-31, *weekly = every Friday (end of
 *   the working week, when 周调度 reports are due) with only the due-day
 *   notice (a 7-day notice would overlap the previous week). *No overdue ladder
 *   for recurring duties: "done" is tracked per task, not per period.
 * - Relative limits ("签发后3个工作日内") are never scheduled.
 * - Only reminders firing within [today, until] are returned, so deadlines
 *   already past at `today` get no "before" notices, only what is left of the
 *   overdue ladder (which stops after MAX_REPEATS repeats, ~2 years).
 */

export interface PlanWindow {
  /** Shanghai date the plan is computed for; nothing fires before it. */
  today: string;
  /** Last fire date to include (inclusive); bounds the weekly repeats. */
  until: string;
}

export interface PlanOptions extends PlanWindow {
  config?: ReminderConfigInput;
  resolveUnit?: UnitResolver;
}

/** Safety bound on weekly repeats (more than two years of them). */
const MAX_REPEATS = 120;

const KIND_ORDER: Record<ReminderKind, number> = {
  'before-7': 0,
  'before-3': 0,
  'before-1': 0,
  recurring: 0,
  due: 1,
  overdue: 2,
  escalate: 3,
};

export function planReminders(ledger: Ledger, options: PlanOptions): Reminder[] {
  return sortReminders(oneMessageEach(ledger.documents.flatMap((doc) => planDocument(doc, options))));
}

/**
 * Reminders of one task for the same unit and chat at the same minute become
 * one message: the most pressing (催办 over due day over notices ahead) keeps
 * its id and lists the others in `also`. Exact repeats (a time limit stated
 * twice) go. Ids stay unique: reminders sharing an id share all of the key.
 */
export function oneMessageEach(list: Reminder[]): Reminder[] {
  const groups = new Map<string, Reminder[]>();
  for (const r of list) {
    const target = r.target.kind === 'unit' ? `u\u0000${r.target.unit}` : 's';
    const key = `${r.tenant}\u0000${r.taskId}\u0000${r.unit}\u0000${target}\u0000${r.fireAt.getTime()}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const out: Reminder[] = [];
  for (const g of groups.values()) {
    if (g.length === 1) {
      out.push(g[0]!);
      continue;
    }
    const seen = new Set<string>();
    const duties = sortReminders(g).filter((r) => {
      const k = JSON.stringify([r.id, r.rule, r.deadlineText]);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    const primary = duties.reduce((best, r) => (KIND_ORDER[r.kind] > KIND_ORDER[best.kind] ? r : best));
    const also: CoDuty[] = duties
      .filter((r) => r !== primary)
      .map((r) => ({
        dueDate: r.dueDate,
        deadlineText: r.deadlineText,
        kind: r.kind,
        ...(r.offsetDays !== undefined ? { offsetDays: r.offsetDays } : {}),
        ...(r.rule !== undefined ? { rule: r.rule } : {}),
      }));
    out.push(also.length > 0 ? { ...primary, also } : primary);
  }
  return out;
}

export function sortReminders(list: Reminder[]): Reminder[] {
  return list.sort(
    (a, b) =>
      a.fireAt.getTime() - b.fireAt.getTime() ||
      cmp(a.file, b.file) ||
      cmp(a.taskId, b.taskId) ||
      cmp(a.unit, b.unit) ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      (b.offsetDays ?? 0) - (a.offsetDays ?? 0) ||
      a.repeat - b.repeat,
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The first day recurring duties are scheduled from: the issue date, else 1 January of the plan year. */
export function planStart(doc: PlanDocument): string {
  return doc.issuedOn || `${doc.year}-01-01`;
}

export function planDocument(doc: PlanDocument, options: PlanOptions): Reminder[] {
  const config = ReminderConfig.parse(options.config ?? {});
  const resolve: UnitResolver = options.resolveUnit ?? (() => undefined);
  const ctx: Ctx = { doc, config, window: options, out: [] };
  for (const task of doc.tasks) planTask(ctx, task, resolve);
  return ctx.out;
}

interface Ctx {
  doc: PlanDocument;
  config: ReminderConfig;
  window: PlanWindow;
  out: Reminder[];
}

function planTask(ctx: Ctx, task: Task, resolve: UnitResolver): void {
  const coveredDates = new Set<string>();
  const coveredRules = new Set<RecurrenceRule>();
  const generic = task.genericUnits ?? [];

  for (const clause of task.clauses) {
    if (clause.leads.length === 0) continue;
    if (clause.deadlines.length === 0 && clause.recurring.length === 0) continue;
    const recipients = recipientsFor(clause.leads, generic, resolve);
    for (const d of clause.deadlines) {
      coveredDates.add(d.date);
      for (const r of recipients) planDeadline(ctx, task, r, d);
    }
    for (const rec of clause.recurring) {
      coveredRules.add(rec.rule);
      for (const r of recipients) planRecurring(ctx, task, r, rec);
    }
  }

  // Time limits stated in lead-less clauses belong to the task's leads too.
  const deadlines = uniqueBy(
    [...task.deadlines, ...task.clauses.filter((c) => c.leads.length === 0).flatMap((c) => c.deadlines)],
    (d) => d.date,
  ).filter((d) => !coveredDates.has(d.date));
  const recurring = uniqueBy(
    [...task.recurring, ...task.clauses.filter((c) => c.leads.length === 0).flatMap((c) => c.recurring)],
    (r) => r.rule,
  ).filter((r) => !coveredRules.has(r.rule));
  if (deadlines.length === 0 && recurring.length === 0) return;

  const recipients = recipientsFor(task.leads, generic, resolve);
  for (const d of deadlines) for (const r of recipients) planDeadline(ctx, task, r, d);
  for (const rec of recurring) for (const r of recipients) planRecurring(ctx, task, r, rec);
}

function uniqueBy<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => {
    const k = key(t);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

type Draft = Pick<Reminder, 'kind' | 'fireDate' | 'repeat' | 'target'> & {
  offsetDays?: number;
  movedFrom?: string;
  rule?: RecurrenceRule;
};

function emit(ctx: Ctx, task: Task, who: Recipient, dueDate: string, text: string, draft: Draft): void {
  const { today, until } = ctx.window;
  if (draft.fireDate < today || draft.fireDate > until) return;
  const variant = draft.kind === 'overdue' || draft.kind === 'escalate' ? draft.repeat : draft.offsetDays;
  const reminder: Reminder = {
    id: reminderId({ tenant: ctx.config.tenant, taskId: task.id, unit: who.unit, dueDate, kind: draft.kind, variant }),
    tenant: ctx.config.tenant,
    taskId: task.id,
    file: ctx.doc.file,
    docTitle: ctx.doc.title,
    path: task.path,
    title: task.title,
    unit: who.unit,
    dueDate,
    deadlineText: text,
    kind: draft.kind,
    repeat: draft.repeat,
    fireDate: draft.fireDate,
    fireAt: shanghaiInstant(draft.fireDate, ctx.config.time),
    target: draft.target,
  };
  if (draft.offsetDays !== undefined) reminder.offsetDays = draft.offsetDays;
  if (draft.movedFrom !== undefined) reminder.movedFrom = draft.movedFrom;
  if (draft.rule !== undefined) reminder.rule = draft.rule;
  ctx.out.push(reminder);
}

/** Notice dates for a due date: offsets (largest first) then the due day, shifted and de-collided. */
function noticeDates(dueDate: string, offsets: readonly number[]): Array<{ offset: number; fireDate: string; movedFrom?: string }> {
  const wanted = [...new Set(offsets)].filter((o) => o > 0).sort((a, b) => b - a);
  wanted.push(0);
  const shifted = wanted.map((offset) => {
    const nominal = addDays(dueDate, -offset);
    const fireDate = onOrBeforeWorkday(nominal);
    return fireDate === nominal ? { offset, fireDate } : { offset, fireDate, movedFrom: nominal };
  });
  // Same day twice: keep the notice nearest the deadline (it says more).
  return shifted.filter((n, i) => !shifted.slice(i + 1).some((later) => later.fireDate === n.fireDate));
}

const BEFORE_KINDS: Record<number, ReminderKind> = { 0: 'due', 1: 'before-1', 3: 'before-3', 7: 'before-7' };

function beforeKind(offset: number): ReminderKind | undefined {
  return BEFORE_KINDS[offset];
}

function planDeadline(ctx: Ctx, task: Task, who: Recipient, deadline: Deadline): void {
  const due = deadline.date;
  for (const n of noticeDates(due, ctx.config.offsets)) {
    // Custom offsets outside 7/3/1 have no kind in the contract; they are not sent.
    const kind = beforeKind(n.offset);
    if (!kind) continue;
    const draft: Draft = { kind, fireDate: n.fireDate, repeat: 0, target: who.target };
    if (kind !== 'due') draft.offsetDays = n.offset;
    if (n.movedFrom) draft.movedFrom = n.movedFrom;
    emit(ctx, task, who, due, deadline.text, draft);
  }
  planLadder(ctx, task, who, deadline);
}

function planLadder(ctx: Ctx, task: Task, who: Recipient, deadline: Deadline): void {
  const { config, window } = ctx;
  const due = deadline.date;
  const firstOverdue = nextWorkday(due);
  const firstEscalate = addWorkdays(firstOverdue, config.escalateAfterWorkdays);
  const chains: Array<{ kind: 'overdue' | 'escalate'; first: string }> = [{ kind: 'overdue', first: firstOverdue }];
  if (who.target.kind === 'unit') chains.push({ kind: 'escalate', first: firstEscalate });

  for (const chain of chains) {
    const target = chain.kind === 'escalate' ? ({ kind: 'supervisors' } as const) : who.target;
    let previous = '';
    for (let repeat = 0; repeat <= MAX_REPEATS; repeat++) {
      const nominal = addDays(chain.first, repeat * config.repeatEveryDays);
      if (nominal > addDays(window.until, config.repeatEveryDays)) break;
      let fireDate = onOrBeforeWorkday(nominal);
      if (repeat > 0 && fireDate <= previous) fireDate = onOrAfterWorkday(nominal);
      previous = fireDate;
      const draft: Draft = { kind: chain.kind, fireDate, repeat, target };
      if (fireDate !== nominal) draft.movedFrom = nominal;
      emit(ctx, task, who, due, deadline.text, draft);
    }
  }
}

/** Period ends of a recurring duty within the plan year, from `from` on. */
export function periodEnds(rule: RecurrenceRule, year: number, from: string): string[] {
  const ends: string[] = [];
  switch (rule) {
    case 'monthly':
      for (let m = 1; m <= 12; m++) ends.push(lastDayOfMonth(year, m));
      break;
    case 'quarterly':
      ends.push(`${year}-03-31`, `${year}-06-30`, `${year}-09-30`, `${year}-12-31`);
      break;
    case 'semiannual':
      ends.push(`${year}-06-30`, `${year}-12-31`);
      break;
    case 'annual':
      ends.push(`${year}-12-31`);
      break;
    case 'weekly': {
      // First Friday of the year, then every 7 days.
      let d = `${year}-01-01`;
      d = addDays(d, (5 - weekday(d) + 7) % 7);
      for (; d.startsWith(`${year}-`); d = addDays(d, 7)) ends.push(d);
      break;
    }
  }
  return ends.filter((d) => d >= from);
}

function planRecurring(ctx: Ctx, task: Task, who: Recipient, rec: Recurring): void {
  const offsets = rec.rule === 'weekly' ? [] : ctx.config.offsets;
  for (const end of periodEnds(rec.rule, ctx.doc.year, planStart(ctx.doc))) {
    for (const n of noticeDates(end, offsets)) {
      const draft: Draft = {
        kind: 'recurring',
        fireDate: n.fireDate,
        repeat: 0,
        target: who.target,
        offsetDays: n.offset,
        rule: rec.rule,
      };
      if (n.movedFrom) draft.movedFrom = n.movedFrom;
      emit(ctx, task, who, end, rec.text, draft);
    }
  }
}

/** Time limits the plan states but that are never scheduled (relative to an event). */
export function standingRules(ledger: Ledger): Array<{ taskId: string; file: string; path: string[]; title: string; text: string }> {
  return ledger.documents.flatMap((doc) =>
    doc.tasks.flatMap((t) => t.relative.map((r) => ({ taskId: t.id, file: doc.file, path: t.path, title: t.title, text: r.text }))),
  );
}

/** Whole days from `today` to the due date: positive = days left, negative = days overdue. */
export function daysLeft(today: string, dueDate: string): number {
  return daysBetween(today, dueDate);
}
