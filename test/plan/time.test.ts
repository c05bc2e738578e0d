import { describe, expect, it } from 'vitest';
import { findDeadlines, findRecurring } from '../../src/plan/time.js';

const dates = (s: string, year = 2016) => findDeadlines(s, year).map((d) => d.date);

describe('time phrases by their grammar', () => {
  it('a bare month is that month’s end in the plan year', () => {
    expect(dates('及时修改并召开评审会，争取6月完成。')).toEqual(['2016-06-30']);
    expect(dates('争取3月初步完成整改目标。')).toEqual(['2016-03-31']);
    expect(dates('3月份成立领导小组。')).toEqual(['2016-03-31']);
    expect(dates('4月份开始每月调度。')).toEqual([]); // a start, not a limit
  });

  it('到/力争到 a year is that year’s end; a phase ends with its last month or year', () => {
    expect(dates('到2017年，全区平台基本建立；力争到2020年，实现互联互通。')).toEqual(['2017-12-31', '2020-12-31']);
    expect(dates('2016年3月—6月开展专项整治。')).toEqual(['2016-06-30']);
    expect(dates('2023—2025年分年度推进。', 2023)).toEqual(['2025-12-31']);
    expect(dates('落实《规划（2015-2020年）》要求。')).toEqual([]);
  });

  it('two dates in one sentence, deadlines in the next year', () => {
    expect(dates('分别于2017年10月31日和11月30日前报送。', 2017)).toEqual(['2017-10-31', '2017-11-30']);
    expect(dates('完成时间：2018年3月底前完成', 2017)).toEqual(['2018-03-31']);
  });

  it('rhythms written as 每月一检查、一季一评估、半年一通报', () => {
    expect(findRecurring('建立“每月一检查、一季一评估、半年一通报”的机制').map((r) => r.rule)).toEqual(['monthly', 'quarterly', 'semiannual']);
  });
});
