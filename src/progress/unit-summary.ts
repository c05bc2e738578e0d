import { addDays } from '../calendar/shanghai.js';
import type { Plans } from '../chat/context.js';
import { tasksForUnit, type TaskRef } from '../ledger/queries.js';
import { chineseDate } from '../reminders/message.js';
import { planReminders } from '../reminders/plan.js';
import type { Reminder, ReminderConfigInput, ReminderKind } from '../reminders/types.js';
import { plansDirectory } from './args.js';

/**
 * What a bound group will receive: the unit's tasks and next deadline (for
 * /绑定) and its next reminders (for /提醒), from the same pure planner the
 * scheduler uses. Pure.
 */

export interface UnitOutlook {
  unit: string;
  lead: number;
  co: number;
  recurring: number;
  next?: { date: string; text: string; label: string };
}

function label(r: TaskRef): string {
  return `${r.path.join('')}${r.title}`;
}

export function unitOutlook(plans: Plans, unit: string, today: string): UnitOutlook {
  const r = tasksForUnit(plans.ledger, plans.units, unit, { today });
  if (r.unit === undefined) return { unit, lead: 0, co: 0, recurring: 0 };
  const refs = [...r.lead, ...r.co];
  let next: UnitOutlook['next'];
  for (const ref of refs) {
    for (const d of ref.deadlines) {
      if (d.date < today) continue;
      if (!next || d.date < next.date) next = { date: d.date, text: d.text, label: label(ref) };
    }
  }
  return {
    unit: r.unit,
    lead: r.lead.length,
    co: r.co.length,
    recurring: refs.filter((x) => x.recurring.length > 0).length,
    ...(next ? { next } : {}),
  };
}

export const KIND_LABEL: Record<ReminderKind, string> = {
  'before-7': '截止前7天提醒',
  'before-3': '截止前3天提醒',
  'before-1': '截止前1天提醒',
  due: '截止当天提醒',
  overdue: '逾期催办',
  escalate: '逾期通报',
  recurring: '周期任务提醒',
};

/** "截止前7天提醒", "周期任务提醒（本期截止前3天）". */
export function reminderKindLabel(r: Pick<Reminder, 'kind' | 'offsetDays'>): string {
  if (r.kind !== 'recurring') return KIND_LABEL[r.kind];
  return r.offsetDays ? `周期任务提醒（本期截止前${r.offsetDays}天）` : '周期任务提醒（本期截止当天）';
}

export function shortChineseDate(date: string): string {
  return chineseDate(date).replace(/^\d+年/u, '');
}

/** The unit's next reminders (to its group) from `today`, soonest first, skipping tasks `isClosed` says are done. */
export function nextReminders(
  plans: Plans,
  unit: string,
  today: string,
  opts: { limit?: number; config?: Omit<ReminderConfigInput, 'tenant'>; isClosed?: (taskId: string, unit: string) => boolean } = {},
): Reminder[] {
  const dir = plansDirectory(plans);
  const all = planReminders(plans.ledger, {
    today,
    until: addDays(today, 366),
    ...(opts.config ? { config: opts.config } : {}),
    resolveUnit: (name) => plans.units.entryOf(name)?.entry.name,
  });
  const out: Reminder[] = [];
  for (const r of all) {
    if (r.target.kind !== 'unit' || !dir.sameUnit(r.unit, unit)) continue;
    if (opts.isClosed?.(r.taskId, r.unit)) continue;
    out.push(r);
    if (out.length >= (opts.limit ?? 5)) break;
  }
  return out;
}
