import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { firesOn, nextFire, parseWeeklySchedule } from '../../jobs/weekly-schedule.js';

const { callCron, summaryCron } = loadConfig({}).weekly;
const call = parseWeeklySchedule(callCron);
const summary = parseWeeklySchedule(summaryCron);

describe('weekly schedule', () => {
  it('defaults: 催报 Thursday 10:00, summary Friday 16:00, Shanghai time', () => {
    expect(firesOn(call, '2025-07-03')).toEqual([{ nominal: '2025-07-03', date: '2025-07-03', at: new Date('2025-07-03T10:00:00+08:00') }]);
    expect(firesOn(summary, '2025-07-04')).toEqual([{ nominal: '2025-07-04', date: '2025-07-04', at: new Date('2025-07-04T16:00:00+08:00') }]);
    for (const d of ['2025-06-30', '2025-07-01', '2025-07-02', '2025-07-04', '2025-07-05', '2025-07-06']) expect(firesOn(call, d)).toEqual([]);
  });

  it('a holiday moves the tick to the previous working day (National Day 2025: Thu 2 and Fri 3 Oct → Tue 30 Sep)', () => {
    expect(firesOn(call, '2025-10-02')).toEqual([]);
    expect(firesOn(summary, '2025-10-03')).toEqual([]);
    expect(firesOn(call, '2025-09-30').map((f) => f.nominal)).toEqual(['2025-10-02']);
    expect(firesOn(summary, '2025-09-30')).toEqual([{ nominal: '2025-10-03', date: '2025-09-30', at: new Date('2025-09-30T16:00:00+08:00') }]);
    // Spring Festival 2025 (28 Jan – 4 Feb): Thursday 30 Jan's 催报 goes out on Monday 27 Jan.
    expect(firesOn(call, '2025-01-27').map((f) => f.nominal)).toEqual(['2025-01-30']);
  });

  it('a weekend 调休 working day keeps its own tick; other Saturdays move to Friday', () => {
    const saturday = parseWeeklySchedule('30 9 * * 6');
    // 8 Feb 2025 is a Saturday worked in exchange for the Spring Festival.
    expect(firesOn(saturday, '2025-02-08').map((f) => f.nominal)).toEqual(['2025-02-08']);
    expect(firesOn(saturday, '2025-02-07')).toEqual([]);
    expect(firesOn(saturday, '2025-02-14').map((f) => f.nominal)).toEqual(['2025-02-15']);
    expect(firesOn(saturday, '2025-02-14')[0]!.at).toEqual(new Date('2025-02-14T09:30:00+08:00'));
  });

  it('the cron runs daily at the configured time; the day is decided on each tick', () => {
    expect(summary.daily).toBe('0 0 16 * * *');
    expect(parseWeeklySchedule('0 10 * * 4').times).toEqual(['10:00:00']);
  });

  it('next fire, for the 催报 card to say by when', () => {
    expect(nextFire(summary, '2025-07-03')).toMatchObject({ date: '2025-07-04' });
    expect(nextFire(summary, '2025-09-29')).toMatchObject({ date: '2025-09-30', nominal: '2025-10-03' });
  });

  it('expressions node-cron cannot read are refused in Chinese', () => {
    expect(() => parseWeeklySchedule('every friday')).toThrow(/无法解析定时表达式/u);
  });
});
