import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse.js';
import { diffPlans, isEmptyDiff, planFigures } from '../../src/plans/diff.js';
import { changeLines } from '../../src/plans/replies.js';
import { PLAN_NAME, PLAN_V1, PLAN_V2 } from './fixtures.js';

const v1 = parsePlan(PLAN_V1, PLAN_NAME);
const v2 = parsePlan(PLAN_V2, PLAN_NAME);

describe('diffPlans', () => {
  it('reports the task added, the task removed and the deadline moved by a revision', () => {
    const d = diffPlans(v1, v2);
    expect(d.added.map((t) => t.title)).toEqual(['建设智慧农机调度平台']);
    expect(d.removed.map((t) => t.title)).toEqual(['推进IPv6规模部署']);
    expect(d.moved.map((m) => [m.task.title, m.from.map((x) => x.date), m.to.map((x) => x.date)])).toEqual([['推进政务云扩容', ['2025-06-30'], ['2025-07-31']]]);
    expect(changeLines(d)).toEqual([
      '新增：二、（三） 建设智慧农机调度平台',
      '删除：一、（二） 推进IPv6规模部署',
      '时限调整：一、（一） 推进政务云扩容：6月底前（2025-06-30） → 7月底前（2025-07-31）',
    ]);
  });

  it('the same plan again changes nothing, and a first import has nothing to compare', () => {
    expect(isEmptyDiff(diffPlans(v1, parsePlan(PLAN_V1, PLAN_NAME)))).toBe(true);
    expect(diffPlans(undefined, v1)).toEqual({ added: [], removed: [], moved: [] });
  });

  it('renumbered items are the same tasks, not removals and additions', () => {
    // A new 二（一） pushes the two items after it down one number each.
    const text = PLAN_V1.replace('（一）推广“一网通办”', '（一）建设乡村数字广播。（县融媒体中心牵头）\n（二）推广“一网通办”').replace('（二）加强政务数据统计', '（三）加强政务数据统计');
    const d = diffPlans(v1, parsePlan(text, PLAN_NAME));
    expect(d.added.map((t) => [t.path.join(''), t.title])).toEqual([['二、（一）', '建设乡村数字广播']]);
    expect(d.removed).toEqual([]);
    expect(d.moved).toEqual([]);
  });

  it('counts tasks with explicit leads and dated deadlines', () => {
    expect(planFigures(v1)).toEqual({ tasks: 4, withLeads: 3, withDeadlines: 3, recurring: 1 });
  });
});
