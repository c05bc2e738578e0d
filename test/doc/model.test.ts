import { describe, expect, it } from 'vitest';
import { expandGrid } from '../../src/doc/model.js';
import { extractPlan, parsePlan } from '../../src/plan/parse.js';

describe('expandGrid', () => {
  it('carries a row-spanning cell into every row it covers and a column span across its columns', () => {
    const grid = expandGrid({
      rows: [
        [{ text: '序号', rowSpan: 1, colSpan: 1 }, { text: '任务', rowSpan: 1, colSpan: 1 }, { text: '牵头单位', rowSpan: 1, colSpan: 1 }],
        [{ text: '1', rowSpan: 1, colSpan: 1 }, { text: '优化营商环境', rowSpan: 2, colSpan: 1 }, { text: '县发改局', rowSpan: 1, colSpan: 1 }],
        [{ text: '2', rowSpan: 1, colSpan: 1 }, { text: '县财政局', rowSpan: 1, colSpan: 1 }],
        [{ text: '二、其他', rowSpan: 1, colSpan: 3 }],
      ],
    });
    expect(grid).toEqual([
      ['序号', '任务', '牵头单位'],
      ['1', '优化营商环境', '县发改局'],
      ['2', '优化营商环境', '县财政局'],
      ['二、其他', '二、其他', '二、其他'],
    ]);
  });
});

describe('extractPlan on the model', () => {
  it('reads a table block with merged cells the same as the pasted table', () => {
    const pasted = parsePlan('关于印发2024年重点工作任务分工的通知\n序号\t工作任务\t牵头单位\t完成时限\n1\t推进政务公开\t县政府办\t6月底前\n2\t推进政务公开\t县数据局\t9月底前\n', 'a.txt');
    const model = extractPlan(
      {
        format: 'docx',
        notes: [],
        blocks: [
          { kind: 'paragraph', text: '关于印发2024年重点工作任务分工的通知' },
          {
            kind: 'table',
            rows: [
              ['序号', '工作任务', '牵头单位', '完成时限'].map((text) => ({ text, rowSpan: 1, colSpan: 1 })),
              [{ text: '1', rowSpan: 1, colSpan: 1 }, { text: '推进政务公开', rowSpan: 2, colSpan: 1 }, { text: '县政府办', rowSpan: 1, colSpan: 1 }, { text: '6月底前', rowSpan: 1, colSpan: 1 }],
              [{ text: '2', rowSpan: 1, colSpan: 1 }, { text: '县数据局', rowSpan: 1, colSpan: 1 }, { text: '9月底前', rowSpan: 1, colSpan: 1 }],
            ],
          },
        ],
      },
      'a.docx',
    );
    const view = (d: typeof pasted) => d.tasks.map((t) => [t.title, t.leads, t.deadlines.map((x) => x.date)]);
    expect(view(model)).toEqual(view(pasted));
    expect(view(model)).toEqual([
      ['推进政务公开', ['县政府办'], ['2024-06-30']],
      ['推进政务公开', ['县数据局'], ['2024-09-30']],
    ]);
  });

  it('puts a generated numbering label back in front of its paragraph', () => {
    const doc = extractPlan(
      {
        format: 'docx',
        notes: [],
        blocks: [
          { kind: 'paragraph', text: '2024年工作要点' },
          { kind: 'paragraph', text: '深化政务公开', label: '一、' },
          { kind: 'paragraph', text: '完善发布机制。（县政府办牵头负责）', label: '（一）' },
          { kind: 'paragraph', text: '加强政策解读。（县司法局牵头负责）', label: '（二）' },
        ],
      },
      'b.docx',
    );
    expect(doc.tasks.map((t) => [t.path, t.leads])).toEqual([
      [['一、', '（一）'], ['县政府办']],
      [['一、', '（二）'], ['县司法局']],
    ]);
  });
});
