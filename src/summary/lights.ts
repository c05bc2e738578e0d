import { addDays, daysBetween, shanghaiDate } from '../calendar/shanghai.js';
import type { RecurrenceRule } from '../plan/schema.js';
import type { TaskProgress, TaskState } from '../progress/types.js';
import { periodEnds } from '../reminders/plan.js';
import type { Assignment } from './assignments.js';

/**
 * Status lights (红黄绿灯) per assignment at a Shanghai date. Pure.
 *
 * - Green: done, or on track. "Done" is 已办结 and also 待确认: the unit has
 *   reported it finished and the next move is the supervisors' (the summary
 *   counts 待确认 separately so that backlog stays visible).
 * - Yellow: not done and a time limit falls within YELLOW_DAYS, or the unit
 *   reported 有困难.
 * - Red: not done and the last deadline has passed; or an earlier deadline
 *   (a milestone) has passed while nothing was ever started.
 * - Recurring duties (每月/每季度…) are judged per period: only reports made
 *   since the current period began count, the time limit is the period's end;
 *   a supervisor's 办结 closes the duty for good. Once the plan year is over
 *   the last period's end is the limit, and it has passed.
 * - No time limit: green unless 有困难.
 */

export type Light = 'green' | 'yellow' | 'red';

export const LIGHT_LABEL: Record<Light, string> = { green: '绿', yellow: '黄', red: '红' };

const RANK: Record<Light, number> = { green: 0, yellow: 1, red: 2 };

/** Days ahead within which an open time limit turns the light yellow. */
export const YELLOW_DAYS = 7;

export interface Due {
  date: string;
  /** The phrase as written ("7月底前", "每季度"). */
  text: string;
  kind: 'deadline' | 'period';
}

export interface Status {
  light: Light;
  /** The state the figures count: for a recurring-only duty, the state within the current period. */
  state: TaskState;
  /** The time limit the light was judged by, if any. */
  due?: Due;
  /** Whole days past `due` when red because of it. */
  overdueDays?: number;
}

export const isDone = (s: TaskState) => s === 'closed' || s === 'pending-confirm';

export function periodStart(rule: RecurrenceRule, end: string): string {
  switch (rule) {
    case 'weekly':
      return addDays(end, -6);
    case 'monthly':
      return `${end.slice(0, 7)}-01`;
    case 'quarterly': {
      const m = Number(end.slice(5, 7)) - 2;
      return `${end.slice(0, 4)}-${String(m).padStart(2, '0')}-01`;
    }
    case 'semiannual':
      return `${end.slice(0, 4)}-${end.slice(5, 7) === '06' ? '01' : '07'}-01`;
    case 'annual':
      return `${end.slice(0, 4)}-01-01`;
  }
}

/** The period `today` falls in (the last one once the plan year is over); undefined when the duty has no period. */
export function currentPeriod(rule: RecurrenceRule, year: number, start: string, today: string): { from: string; to: string } | undefined {
  const ends = periodEnds(rule, year, start);
  if (ends.length === 0) return undefined;
  const end = ends.find((e) => e >= today) ?? ends[ends.length - 1]!;
  return { from: periodStart(rule, end), to: end };
}

interface Judged {
  light: Light;
  state: TaskState;
  due?: Due;
  overdueDays?: number;
}

function worse(a: Judged, b: Judged): Judged {
  if (RANK[b.light] !== RANK[a.light]) return RANK[b.light] > RANK[a.light] ? b : a;
  // Same colour: the nearer time limit says more.
  if (a.due && b.due) return b.due.date < a.due.date ? b : a;
  return a.due ? a : b;
}

function judge(state: TaskState, due: Due | undefined, today: string, missedMilestone?: Due): Judged {
  if (isDone(state)) return { light: 'green', state, ...(due ? { due } : {}) };
  if (due && due.date < today) return { light: 'red', state, due, overdueDays: daysBetween(due.date, today) };
  if (missedMilestone) return { light: 'red', state, due: missedMilestone, overdueDays: daysBetween(missedMilestone.date, today) };
  if (due && daysBetween(today, due.date) <= YELLOW_DAYS) return { light: 'yellow', state, due };
  if (state === 'difficulty') return { light: 'yellow', state, ...(due ? { due } : {}) };
  return { light: 'green', state, ...(due ? { due } : {}) };
}

/** The light of one assignment given its derived progress (undefined = nothing reported). */
export function statusOf(a: Assignment, progress: TaskProgress | undefined, today: string): Status {
  const state: TaskState = progress?.state ?? 'not-started';
  const parts: Judged[] = [];

  if (a.deadlines.length > 0) {
    const last = a.deadlines[a.deadlines.length - 1]!;
    const next = a.deadlines.find((d) => d.date >= today);
    const passed = a.deadlines.filter((d) => d.date < today);
    const target = next ?? last;
    const milestone = state === 'not-started' && passed.length > 0 ? passed[passed.length - 1]! : undefined;
    parts.push(
      judge(
        state,
        { date: target.date, text: target.text, kind: 'deadline' },
        today,
        milestone ? { date: milestone.date, text: milestone.text, kind: 'deadline' } : undefined,
      ),
    );
  }

  let periodic: Judged | undefined;
  for (const r of a.recurring) {
    const period = currentPeriod(r.rule, a.year, a.start, today);
    if (!period) continue;
    const since = progress && progress.state !== 'closed' ? shanghaiDate(new Date(progress.updatedAt)) : undefined;
    const pstate: TaskState = state === 'closed' ? 'closed' : since !== undefined && since >= period.from ? state : 'not-started';
    const j = judge(pstate, { date: period.to, text: r.text, kind: 'period' }, today);
    parts.push(j);
    periodic = periodic ? worse(periodic, j) : j;
  }

  if (parts.length === 0) return judge(state, undefined, today);
  const worst = parts.reduce(worse);
  // One-off limits decide the state shown; a duty that only recurs is counted by its current period.
  const shown = a.deadlines.length > 0 ? state : (periodic?.state ?? state);
  return { ...worst, state: shown };
}
