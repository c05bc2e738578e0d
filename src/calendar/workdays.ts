import { createRequire } from 'node:module';
import { addDays, weekday } from './shanghai.js';

/**
 * Chinese working days (statutory holidays and 调休 make-up days) over
 * `chinese-days`. All dates are Asia/Shanghai civil dates, YYYY-MM-DD.
 *
 * Coverage: chinese-days carries the State Council schedule for the years
 * `coverage()` reports (2004–2026 in 1.5.7; each year's schedule is published
 * around November of the year before). Outside those years we fall back to
 * Monday–Friday working, Saturday/Sunday off, with no holidays and no 调休 —
 * and tell the listener once per year so an operator knows to upgrade the
 * package. Reminders are re-planned on every plan load and at start-up, so
 * upgrading the package moves any job the fallback placed on a holiday.
 *
 * We read the package's published table (dist/chinese-days.json) rather than
 * call its functions: the package builds its tables at import time with the
 * host's local-time getters, so on a server west of UTC every date is off by
 * one (checked: TZ=America/New_York gives 2022-10-10 as a holiday). The JSON
 * was generated once by the package's build and equals the functions' answers
 * under Asia/Shanghai for every day 2004–2026.
 */

interface Table {
  /** date -> "English,中文,days" for statutory days off. */
  holidays: Record<string, string>;
  /** date -> same, for 调休 weekend days that are working days. */
  workdays: Record<string, string>;
}

const table: Table = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json');

function parts(date: string): [number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`expected YYYY-MM-DD, got ${JSON.stringify(date)}`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  // Round-trip rejects 2022-02-30 and friends.
  if (addDays(date, 0) !== date) throw new RangeError(`not a calendar date: ${date}`);
  return [y, mo, d];
}

export interface Coverage {
  /** Years with the official holiday/调休 schedule, ascending. */
  years: number[];
  first: number;
  last: number;
  /** What isWorkday does outside `years`. */
  fallback: 'monday-to-friday';
}

let coverageCache: Coverage | undefined;
let coveredSet: Set<number> | undefined;

/**
 * Which years chinese-days has holiday data for. Every published schedule
 * makes 1 January (元旦) a day off, so a year is covered exactly when the
 * table lists its 1 January.
 */
export function coverage(): Coverage {
  if (!coverageCache) {
    const years = [
      ...new Set(
        Object.keys(table.holidays)
          .filter((d) => d.endsWith('-01-01'))
          .map((d) => Number(d.slice(0, 4))),
      ),
    ].sort((a, b) => a - b);
    coverageCache = {
      years,
      first: years[0] ?? NaN,
      last: years[years.length - 1] ?? NaN,
      fallback: 'monday-to-friday',
    };
    coveredSet = new Set(years);
  }
  return coverageCache;
}

export function isCoveredYear(year: number): boolean {
  coverage();
  return coveredSet!.has(year);
}

export type UncoveredYearListener = (year: number) => void;

const defaultListener: UncoveredYearListener = (year) => {
  // stderr, one structured line: stdout may be carrying `cli schedule --json`.
  const c = coverage();
  process.stderr.write(
    JSON.stringify({
      level: 'warn',
      event: 'calendar.uncovered-year',
      year,
      covered: `${c.first}-${c.last}`,
      fallback: c.fallback,
      msg: 'no official holiday schedule for this year; treating Mon-Fri as working days',
    }) + '\n',
  );
};

let listener: UncoveredYearListener = defaultListener;
const warned = new Set<number>();

/** Route the once-per-year "no holiday data" warning (e.g. into the app's pino logger). */
export function onUncoveredYear(fn: UncoveredYearListener): void {
  listener = fn;
}

/** Forget which years were already warned about (tests). */
export function resetUncoveredWarnings(): void {
  warned.clear();
}

/** Answers per date; planning asks about the same few hundred days again and again. */
const memo = new Map<string, boolean>();
const MEMO_MAX = 50_000;

export function isWorkday(date: string): boolean {
  let answer = memo.get(date);
  if (answer === undefined) {
    answer = computeIsWorkday(date);
    if (memo.size >= MEMO_MAX) memo.clear();
    memo.set(date, answer);
  }
  const year = Number(date.slice(0, 4));
  if (!isCoveredYear(year) && !warned.has(year)) {
    warned.add(year);
    listener(year);
  }
  return answer;
}

function computeIsWorkday(date: string): boolean {
  parts(date);
  // Same rule as chinese-days' own isWorkday; outside coverage the tables are empty → Mon–Fri.
  if (table.workdays[date]) return true;
  const wd = weekday(date);
  return wd >= 1 && wd <= 5 && !table.holidays[date];
}

/** Longest run of consecutive non-working days is well under this (2020 Spring Festival: 10). */
const MAX_SCAN = 40;

function scan(from: string, step: 1 | -1): string {
  let d = from;
  for (let i = 0; i < MAX_SCAN; i++) {
    if (isWorkday(d)) return d;
    d = addDays(d, step);
  }
  throw new Error(`no working day within ${MAX_SCAN} days of ${from}`);
}

/** The last working day strictly before `date`. */
export function previousWorkday(date: string): string {
  return scan(addDays(date, -1), -1);
}

/** `date` itself when it is a working day, else the last working day before it. */
export function onOrBeforeWorkday(date: string): string {
  return scan(date, -1);
}

/** The first working day strictly after `date`. */
export function nextWorkday(date: string): string {
  return scan(addDays(date, 1), 1);
}

/** `date` itself when it is a working day, else the first working day after it. */
export function onOrAfterWorkday(date: string): string {
  return scan(date, 1);
}

/**
 * Step |n| working days from `date` (forward when n > 0, back when n < 0),
 * not counting `date` itself; n = 0 returns `date` unchanged.
 */
export function addWorkdays(date: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`addWorkdays needs an integer, got ${n}`);
  parts(date);
  let d = date;
  for (let i = 0; i < Math.abs(n); i++) d = n > 0 ? nextWorkday(d) : previousWorkday(d);
  return d;
}

/** The holiday's Chinese name when `date` is a statutory holiday (e.g. "国庆节"), else undefined. */
export function holidayName(date: string): string | undefined {
  parts(date);
  const entry = table.holidays[date];
  if (!entry || table.workdays[date]) return undefined;
  // Table format: "National Day,国庆节,3".
  return entry.split(',')[1] || undefined;
}
