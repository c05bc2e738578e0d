import * as OpenCC from 'opencc-js';
import { addDays, daysBetween } from './shanghai.js';
import type { NoticeProvider, NoticeYear } from './workdays.js';
import { coreDay, FIRST_YEAR, HOLIDAY_NAMES, LAST_YEAR, type HolidayName } from './statutory.js';

/**
 * The State Council's notice (国务院办公厅关于20XX年部分节假日安排的通知),
 * read like a plan: every day off inside the announced ranges (weekends
 * inside a range included) and every make-up working day (上班). Pure.
 *
 * It reads the forms the notices have used: "1月1日（周四）至3日（周六）放假调休，
 * 共3天。1月4日（周日）上班。", "1月1日放假，1月2日（星期一）补休。", "5月1日放假，
 * 与周末连休。" (the weekend stays a weekend: nothing added), "中秋节、国庆节：10月1日
 * 至8日放假调休", cross-month and cross-year ranges ("2022年12月31日至2023年1月2日"),
 * full- or half-width punctuation, traditional characters, and page furniture
 * (titles, sources, navigation) around the numbered sections.
 *
 * Also the rare supplementary notice that extends a holiday (国务院办公厅关于延长
 * 2020年春节假期的通知): an `amendment`, applied on top of that year's notice.
 *
 * A text that is not a notice, or whose days off leave out a statutory
 * holiday's own day, is refused with the reason.
 */

export interface NoticeSection {
  /** The holidays the section is about, e.g. ["中秋节", "国庆节"]. */
  names: HolidayName[];
  off: string[];
  work: string[];
}

export interface HolidayNotice {
  kind: 'notice';
  year: number;
  sections: NoticeSection[];
  /** Every day off, ascending. */
  off: string[];
  /** Every make-up working day, ascending. */
  work: string[];
}

export interface HolidayAmendment {
  kind: 'amendment';
  year: number;
  holiday: HolidayName;
  /** The holiday now ends on this day (inclusive). */
  until: string;
}

export type NoticeRefusal =
  | 'empty'
  | 'too-long'
  | 'not-a-notice'
  | 'no-year'
  | 'year-out-of-range'
  | 'missing-holiday'
  | 'core-day-missing'
  | 'bad-date'
  | 'conflict';

export type NoticeParse =
  | { ok: true; notice: HolidayNotice | HolidayAmendment }
  | { ok: false; code: NoticeRefusal; reason: string };

/** A notice is under 2,000 characters; a reposted page a few times that. */
export const MAX_NOTICE_CHARS = 50_000;
/** The longest range any notice announced is 10 days (2020 春节 with its extension). */
const MAX_RANGE_DAYS = 16;

let toSimplified: ((s: string) => string) | undefined;

/** Full-width → half-width (NFKC), traditional → simplified, blanks dropped. */
export function normalizeNotice(text: string): string {
  const convert = (toSimplified ??= OpenCC.Converter({ from: 't', to: 'cn' }));
  return convert(text.normalize('NFKC'))
    .replace(/[ \t\u00a0\u3000\u200b\ufeff]+/gu, '')
    .replace(/\r\n?/gu, '\n')
    .replace(/[—–―－~～]+/gu, '至');
}

const NAME_RE = '元旦|春节|清明节?|劳动节|端午节?|中秋节?|国庆节?';
const SECTION_RE = new RegExp(`(?:^|[\\n。;])\\s*[一二三四五六七八九十]{1,3}[、.,]((?:(?:${NAME_RE})[、和及与]?){1,3})[:：]`, 'gu');
const DATE_RE = /(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日/gu;

function canonicalName(raw: string): HolidayName {
  const found = HOLIDAY_NAMES.find((n) => n.startsWith(raw) || raw.startsWith(n.replace('节', '')));
  if (!found) throw new Error(`unknown holiday ${raw}`);
  return found;
}

function iso(y: number, m: number, d: number): string | undefined {
  if (m < 1 || m > 12 || d < 1 || d > 31) return undefined;
  const s = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return addDays(s, 0) === s ? s : undefined;
}

function refuse(code: NoticeRefusal, reason: string): NoticeParse {
  return { ok: false, code, reason };
}

class DateError extends Error {}

/** The year the notice is for: its title, or "现将2027年元旦、春节…". */
function noticeYear(t: string): number | undefined {
  const m =
    /关于(\d{4})年部分节假日安排/u.exec(t) ??
    /现将(\d{4})年(?:元旦|春节)/u.exec(t) ??
    /(\d{4})年(?:元旦|春节)、/u.exec(t) ??
    /(\d{4})年部分节假日/u.exec(t);
  return m ? Number(m[1]) : undefined;
}

interface Cursor {
  year: number;
  month?: number;
  /** 元旦 sections: a December date without a year is the December before. */
  newYear: boolean;
}

/** Dates of one clause, ranges expanded. */
function clauseDates(clause: string, cur: Cursor): string[] {
  // Weekday and lunar remarks in brackets carry no dates of their own.
  const text = clause.replace(/\([^()]{0,30}\)|（[^（）]{0,30}）/gu, '');
  const out: string[] = [];
  let prev: { date: string; end: number } | undefined;
  for (const m of text.matchAll(DATE_RE)) {
    const explicitYear = m[1] ? Number(m[1]) : undefined;
    if (m[2]) cur.month = Number(m[2]);
    if (cur.month === undefined) throw new DateError(`“${m[0]}”没有月份`);
    const year = explicitYear ?? (cur.newYear && cur.month === 12 ? cur.year - 1 : cur.year);
    const date = iso(year, cur.month, Number(m[3]));
    if (!date) throw new DateError(`“${m[0]}”不是有效日期`);
    const between = prev ? text.slice(prev.end, m.index) : '';
    if (prev && /^(?:至|到|-)$/u.test(between)) {
      const span = daysBetween(prev.date, date);
      if (span < 0 || span > MAX_RANGE_DAYS) throw new DateError(`“${text.slice(0, m.index + m[0].length)}”的起止日期不合理`);
      for (let i = 1; i <= span; i++) out.push(addDays(prev.date, i));
    } else {
      out.push(date);
    }
    prev = { date, end: m.index + m[0].length };
  }
  return out;
}

/** One numbered section's body: sentences with dates, up to the first without. */
function readSection(body: string, names: HolidayName[], year: number): NoticeSection {
  const off = new Set<string>();
  const work = new Set<string>();
  const cur: Cursor = { year, newYear: names.includes('元旦') };
  const sentences = body.split(/[。;\n]|\.(?!\d)/u).filter((s) => s.trim());
  for (const sentence of sentences) {
    if (!/\d日/u.test(sentence)) break;
    let pending: string[] = [];
    for (const clause of sentence.split(/[,，]/u)) {
      const dates = clauseDates(clause, cur);
      if (/上班|工作日/u.test(clause)) {
        for (const d of [...pending, ...dates]) work.add(d);
        pending = [];
      } else if (/放假|补休|调休|休息|公休|假期/u.test(clause)) {
        for (const d of [...pending, ...dates]) off.add(d);
        pending = [];
      } else {
        pending.push(...dates);
      }
    }
    // Dates no verb claimed ("1月1日，共1天") are days off: that is what a section announces.
    for (const d of pending) off.add(d);
  }
  return { names, off: [...off].sort(), work: [...work].sort() };
}

function parseAmendment(t: string): NoticeParse | undefined {
  const m = new RegExp(`延长(\\d{4})年(${NAME_RE})假期至(?:(\\d{4})年)?(\\d{1,2})月(\\d{1,2})日`, 'u').exec(t);
  if (!m) return undefined;
  const year = Number(m[1]);
  if (year < FIRST_YEAR || year > LAST_YEAR) return refuse('year-out-of-range', `年份 ${year} 超出可处理的范围`);
  const until = iso(m[3] ? Number(m[3]) : year, Number(m[4]), Number(m[5]));
  if (!until) return refuse('bad-date', `延长至的日期“${m[4]}月${m[5]}日”不是有效日期`);
  return { ok: true, notice: { kind: 'amendment', year, holiday: canonicalName(m[2]!), until } };
}

export function parseNotice(text: string): NoticeParse {
  if (!text.trim()) return refuse('empty', '内容为空');
  if (text.length > MAX_NOTICE_CHARS) return refuse('too-long', `内容超过 ${MAX_NOTICE_CHARS} 字，不像一份节假日安排通知`);
  const t = normalizeNotice(text);

  const amendment = parseAmendment(t);
  if (amendment) return amendment;

  const heads = [...t.matchAll(SECTION_RE)];
  if (heads.length === 0 || !/放假/u.test(t)) {
    return refuse('not-a-notice', '没有找到“一、元旦：……放假”这样的分项安排，不像国务院办公厅的节假日安排通知');
  }
  const year = noticeYear(t);
  if (year === undefined) return refuse('no-year', '没有找到通知所属的年份（如“关于2027年部分节假日安排的通知”）');
  if (year < FIRST_YEAR || year > LAST_YEAR) return refuse('year-out-of-range', `年份 ${year} 超出可处理的范围`);

  const sections: NoticeSection[] = [];
  try {
    heads.forEach((h, i) => {
      const start = h.index + h[0].length;
      const end = heads[i + 1]?.index ?? t.length;
      const names = [...new Set(h[1]!.split(/[、和及与]/u).filter(Boolean).map(canonicalName))];
      sections.push(readSection(t.slice(start, end), names, year));
    });
  } catch (e) {
    if (e instanceof DateError) return refuse('bad-date', e.message);
    throw e;
  }

  const off = [...new Set(sections.flatMap((s) => s.off))].sort();
  const work = [...new Set(sections.flatMap((s) => s.work))].sort();
  const named = new Set(sections.flatMap((s) => s.names));
  const missing = HOLIDAY_NAMES.filter((n) => !named.has(n));
  if (missing.length) return refuse('missing-holiday', `通知缺少${missing.join('、')}的安排；法定节假日应全部列出`);
  const offSet = new Set(off);
  for (const name of HOLIDAY_NAMES) {
    const core = coreDay(year, name);
    if (!offSet.has(core)) return refuse('core-day-missing', `${name}当天（${core}）不在放假日期中，请核对通知内容或年份`);
  }
  const empty = sections.find((s) => s.off.length === 0);
  if (empty) return refuse('bad-date', `${empty.names.join('、')}没有读出放假日期`);
  const both = work.find((d) => offSet.has(d));
  if (both) return refuse('conflict', `${both} 既是放假日又是上班日`);
  const stray = [...off, ...work].find((d) => d < `${year - 1}-12-01` || d > `${year}-12-31`);
  if (stray) return refuse('bad-date', `${stray} 不在 ${year} 年的安排范围内`);
  return { ok: true, notice: { kind: 'notice', year, sections, off, work } };
}

/** The notice with an extension applied: days off run on to `until`; make-up days inside go. */
export function applyAmendment(notice: HolidayNotice, a: HolidayAmendment): HolidayNotice {
  const sections = notice.sections.map((s) => {
    if (!s.names.includes(a.holiday) || s.off.length === 0) return s;
    const last = s.off[s.off.length - 1]!;
    const added: string[] = [];
    for (let d = addDays(last, 1); d <= a.until && added.length < MAX_RANGE_DAYS; d = addDays(d, 1)) added.push(d);
    return { ...s, off: [...s.off, ...added], work: s.work.filter((d) => !added.includes(d)) };
  });
  return {
    ...notice,
    sections,
    off: [...new Set(sections.flatMap((s) => s.off))].sort(),
    work: [...new Set(sections.flatMap((s) => s.work))].sort(),
  };
}

/** The notice as the calendar reads it: date -> holiday name, for days off and make-up days. */
export function toNoticeYear(n: HolidayNotice): NoticeYear {
  const off: Record<string, string> = {};
  const work: Record<string, string> = {};
  for (const s of n.sections) {
    for (const d of s.off) off[d] ??= s.names.join('、');
    for (const d of s.work) work[d] ??= s.names.join('、');
  }
  return { year: n.year, off, work };
}

/** A fixed set of notices as a provider (the CLI, HOLIDAY_NOTICE_FILES); a later notice for a year wins. */
export function staticNotices(notices: readonly HolidayNotice[]): NoticeProvider {
  const byYear = new Map<number, NoticeYear>();
  for (const n of notices) byYear.set(n.year, toNoticeYear(n));
  return { notice: (year) => byYear.get(year), version: () => 0 };
}
