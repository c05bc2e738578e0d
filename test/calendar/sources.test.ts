import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseNotice, staticNotices, type HolidayNotice } from '../../src/calendar/notice.js';
import { holidayName, holidaySource, isWorkday, setNoticeProvider, yearHolidays } from '../../src/calendar/workdays.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/holidays/${name}`, import.meta.url), 'utf8');
function notice(text: string): HolidayNotice {
  const r = parseNotice(text);
  if (!r.ok || r.notice.kind !== 'notice') throw new Error(r.ok ? 'amendment' : r.reason);
  return r.notice;
}

afterEach(() => setNoticeProvider(undefined));

describe('which source decides a year', () => {
  it('2027 without a notice: the statutory estimate — festivals off, no 调休', () => {
    expect(holidaySource(2027)).toBe('estimate');
    expect(isWorkday('2027-02-05')).toBe(false); // 除夕, a Friday
    expect(holidayName('2027-02-05')).toBe('春节');
    expect(isWorkday('2027-10-04')).toBe(true); // Monday after 国庆's three days
    expect(isWorkday('2027-02-20')).toBe(false); // a plain Saturday
    const h = yearHolidays(2027);
    expect(h.source).toBe('estimate');
    expect(h.work).toEqual([]);
    expect(h.off).toHaveLength(13);
  });

  it('2027 with a notice: its ranges and make-up Saturdays; removing it brings the estimate back', () => {
    setNoticeProvider(staticNotices([notice(fixture('2027-made-up-notice.txt'))]));
    expect(holidaySource(2027)).toBe('notice');
    expect(isWorkday('2027-10-04')).toBe(false);
    expect(holidayName('2027-10-04')).toBe('国庆节');
    expect(isWorkday('2027-02-20')).toBe(true); // make-up Saturday
    expect(yearHolidays(2027).work.map((e) => e.date)).toEqual(['2027-02-20', '2027-04-25', '2027-05-08', '2027-09-26', '2027-10-09']);
    setNoticeProvider(undefined);
    expect(isWorkday('2027-10-04')).toBe(true);
    expect(isWorkday('2027-02-20')).toBe(false);
  });

  it('the official table wins over an imported notice for the same year', () => {
    // A (wrong) notice for 2026 built from the real one with 国庆 cut to three days.
    const wrong = fixture('2026-repost.txt').replace('10月1日（周四）至7日（周三）放假调休，共7天', '10月1日（周四）至3日（周六）放假，共3天');
    setNoticeProvider(staticNotices([notice(wrong)]));
    expect(holidaySource(2026)).toBe('official');
    expect(isWorkday('2026-10-05')).toBe(false);
  });

  it('a notice reaching into the December before (元旦 from 31 December) moves that day too', () => {
    const text = fixture('2027-made-up-notice.txt').replace(/一、元旦：[^\n]*/u, '一、元旦：2026年12月31日（周四）至2027年1月1日（周五）放假调休，共2天。1月9日（周六）上班。');
    expect(isWorkday('2026-12-31')).toBe(true);
    setNoticeProvider(staticNotices([notice(text)]));
    expect(isWorkday('2026-12-31')).toBe(false);
    expect(holidayName('2026-12-31')).toBe('元旦');
    expect(yearHolidays(2027).off[0]).toEqual({ date: '2026-12-31', name: '元旦' });
  });
});
