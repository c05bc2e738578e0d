import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse.js';
import { PlanIndex } from '../../src/search/index.js';

/** An item with several time limits: the one the question is about is the one the answer puts first. */
const PLAN = `2024年数据共享工作要点
一、重点任务
（一）推进档案电子化。第一批试点单位2024年6月底前完成，其余单位2024年12月底前完成，并于9月底前报送阶段总结。（县档案馆牵头负责）
（二）建设共享平台，争取3月底前完成方案评审，上半年通过验收。（县数据局牵头负责）
`;

const index = PlanIndex.build({ documents: [parsePlan(PLAN, 'share.txt')] });
const first = (q: string) => index.ask(q)[0]?.deadlines[0]?.date;

describe('ranking an item’s deadlines by the question', () => {
  it('puts first the deadline whose own clause the question is about', () => {
    expect(first('档案电子化第一批试点单位什么时候完成')).toBe('2024-06-30');
    expect(first('档案电子化阶段总结什么时候报送')).toBe('2024-09-30');
    expect(first('共享平台方案评审什么时候完成')).toBe('2024-03-31');
  });

  it('puts the latest first when the question asks for the last day', () => {
    expect(first('档案电子化最晚什么时候完成')).toBe('2024-12-31');
    expect(first('共享平台最晚什么时候通过验收')).toBe('2024-06-30');
  });
});
