import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse.js';
import { reviewPlan } from '../../src/plan/review.js';

describe('reviewPlan: what looks wrong, in Chinese, without touching the ledger', () => {
  it('names items without any unit and skipped numbers', () => {
    const doc = parsePlan(
      ['某县2024年工作要点', '一、重点工作', '1.做好甲项工作，6月底前完成。（县财政局负责）', '2.做好乙项工作。', '3.做好丙项工作。（县民政局负责）', '5.做好丁项工作。（县民政局负责）', '二、其他工作', '1.做好戊项工作。（县教育局负责）'].join('\n'),
      'x.txt',
    );
    const findings = reviewPlan(doc);
    expect(findings).toContainEqual(expect.stringMatching(/^1 条任务没有写明任何单位：一、2\./));
    expect(findings).toContainEqual(expect.stringMatching(/^编号不连续：一、3\. 之后是 一、5\./));
    expect(findings.filter((l) => l.startsWith('编号不连续'))).toHaveLength(1); // 二、1. restarts its own list
  });

  it('flags an implausibly long item and says nothing about a clean plan', () => {
    const long = '推进工作，'.repeat(700);
    const doc = parsePlan(`某县2024年工作要点\n一、甲\n1.${long}年底前完成。（县财政局负责）\n2.做好乙项工作。（县民政局负责）`, 'y.txt');
    expect(reviewPlan(doc)).toEqual([expect.stringMatching(/^1 条任务的正文超过 \d+ 字.*一、1\./)]);
    const clean = parsePlan('某县2024年工作要点\n一、甲\n1.做好甲项工作，6月底前完成。（县财政局负责）\n2.做好乙项工作。（县民政局负责）', 'z.txt');
    expect(reviewPlan(clean)).toEqual([]);
  });
});
