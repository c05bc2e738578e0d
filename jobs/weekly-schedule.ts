import cron from 'node-cron';
import { addDays, lastDayOfMonth, shanghaiInstant, weekday } from '../src/calendar/shanghai.js';
import { isWorkday, onOrBeforeWorkday } from '../src/calendar/workdays.js';

/**
 * When the weekly ticks fire. WEEKLY_CALL_CRON / WEEKLY_SUMMARY_CRON are cron
 * expressions read in Asia/Shanghai; a nominal day that is not a working day
 * (holiday, weekend) moves to the last working day before it. So the ticker
 * runs every day at the expression's times of day, and on each working day
 * asks: which nominal days move onto today? Pure apart from reading the
 * holiday table.
 */

export interface WeeklySchedule {
  expression: string;
  /** node-cron expression firing daily at the configured times of day. */
  daily: string;
  /** Times of day, "HH:MM:SS", ascending. */
  times: string[];
  /** Does the expression name this Shanghai date (day-of-month, month, weekday, as node-cron: all must hold)? */
  matchesDay(date: string): boolean;
}

/** Longest run of non-working days is well under this; a nominal day further ahead cannot move onto today. */
const LOOKAHEAD_DAYS = 40;
const MAX_TIMES = 24 * 60;

const pad = (n: number) => String(n).padStart(2, '0');

/** Throws (Chinese message) when node-cron cannot read the expression or it uses forms we cannot move off holidays. */
export function parseWeeklySchedule(expression: string): WeeklySchedule {
  let fields: ReturnType<typeof cron.parse>;
  try {
    fields = cron.parse(expression);
  } catch (err) {
    throw new Error(`无法解析定时表达式“${expression}”：${(err as Error).message}`);
  }
  const numbers = (xs: Array<number | string>, what: string): number[] => {
    if (xs.some((x) => typeof x !== 'number' && x !== 'L')) throw new Error(`定时表达式“${expression}”的${what}字段用了不支持的写法`);
    return xs.filter((x): x is number => typeof x === 'number');
  };
  const months = new Set(fields.month);
  const dom = new Set(numbers(fields.dayOfMonth, '日'));
  const lastDom = fields.dayOfMonth.includes('L');
  const dow = new Set(numbers(fields.dayOfWeek, '星期').map((d) => d % 7));

  const times: string[] = [];
  for (const h of fields.hour) {
    for (const m of fields.minute) {
      for (const s of fields.second) {
        if (times.length < MAX_TIMES) times.push(`${pad(h)}:${pad(m)}:${pad(s)}`);
      }
    }
  }
  times.sort();
  return {
    expression,
    daily: `${fields.second.join(',')} ${fields.minute.join(',')} ${fields.hour.join(',')} * * *`,
    times,
    matchesDay(date) {
      const month = Number(date.slice(5, 7));
      const day = Number(date.slice(8, 10));
      const isLast = date === lastDayOfMonth(Number(date.slice(0, 4)), month);
      return months.has(month) && (dom.has(day) || (lastDom && isLast)) && dow.has(weekday(date));
    },
  };
}

/** Nominal days whose tick moves onto `date` (usually none or one); empty when `date` is not a working day. */
export function nominalDaysFiringOn(schedule: WeeklySchedule, date: string): string[] {
  if (!isWorkday(date)) return [];
  const out: string[] = [];
  for (let i = 0; i <= LOOKAHEAD_DAYS; i++) {
    const n = addDays(date, i);
    if (i > 0 && isWorkday(n)) break; // a working day keeps its own tick; nothing after it moves back past it
    if (schedule.matchesDay(n) && onOrBeforeWorkday(n) === date) out.push(n);
  }
  return out;
}

export interface Fire {
  /** The day the expression names. */
  nominal: string;
  /** The working day it fires on. */
  date: string;
  at: Date;
}

/** The first fire on `date` of each nominal day moving onto it. */
export function firesOn(schedule: WeeklySchedule, date: string): Fire[] {
  const first = schedule.times[0];
  if (!first) return [];
  return nominalDaysFiringOn(schedule, date).map((nominal) => ({ nominal, date, at: shanghaiInstant(date, first) }));
}

/** The next fire on or after `from` (a Shanghai date), within the lookahead; for "汇总将于…" wording. */
export function nextFire(schedule: WeeklySchedule, from: string): Fire | undefined {
  for (let i = 0; i <= LOOKAHEAD_DAYS; i++) {
    const f = firesOn(schedule, addDays(from, i))[0];
    if (f) return f;
  }
  return undefined;
}
