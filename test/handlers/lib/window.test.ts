import { describe, expect, it } from 'vitest';
import { parseWindow } from '../../../handlers/lib/window.js';

// A Wednesday in July.
const today = '2024-07-10';

describe('parseWindow', () => {
  it('defaults to this month', () => {
    expect(parseWindow('', today)).toEqual({ from: '2024-07-01', to: '2024-07-31', label: '本月' });
    expect(parseWindow('这个月', today)).toMatchObject({ from: '2024-07-01', to: '2024-07-31' });
  });

  it('next month, across a year end', () => {
    expect(parseWindow('下月', today)).toMatchObject({ from: '2024-08-01', to: '2024-08-31', label: '下月' });
    expect(parseWindow('下个月', '2024-12-05')).toMatchObject({ from: '2025-01-01', to: '2025-01-31' });
  });

  it('a named month of this year, in digits or Chinese numerals, and an explicit year', () => {
    expect(parseWindow('2月', today)).toMatchObject({ from: '2024-02-01', to: '2024-02-29', label: '2月' });
    expect(parseWindow('十二月', today)).toMatchObject({ from: '2024-12-01', to: '2024-12-31' });
    expect(parseWindow('2022年7月', today)).toMatchObject({ from: '2022-07-01', to: '2022-07-31', label: '2022年7月' });
    expect(parseWindow('2022-11', today)).toMatchObject({ from: '2022-11-01', to: '2022-11-30' });
  });

  it('N days from today, inclusive of today', () => {
    expect(parseWindow('30天', today)).toMatchObject({ from: '2024-07-10', to: '2024-08-08', label: '30天内' });
    expect(parseWindow('未来7天内', today)).toMatchObject({ from: '2024-07-10', to: '2024-07-16' });
  });

  it('this and next week run Monday to Sunday', () => {
    expect(parseWindow('本周', today)).toMatchObject({ from: '2024-07-08', to: '2024-07-14' });
    expect(parseWindow('下周', today)).toMatchObject({ from: '2024-07-15', to: '2024-07-21' });
    // Sunday belongs to the week that started the Monday before.
    expect(parseWindow('本周', '2024-07-14')).toMatchObject({ from: '2024-07-08', to: '2024-07-14' });
  });

  it('this year and a named year', () => {
    expect(parseWindow('今年', today)).toMatchObject({ from: '2024-01-01', to: '2024-12-31' });
    expect(parseWindow('2023年', today)).toMatchObject({ from: '2023-01-01', to: '2023-12-31' });
  });

  it('refuses what it cannot read or what is too long', () => {
    expect(parseWindow('明年春天', today)).toBeUndefined();
    expect(parseWindow('13月', today)).toBeUndefined();
    expect(parseWindow('999天', today)).toBeUndefined();
    expect(parseWindow('0天', today)).toBeUndefined();
  });
});
