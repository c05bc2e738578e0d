import lunar from 'lunar-javascript';
import { addDays } from './shanghai.js';

/**
 * The statutory days off of any year under the rules in force since 2025
 * (全国年节及纪念日放假办法, 2024 revision): 元旦 1 day, 春节 4 days (除夕 to
 * 初三), 清明 1 day (the 清明 solar term), 劳动节 2 days (1–2 May), 端午,
 * 中秋 1 day each, 国庆 3 days (1–3 October). What the State Council's notice
 * will add (调休 bridges, make-up Saturdays) cannot be known in advance, so a
 * year planned on these days alone is an estimate and is labelled so.
 *
 * Lunar dates and the solar term come from lunar-javascript, which computes
 * from integers (no Date getters), so the answer does not depend on the
 * server's TZ; chinese-days' lunar functions read local-time getters.
 */

/** How a date planned on the estimate is labelled wherever it shows (reminder cards, /提醒, /假期). */
export const ESTIMATE_NOTE = '按法定节假日估算，待国务院通知';

export const HOLIDAY_NAMES = ['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节'] as const;
export type HolidayName = (typeof HOLIDAY_NAMES)[number];

export interface StatutoryDay {
  date: string;
  name: HolidayName;
}

/** Years lunar-javascript's tables serve with certainty; far beyond any plan. */
export const FIRST_YEAR = 1901;
export const LAST_YEAR = 2099;

const cache = new Map<number, StatutoryDay[]>();

function lunarToSolar(year: number, month: number, day: number): string {
  return lunar.Lunar.fromYmd(year, month, day).getSolar().toYmd();
}

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < FIRST_YEAR || year > LAST_YEAR) {
    throw new RangeError(`year out of range ${FIRST_YEAR}-${LAST_YEAR}: ${year}`);
  }
}

/** The festival's own day (元旦 1 Jan, 春节 初一, …): every notice must give it off. */
export function coreDay(year: number, name: HolidayName): string {
  checkYear(year);
  const y = String(year);
  switch (name) {
    case '元旦':
      return `${y}-01-01`;
    case '春节':
      return lunarToSolar(year, 1, 1);
    case '清明节': {
      // The 清明 of `year` is in the lunar year that starts in it (or the one before, for early terms).
      const table = lunar.Lunar.fromYmd(year, 3, 1).getJieQiTable();
      const d = table['清明']?.toYmd();
      if (!d?.startsWith(y)) throw new Error(`no 清明 found for ${year}`);
      return d;
    }
    case '劳动节':
      return `${y}-05-01`;
    case '端午节':
      return lunarToSolar(year, 5, 5);
    case '中秋节':
      return lunarToSolar(year, 8, 15);
    case '国庆节':
      return `${y}-10-01`;
  }
}

/** Every statutory day off of `year`, ascending. */
export function statutoryDays(year: number): StatutoryDay[] {
  let days = cache.get(year);
  if (days) return days;
  checkYear(year);
  const y = String(year);
  const spring = coreDay(year, '春节');
  days = [
    { date: `${y}-01-01`, name: '元旦' as const },
    ...[-1, 0, 1, 2].map((n) => ({ date: addDays(spring, n), name: '春节' as const })),
    { date: coreDay(year, '清明节'), name: '清明节' as const },
    { date: `${y}-05-01`, name: '劳动节' as const },
    { date: `${y}-05-02`, name: '劳动节' as const },
    { date: coreDay(year, '端午节'), name: '端午节' as const },
    { date: coreDay(year, '中秋节'), name: '中秋节' as const },
    ...['01', '02', '03'].map((d) => ({ date: `${y}-10-${d}`, name: '国庆节' as const })),
  ].sort((a, b) => a.date.localeCompare(b.date));
  cache.set(year, days);
  return days;
}
