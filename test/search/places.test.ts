import { describe, expect, it } from 'vitest';
import { placesIn } from '../../src/search/places.js';

describe('placesIn', () => {
  it('reads place names from titles and issuing offices', () => {
    expect(placesIn('2022年庆元县政务公开工作要点')).toContain('庆元');
    expect(placesIn('绵阳市游仙区人民政府办公室')).toEqual(expect.arrayContaining(['绵阳', '游仙']));
    expect(placesIn('关于印发朝阳市2022年政务公开工作要点的通知')).toContain('朝阳');
    expect(placesIn('广元市 2022 年政务公开 重点工作安排')).toContain('广元');
  });

  it('reads autonomous areas without the nationality names', () => {
    expect(placesIn('黔东南苗族侗族自治州人民政府办公室')).toContain('黔东南');
    expect(placesIn('恩施土家族苗族自治州')).toContain('恩施');
    expect(placesIn('黔东南苗族侗族自治州人民政府办公室')).not.toContain('自治');
  });

  it('does not take years or "关于印发" for part of a place', () => {
    const found = placesIn('关于印发2023年全市政务公开工作要点的通知');
    expect(found).toEqual([]);
  });
});
