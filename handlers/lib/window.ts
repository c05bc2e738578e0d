import { addDays, lastDayOfMonth, weekday } from '../../src/calendar/shanghai.js';

/**
 * "本月", "下月", "7月", "30天", "本周" … -> an inclusive date range, from
 * today's Shanghai date. Pure: today is passed in.
 */

export interface Window {
  from: string;
  to: string;
  /** How the reply names the window, e.g. "本月". */
  label: string;
}

/** Longest window we list; longer asks are refused rather than dumping the whole ledger. */
export const MAX_DAYS = 366;

const CN_NUM: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

/** 1–99 in digits or simple Chinese numerals (七, 十二, 二十). */
function parseNumber(s: string): number | undefined {
  if (/^\d{1,3}$/u.test(s)) return Number(s);
  const m = /^([一二两三四五六七八九])?(十)?([一二三四五六七八九])?$/u.exec(s);
  if (!m || s === '') return undefined;
  const [, tens, ten, ones] = m;
  if (!ten) return tens && !ones ? CN_NUM[tens] : undefined;
  return (tens ? CN_NUM[tens]! : 1) * 10 + (ones ? CN_NUM[ones]! : 0);
}

function month(year: number, m: number, label: string): Window {
  const mm = String(m).padStart(2, '0');
  return { from: `${year}-${mm}-01`, to: lastDayOfMonth(year, m), label };
}

export function parseWindow(args: string, today: string): Window | undefined {
  const s = args.replace(/\s+/gu, '').replace(/(?:内|以内|之内|里)$/u, '');
  const year = Number(today.slice(0, 4));
  const mon = Number(today.slice(5, 7));
  if (s === '' || /^(?:本月|这个月|这月|当月|本月份)$/u.test(s)) return month(year, mon, '本月');
  if (/^(?:下月|下个月|下一个月)$/u.test(s)) return mon === 12 ? month(year + 1, 1, '下月') : month(year, mon + 1, '下月');
  if (/^(?:本周|这周|这个星期|这星期|本星期)$/u.test(s) || /^(?:下周|下个星期|下星期)$/u.test(s)) {
    const monday = addDays(today, -((weekday(today) + 6) % 7));
    const start = s.startsWith('下') ? addDays(monday, 7) : monday;
    return { from: start, to: addDays(start, 6), label: s.startsWith('下') ? '下周' : '本周' };
  }
  if (/^(?:今年|本年|本年度|今年内)$/u.test(s)) return { from: `${year}-01-01`, to: `${year}-12-31`, label: '今年' };

  let m = /^(\d{4})(?:年|-|\/)(\d{1,2}|[一二三四五六七八九十]{1,3})月?份?$/u.exec(s);
  if (m) {
    const n = parseNumber(m[2]!);
    if (n && n >= 1 && n <= 12) return month(Number(m[1]), n, `${m[1]}年${n}月`);
    return undefined;
  }
  m = /^(\d{4})年$/u.exec(s);
  if (m) return { from: `${m[1]}-01-01`, to: `${m[1]}-12-31`, label: `${m[1]}年` };
  m = /^(\d{1,2}|[一二三四五六七八九十]{1,3})月份?$/u.exec(s);
  if (m) {
    const n = parseNumber(m[1]!);
    if (n && n >= 1 && n <= 12) return month(year, n, `${n}月`);
    return undefined;
  }
  m = /^(?:未来|近|最近|今后)?(\d{1,3}|[一二两三四五六七八九十]{1,3})天$/u.exec(s);
  if (m) {
    const n = parseNumber(m[1]!);
    if (n && n >= 1 && n <= MAX_DAYS) return { from: today, to: addDays(today, n - 1), label: `${n}天内` };
    return undefined;
  }
  return undefined;
}
