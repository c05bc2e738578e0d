import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { coreDay, HOLIDAY_NAMES, statutoryDays } from '../../src/calendar/statutory.js';

const table: { holidays: Record<string, string>; workdays: Record<string, string> } = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json');

describe('statutory days off', () => {
  it('under the rules since 2025, every statutory day of 2025 and 2026 was a day off in the published schedule', () => {
    for (const year of [2025, 2026]) {
      const days = statutoryDays(year);
      expect(days).toHaveLength(13);
      for (const d of days) expect(table.holidays[d.date], `${d.date} ${d.name}`).toBeDefined();
    }
  });

  it('the computed festival days (春节, 清明, 端午, 中秋) are days off in every published year since 2008', () => {
    // Since 2008 each festival's own day has been off; the package lists a festival on a
    // weekend it did not move (2012 端午, Saturday 23 June) only as a weekend.
    const off = (d: string) => table.holidays[d] !== undefined || ([0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()) && !table.workdays[d]);
    for (let year = 2008; year <= 2026; year++) {
      for (const name of HOLIDAY_NAMES) expect(off(coreDay(year, name)), `${year} ${name}`).toBe(true);
    }
  });

  it('2027: 元旦, 除夕 to 初三, 清明, 1–2 May, 端午, 中秋, 1–3 October', () => {
    expect(statutoryDays(2027).map((d) => `${d.date} ${d.name}`)).toEqual([
      '2027-01-01 元旦',
      '2027-02-05 春节',
      '2027-02-06 春节',
      '2027-02-07 春节',
      '2027-02-08 春节',
      '2027-04-05 清明节',
      '2027-05-01 劳动节',
      '2027-05-02 劳动节',
      '2027-06-09 端午节',
      '2027-09-15 中秋节',
      '2027-10-01 国庆节',
      '2027-10-02 国庆节',
      '2027-10-03 国庆节',
    ]);
  });
});
