/**
 * Civil dates in Asia/Shanghai, whatever the server's TZ. China has had no DST
 * since 1991, so a fixed +08:00 offset is exact for every date the bot handles
 * and avoids depending on the host's tz database.
 */

const OFFSET_MS = 8 * 3600_000;

/** YYYY-MM-DD of the instant in Asia/Shanghai. */
export function shanghaiDate(instant: Date): string {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant of a Shanghai wall-clock time on a date, e.g. ("2022-07-29", "09:00"). */
export function shanghaiInstant(date: string, time = '00:00'): Date {
  return new Date(`${date}T${time.length === 5 ? time + ':00' : time}+08:00`);
}

/** ISO 8601 with the +08:00 offset, as the schedule contract prints it. */
export function formatShanghai(instant: Date): string {
  const local = new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 19);
  return `${local}+08:00`;
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function lastDayOfMonth(year: number, month: number): string {
  const d = new Date(Date.UTC(year, month, 0));
  return d.toISOString().slice(0, 10);
}

/** Whole days from a to b (b - a), both YYYY-MM-DD. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** "YYYY-MM-DD" naming a real day (2022-02-30 and 2022-13-01 are not); never throws. */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}
