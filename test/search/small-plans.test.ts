import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse.js';
import { PlanIndex } from '../../src/search/index.js';

/** Plans of one to three items: BM25's statistics are thinnest here, and a question whose words are in a task must still find it. */
const ITEMS = [
  '每季度召开一次新闻发布会，介绍重点工作进展。（县委宣传部牵头负责）',
  '6月底前完成政府网站集约化改造。（县数据资源局牵头负责）',
  '年底前公开全部行政许可事项清单。（县司法局牵头负责）',
];

function plan(n: number) {
  const body = ITEMS.slice(0, n).map((t, i) => `（${'一二三'[i]}）${t}`).join('\n');
  return PlanIndex.build({ documents: [parsePlan(`2024年政务公开工作要点\n一、重点工作\n${body}\n`, `p${n}.txt`)] });
}

describe('search on very small plans', () => {
  for (const n of [1, 2, 3]) {
    it(`finds each item of a ${n}-item plan by words from its text`, () => {
      const ix = plan(n);
      const asks: Array<[string, string]> = [
        ['新闻发布会', '县委宣传部'],
        ['新闻发布会谁牵头？', '县委宣传部'],
        ['网站集约化改造', '县数据资源局'],
        ['行政许可事项清单由谁负责', '县司法局'],
      ];
      for (const [q, lead] of asks.slice(0, n === 1 ? 2 : n === 2 ? 3 : 4)) {
        const top = ix.ask(q)[0];
        expect(top?.leads, q).toEqual([lead]);
      }
    });
  }

  it('still answers nothing when no word of the question is in the plan', () => {
    expect(plan(1).ask('乡村振兴谁牵头')).toEqual([]);
    expect(plan(3).ask('养老服务体系建设')).toEqual([]);
  });
});
