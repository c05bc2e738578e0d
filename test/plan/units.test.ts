import { describe, expect, it } from 'vitest';
import { isGenericUnit, splitUnits } from '../../src/plan/units.js';
import { findDeadlines, findRecurring, findRelative } from '../../src/plan/time.js';

describe('splitUnits', () => {
  it('splits on 、 ， and on 和/及 only between whole unit names', () => {
    expect(splitUnits('县发展和改革局、县住房和城乡建设局')).toEqual(['县发展和改革局', '县住房和城乡建设局']);
    expect(splitUnits('市财政局和市税务局')).toEqual(['市财政局', '市税务局']);
    expect(splitUnits('区政府各部门，各乡镇政府、街道办事处')).toEqual(['区政府各部门', '各乡镇政府', '街道办事处']);
    expect(splitUnits('各县（市、区）人民政府、市民政局')).toEqual(['各县（市、区）人民政府', '市民政局']);
  });
  it('marks classes of units as generic', () => {
    expect(isGenericUnit('各有关单位')).toBe(true);
    expect(isGenericUnit('区政府各部门')).toBe(true);
    expect(isGenericUnit('县财政局')).toBe(false);
  });
  it('townships and sub-districts named by kind, not by name, are classes (every one of them)', () => {
    for (const n of ['街道', '镇街', '各镇街', '乡镇', '乡（镇）', '镇（街道）', '乡镇（街道）', '乡镇(街道)', '街道办事处', '街道办', '乡镇人民政府', '乡镇（街道）人民政府（办事处）']) {
      expect(isGenericUnit(n), n).toBe(true);
    }
  });
  it('a named town or sub-district, or one level with its suffix (a town’s own government), stays one unit', () => {
    for (const n of ['东城街道', '城关镇', '城关镇人民政府', '东城街道办事处', '镇政府', '乡政府', '街道社区', '村（社区）']) {
      expect(isGenericUnit(n), n).toBe(false);
    }
  });
});

describe('time limits', () => {
  it('resolves the common forms against the plan year', () => {
    const d = (s: string) => findDeadlines(s, 2023).map((x) => x.date);
    expect(d('7月底前完成')).toEqual(['2023-07-31']);
    expect(d('于2022年6月底前报送')).toEqual(['2022-06-30']);
    expect(d('2018 年 12 月底前')).toEqual(['2018-12-31']);
    expect(d('2月底前')).toEqual(['2023-02-28']);
    expect(d('3月31日前公开')).toEqual(['2023-03-31']);
    expect(d('上半年完成')).toEqual(['2023-06-30']);
    expect(d('第三季度末前完成')).toEqual(['2023-09-30']);
    expect(d('年底前完成')).toEqual(['2023-12-31']);
    expect(d('十一月底前完成')).toEqual(['2023-11-30']);
    expect(d('截至2022年底已建成')).toEqual([]);
  });
  it('keeps recurring duties and event-relative limits apart from dates', () => {
    expect(findRecurring('每季度通报一次').map((r) => r.rule)).toEqual(['quarterly']);
    expect(findRecurring('季度报送统计数据').map((r) => r.rule)).toEqual(['quarterly']);
    expect(findRecurring('每周调度').map((r) => r.rule)).toEqual(['weekly']);
    expect(findRecurring('编制年度报告').map((r) => r.rule)).toEqual([]);
    expect(findRelative('在行政首长签发后3个工作日内公开').map((r) => r.text)).toEqual(['在行政首长签发后3个工作日内']);
    expect(findRelative('意见征集结束后1个月内发布')[0]?.text).toMatch(/1个月内/);
    expect(findDeadlines('每月10日前报送', 2023)).toEqual([]);
  });
});

describe('implied leads', async () => {
  const { findImpliedLeads } = await import('../../src/plan/leads.js');
  it('takes the units a sentence makes responsible, not actions or places named in it', () => {
    expect(findImpliedLeads('苍溪县、昭化区要对照方案要求推进试点。')).toEqual(['苍溪县', '昭化区']);
    expect(findImpliedLeads('司法行政机关7月底前完成规范性文件清理。')).toEqual(['司法行政机关']);
    expect(findImpliedLeads('各级教育、卫生健康、交通运输部门负责指导本领域工作。')).toEqual(['各级教育、卫生健康、交通运输部门']);
    expect(findImpliedLeads('改造城镇老旧小区30个，同步实施雨污分流。')).toEqual([]);
    expect(findImpliedLeads('加强政策解读，及时回应关切。')).toEqual([]);
  });
});

describe('more time-limit and annotation forms', async () => {
  const { findAnnotations } = await import('../../src/plan/leads.js');
  it('reads 年内 as this year, but not 3年内', () => {
    expect(findDeadlines('年内实现高频事项全覆盖', 2025).map((d) => d.date)).toEqual(['2025-12-31']);
    expect(findDeadlines('力争3年内完成', 2025)).toEqual([]);
  });
  it('splits "A牵头，B按职责分工负责" into lead and co-responsible units', () => {
    expect(findAnnotations('推进政策解读。（市政府办公室牵头，各有关部门按职责分工负责）')[0]).toMatchObject({
      leads: ['市政府办公室'],
      co: ['各有关部门'],
    });
  });
});

describe('abbreviated units in a list', () => {
  it('give later units the place the writer stated once, and bare 处 their parent office', async () => {
    const { expandAbbreviations } = await import('../../src/plan/units.js');
    expect(expandAbbreviations(['区市场监督管理局', '经济发展局', '人民银行平潭支行', '各乡镇'])).toEqual(['区市场监督管理局', '区经济发展局', '人民银行平潭支行', '各乡镇']);
    expect(expandAbbreviations(['区经发局经信处', '发改处', '商务处'])).toEqual(['区经发局经信处', '区经发局发改处', '区经发局商务处']);
    // A list that repeats its place leaves it off on purpose.
    expect(expandAbbreviations(['县交通运输局', '县住建局', '供电局'])).toEqual(['县交通运输局', '县住建局', '供电局']);
  });
});
