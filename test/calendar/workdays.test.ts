import { afterEach, describe, expect, it } from 'vitest';
import {
  addWorkdays,
  coverage,
  holidayName,
  isWorkday,
  nextWorkday,
  onOrAfterWorkday,
  onOrBeforeWorkday,
  onUncoveredYear,
  previousWorkday,
  resetUncoveredWarnings,
} from '../../src/calendar/workdays.js';

describe('isWorkday', () => {
  it('treats the 2022 National Day week as days off and its 调休 weekend as working', () => {
    for (const d of ['2022-10-01', '2022-10-03', '2022-10-05', '2022-10-07']) expect(isWorkday(d), d).toBe(false);
    // Saturday 8 and Sunday 9 October 2022 were make-up working days.
    expect(isWorkday('2022-10-08')).toBe(true);
    expect(isWorkday('2022-10-09')).toBe(true);
    expect(isWorkday('2022-09-30')).toBe(true);
  });

  it('treats the 2023 Spring Festival as days off and 28/29 January as working', () => {
    for (let day = 21; day <= 27; day++) expect(isWorkday(`2023-01-${day}`), `2023-01-${day}`).toBe(false);
    expect(isWorkday('2023-01-28')).toBe(true);
    expect(isWorkday('2023-01-29')).toBe(true);
  });

  it('keeps ordinary weekends off and weekdays on', () => {
    expect(isWorkday('2022-07-30')).toBe(false); // Saturday
    expect(isWorkday('2022-07-31')).toBe(false); // Sunday
    expect(isWorkday('2022-07-29')).toBe(true); // Friday
  });

  it('gives the same answers whatever the server time zone', () => {
    const saved = process.env.TZ;
    try {
      for (const tz of ['America/Los_Angeles', 'Asia/Shanghai', 'Pacific/Kiritimati']) {
        process.env.TZ = tz;
        expect(isWorkday('2022-10-10'), tz).toBe(true);
        expect(isWorkday('2022-10-08'), tz).toBe(true);
        expect(isWorkday('2022-10-07'), tz).toBe(false);
        expect(onOrBeforeWorkday('2022-12-31'), tz).toBe('2022-12-30');
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('rejects malformed and impossible dates', () => {
    expect(() => isWorkday('2022-7-1')).toThrow(RangeError);
    expect(() => isWorkday('2022-02-30')).toThrow(RangeError);
  });
});

describe('moving between working days', () => {
  it('previousWorkday is strictly before, skipping the whole holiday week', () => {
    expect(previousWorkday('2022-10-07')).toBe('2022-09-30');
    expect(previousWorkday('2022-10-10')).toBe('2022-10-09');
    expect(previousWorkday('2022-09-30')).toBe('2022-09-29');
  });

  it('onOrBeforeWorkday keeps a working day and moves a holiday back', () => {
    expect(onOrBeforeWorkday('2022-09-30')).toBe('2022-09-30');
    expect(onOrBeforeWorkday('2022-10-04')).toBe('2022-09-30');
    // 年底前 2022 is Saturday 31 December: remind on Friday 30 December.
    expect(onOrBeforeWorkday('2022-12-31')).toBe('2022-12-30');
    // A 调休 Saturday is kept as it is a working day.
    expect(onOrBeforeWorkday('2023-01-28')).toBe('2023-01-28');
  });

  it('nextWorkday lands on the first working day after the holiday, including a 调休 Saturday', () => {
    expect(nextWorkday('2022-09-30')).toBe('2022-10-08');
    expect(nextWorkday('2023-01-20')).toBe('2023-01-28');
    expect(onOrAfterWorkday('2023-01-22')).toBe('2023-01-28');
    expect(onOrAfterWorkday('2023-01-30')).toBe('2023-01-30');
  });

  it('addWorkdays counts only working days, both directions', () => {
    expect(addWorkdays('2022-09-29', 3)).toBe('2022-10-09');
    expect(addWorkdays('2022-10-09', -3)).toBe('2022-09-29');
    expect(addWorkdays('2022-10-05', 0)).toBe('2022-10-05');
  });

  it('names the holiday a date falls in', () => {
    expect(holidayName('2022-10-03')).toBe('国庆节');
    expect(holidayName('2023-01-23')).toBe('春节');
    expect(holidayName('2022-10-08')).toBeUndefined();
    expect(holidayName('2022-07-30')).toBeUndefined(); // plain weekend
  });
});

describe('coverage', () => {
  afterEach(() => {
    resetUncoveredWarnings();
    onUncoveredYear(() => {});
  });

  it('reports a contiguous range of years that includes the seeds (2018–2023)', () => {
    const c = coverage();
    expect(c.first).toBeLessThanOrEqual(2018);
    expect(c.last).toBeGreaterThanOrEqual(2023);
    expect(c.years.length).toBe(c.last - c.first + 1);
    expect(c.fallback).toBe('statutory-estimate');
  });

  it('falls back to the statutory days off after the last covered year and warns once per year', () => {
    const year = coverage().last + 1;
    const warnedYears: number[] = [];
    onUncoveredYear((y) => warnedYears.push(y));
    // 1 January (元旦) and 1 October (国庆) are statutory days off whatever the weekday.
    expect(isWorkday(`${year}-01-01`)).toBe(false);
    expect(isWorkday(`${year}-10-01`)).toBe(false);
    isWorkday(`${year}-03-01`);
    isWorkday(`${year}-06-01`);
    expect(warnedYears).toEqual([year]);
    isWorkday(`${year + 1}-03-01`);
    expect(warnedYears).toEqual([year, year + 1]);
  });

  it('does not warn for covered years', () => {
    const warnedYears: number[] = [];
    onUncoveredYear((y) => warnedYears.push(y));
    isWorkday('2022-10-01');
    expect(warnedYears).toEqual([]);
  });
});
