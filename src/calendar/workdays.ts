import { createRequire } from 'node:module';
import { addDays, weekday } from './shanghai.js';
import { statutoryDays } from './statutory.js';

/**
 * Chinese working days (statutory holidays and 调休 make-up days). All dates
 * are Asia/Shanghai civil dates, YYYY-MM-DD.
 *
 * Where a year's days off come from, first found wins:
 * 1. `official`: the State Council schedule as published in `chinese-days`
 *    (the years `coverage()` reports: 2004–2026 in 1.5.7);
 * 2. `notice`: a notice an admin imported (/假期 导入, `cli holidays`,
 *    HOLIDAY_NOTICE_FILES), handed in by the `NoticeProvider` the edges set
 *    with `setNoticeProvider` (this module does no I/O);
 * 3. `estimate`: the statutory days alone (statutory.ts), no 调休 — labelled
 *    an estimate wherever it shows, and reported once per year to the
 *    listener so an operator knows to load the notice.
 * Reminders are re-planned after every notice load, at start-up and hourly,
 * so a better source moves any job the estimate placed.
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
  /** What isWorkday does outside `years` when no notice is loaded. */
  fallback: 'statutory-estimate';
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
      fallback: 'statutory-estimate',
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
      msg: 'no official holiday schedule or notice for this year; using the statutory days off as an estimate',
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

export type HolidaySource = 'official' | 'notice' | 'estimate';

/** A year's arrangement as read from a notice: days off (with the holiday's name) and make-up days. */
export interface NoticeYear {
  year: number;
  /** date -> holiday name, e.g. "2027-02-05" -> "春节". May include the December before (元旦 ranges). */
  off: Record<string, string>;
  work: Record<string, string>;
}

/** Where imported notices come from; set by the edges (services, CLI), never read from Redis here. */
export interface NoticeProvider {
  notice(year: number): NoticeYear | undefined;
  /** Changes whenever a notice is added or replaced, so cached answers are dropped. */
  version(): number;
}

let provider: NoticeProvider | undefined;
let providerVersion: number | undefined;

/** Install (or remove, with undefined) the source of imported notices. */
export function setNoticeProvider(p: NoticeProvider | undefined): void {
  provider = p;
  providerVersion = undefined;
  memo.clear();
  estimateCache.clear();
}

function syncProvider(): void {
  const v = provider?.version();
  if (v !== providerVersion) {
    providerVersion = v;
    memo.clear();
  }
}

/** Which source decides `year`'s days off. */
export function holidaySource(year: number): HolidaySource {
  if (isCoveredYear(year)) return 'official';
  syncProvider();
  if (provider?.notice(year)) return 'notice';
  return 'estimate';
}

const estimateCache = new Map<number, Map<string, string>>();

function estimateOf(year: number): Map<string, string> {
  let m = estimateCache.get(year);
  if (!m) {
    m = new Map();
    for (const d of statutoryDays(year)) if (!m.has(d.date)) m.set(d.date, d.name);
    estimateCache.set(year, m);
  }
  return m;
}

type Entry = { kind: 'off' | 'work'; name: string } | undefined;

/** What the deciding source says about one date (undefined = an ordinary day). */
function entryOf(date: string): Entry {
  const year = Number(date.slice(0, 4));
  // A notice may reach into the December before its year (元旦 from 31 Dec, a make-up Saturday).
  if (date.slice(5, 7) === '12' && !isCoveredYear(year + 1)) {
    const next = provider?.notice(year + 1);
    if (next?.off[date]) return { kind: 'off', name: next.off[date] };
    if (next?.work[date]) return { kind: 'work', name: next.work[date] };
  }
  switch (holidaySource(year)) {
    case 'official':
      if (table.workdays[date]) return { kind: 'work', name: table.workdays[date].split(',')[1] ?? '' };
      if (table.holidays[date]) return { kind: 'off', name: table.holidays[date].split(',')[1] ?? '' };
      return undefined;
    case 'notice': {
      const n = provider!.notice(year)!;
      if (n.work[date]) return { kind: 'work', name: n.work[date] };
      if (n.off[date]) return { kind: 'off', name: n.off[date] };
      return undefined;
    }
    case 'estimate': {
      const name = estimateOf(year).get(date);
      return name ? { kind: 'off', name } : undefined;
    }
  }
}

export function isWorkday(date: string): boolean {
  syncProvider();
  let answer = memo.get(date);
  if (answer === undefined) {
    answer = computeIsWorkday(date);
    if (memo.size >= MEMO_MAX) memo.clear();
    memo.set(date, answer);
  }
  const year = Number(date.slice(0, 4));
  if (!warned.has(year) && holidaySource(year) === 'estimate') {
    warned.add(year);
    listener(year);
  }
  return answer;
}

function computeIsWorkday(date: string): boolean {
  parts(date);
  const e = entryOf(date);
  if (e) return e.kind === 'work';
  const wd = weekday(date);
  return wd >= 1 && wd <= 5;
}

/** A year's days off and make-up working days, and which source they come from. */
export interface YearHolidays {
  year: number;
  source: HolidaySource;
  /** date -> holiday name, ascending. */
  off: Array<{ date: string; name: string }>;
  work: Array<{ date: string; name: string }>;
}

export function yearHolidays(year: number): YearHolidays {
  const source = holidaySource(year);
  const off: YearHolidays['off'] = [];
  const work: YearHolidays['work'] = [];
  const add = (date: string, e: Entry) => {
    if (e?.kind === 'off') off.push({ date, name: e.name });
    if (e?.kind === 'work') work.push({ date, name: e.name });
  };
  // The December before, for what this year's arrangement puts there (元旦 from 31 Dec, a make-up day).
  if (source === 'notice') {
    const n = provider!.notice(year)!;
    for (const [date, name] of Object.entries(n.off)) if (date < `${year}-01-01`) off.push({ date, name });
    for (const [date, name] of Object.entries(n.work)) if (date < `${year}-01-01`) work.push({ date, name });
  } else if (source === 'official') {
    for (let d = `${year - 1}-12-01`; d < `${year}-01-01`; d = addDays(d, 1)) {
      const v = table.holidays[d] ?? table.workdays[d];
      if (v?.includes('元旦')) add(d, table.workdays[d] ? { kind: 'work', name: '元旦' } : { kind: 'off', name: '元旦' });
    }
  }
  for (let d = `${year}-01-01`; d <= `${year}-12-31`; d = addDays(d, 1)) add(d, entryOf(d));
  off.sort((a, b) => a.date.localeCompare(b.date));
  work.sort((a, b) => a.date.localeCompare(b.date));
  return { year, source, off, work };
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

/** The holiday's Chinese name when `date` is a day off (e.g. "国庆节"), else undefined. */
export function holidayName(date: string): string | undefined {
  parts(date);
  syncProvider();
  const e = entryOf(date);
  return e?.kind === 'off' ? e.name || undefined : undefined;
}
