import { addDays, shanghaiDate, shanghaiInstant, weekday } from '../calendar/shanghai.js';

/**
 * The supervision week is the Shanghai calendar week, Monday to Sunday, named
 * by its ISO 8601 week ("2026-W47"): weekly jobs use the name as their id, so
 * every replica derives the same one.
 */

/** Monday of the week containing `date` (YYYY-MM-DD). */
export function weekMonday(date: string): string {
  return addDays(date, -((weekday(date) + 6) % 7));
}

/** ISO week name of a date, e.g. "2026-W47" (weeks belong to the year of their Thursday). */
export function isoWeek(date: string): string {
  const thursday = addDays(weekMonday(date), 3);
  const year = Number(thursday.slice(0, 4));
  const jan4 = `${year}-01-04`;
  const week1Monday = weekMonday(jan4);
  const days = (Date.parse(`${thursday}T00:00:00Z`) - Date.parse(`${week1Monday}T00:00:00Z`)) / 86_400_000;
  const n = Math.floor(days / 7) + 1;
  return `${year}-W${String(n).padStart(2, '0')}`;
}

export interface WeekRange {
  /** Monday and Sunday, inclusive. */
  from: string;
  to: string;
  /** First instant of Monday and first instant of the next Monday, Shanghai. */
  start: Date;
  end: Date;
}

export function weekOf(instantOrDate: Date | string): WeekRange {
  const date = typeof instantOrDate === 'string' ? instantOrDate : shanghaiDate(instantOrDate);
  const from = weekMonday(date);
  const to = addDays(from, 6);
  return { from, to, start: shanghaiInstant(from), end: shanghaiInstant(addDays(from, 7)) };
}
