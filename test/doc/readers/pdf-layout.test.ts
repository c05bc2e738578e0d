import { describe, expect, it } from 'vitest';
import { expandGrid, type Block } from '../../../src/doc/model.js';
import { joinPages, markFurniture, pageBlocks, toLines, unifyHan, type Rule, type Rules, type TextItem } from '../../../src/doc/readers/pdf-layout.js';

/** A line of text as pdfjs reports it: runs of CJK at 12 pt, 12 pt per character. */
function run(str: string, x: number, y: number, size = 12): TextItem {
  return { str, x, y, width: [...str].length * size, size };
}

const texts = (blocks: Block[]) => blocks.map((b) => (b.kind === 'paragraph' ? b.text : 'TABLE'));

describe('pdf layout: furniture', () => {
  it('drops page numbers in any usual form and running headers, keeps the same words in the body', () => {
    const page = (n: number, body: TextItem[]) => ({
      height: 842,
      lines: toLines([run('东山县人民政府办公室', 400, 40, 9), ...body, run(n % 2 ? `第 ${n} 页 共 4 页` : `- ${n} -`, 280, 810, 10)]),
    });
    const pages = [page(1, [run('东山县人民政府办公室', 100, 400, 16)]), page(2, [run('正文', 100, 200)]), page(3, [run('正文', 100, 200)]), page(4, [run('正文', 100, 200)])];
    markFurniture(pages);
    const kept = pages.map((p) => texts(pageBlocks(p.lines, '')));
    expect(kept).toEqual([['东山县人民政府办公室'], ['正文'], ['正文'], ['正文']]);
  });

  it('keeps a one-page document whole apart from its page number', () => {
    const pages = [{ height: 842, lines: toLines([run('关于印发的通知', 100, 40, 16), run('正文', 100, 200), run('1', 290, 810)]) }];
    markFurniture(pages);
    expect(texts(pageBlocks(pages[0]!.lines, ''))).toEqual(['关于印发的通知', '正文']);
  });
});

describe('pdf layout: paragraphs', () => {
  it('joins a wrapped paragraph, but starts a new one at numbering, a label or an indent', () => {
    // Text width 72..528: a full line ends near 528.
    const full = (s: string) => run(s.padEnd(38, '文'), 72, 0);
    const items = [
      { ...full('（一）开头'), y: 100 },
      run('接续的一行。', 72, 120),
      { ...full('1.另一项'), y: 140 },
      run('牵头单位：县财政局', 72, 160),
      { ...full('第三段'), y: 180 },
      run('缩进的新段落', 96, 200),
    ];
    const blocks = pageBlocks(toLines(items), '');
    expect(texts(blocks).map((t) => t.slice(0, 6))).toEqual(['（一）开头文', '1.另一项文', '牵头单位：县', '第三段文文文', '缩进的新段落']);
    expect(texts(blocks)[0]).toMatch(/接续的一行。$/);
  });
});

describe('pdf layout: tables', () => {
  const cols = [72, 110, 250, 350];
  const row = (y: number, cells: string[]) => cells.flatMap((c, i) => (c ? [run(c, cols[i]!, y)] : []));
  const lines = () =>
    toLines([
      ...row(100, ['序号', '具体措施', '牵头单位', '配合单位']),
      ...row(120, ['1', '公开涉企收费目录', '县市场监督', '县财政局']),
      ...row(134, ['', '清单', '管理局', '']),
      ...row(154, ['2', '发布政策问答', '县税务局', '']),
      ...row(174, ['3', '公开招生政策', '县教育局', '县财政局']),
    ]);

  it('recovers columns by position and joins wrapped cells into their row', () => {
    const [table] = pageBlocks(lines(), '第 1 页');
    expect(table!.kind).toBe('table');
    if (table!.kind !== 'table') return;
    expect(table!.caption).toBe('第 1 页');
    expect(expandGrid(table!)).toEqual([
      ['序号', '具体措施', '牵头单位', '配合单位'],
      ['1', '公开涉企收费目录清单', '县市场监督管理局', '县财政局'],
      ['2', '发布政策问答', '县税务局', ''],
      ['3', '公开招生政策', '县教育局', '县财政局'],
    ]);
  });

  it('without rules an empty cell stays empty; with rules an empty cell without a rule above it continues the merged cell', () => {
    const plain = pageBlocks(lines(), '')[0]!;
    expect(plain.kind === 'table' && plain.rows[2]!.length).toBe(4);
    // Rules under every row, except in the 配合单位 column between rows 2 and 3 (a merged cell).
    const right = 450;
    const rules: Rule[] = [104, 138, 158].map((y) => ({ y, x1: 72, x2: right }));
    rules[1] = { y: 138, x1: 72, x2: 350 };
    const ruled = pageBlocks(lines(), '', { h: rules, v: [] })[0]!;
    if (ruled.kind !== 'table') throw new Error('no table');
    expect(ruled.rows[1]![3]).toEqual({ text: '县财政局', rowSpan: 2, colSpan: 1 });
    expect(ruled.rows[2]).toHaveLength(3);
    expect(expandGrid(ruled)[2]![3]).toBe('县财政局');
  });

  it('a signature block set to the right is neither a table nor joined to the text above', () => {
    const items = [run('正文最后一段。'.padEnd(38, '文'), 72, 80), run('东山县人民政府办公室', 380, 100), run('2025年1月10日', 404, 120)];
    expect(texts(pageBlocks(toLines(items), '')).slice(1)).toEqual(['东山县人民政府办公室', '2025年1月10日']);
  });
});

describe('pdf layout: tables over a page break', () => {
  const cell = (text: string) => ({ text, rowSpan: 1, colSpan: 1 });
  const table = (caption: string, rows: string[][]): Block => ({ kind: 'table', caption, rows: rows.map((r) => r.map(cell)) });
  const header = ['序号', '具体措施', '牵头单位', '完成时限'];

  it('joins the continuation into one table, dropping the repeated header and finishing the row the break cut', () => {
    const joined = joinPages([
      [table('第 1 页', [header, ['1', '公开预算', '县财政局', '6月底前'], ['2', '公开涉企收费目录', '县市场监督', '3月底前']])],
      [table('第 2 页', [header, ['', '清单', '管理局', ''], ['3', '发布政策问答', '县税务局', '']]), { kind: 'paragraph', text: '附件2' }],
    ]);
    expect(joined).toHaveLength(2);
    const t = joined[0]!;
    if (t.kind !== 'table') throw new Error('no table');
    expect(t.caption).toBe('第 1–2 页');
    expect(expandGrid(t)).toEqual([header, ['1', '公开预算', '县财政局', '6月底前'], ['2', '公开涉企收费目录清单', '县市场监督管理局', '3月底前'], ['3', '发布政策问答', '县税务局', '']]);
  });

  it('keeps tables of different widths apart', () => {
    const joined = joinPages([[table('第 1 页', [header, ['1', 'a', 'b', 'c']])], [table('第 2 页', [['x', 'y'], ['1', '2']])]]);
    expect(joined).toHaveLength(2);
  });
});

describe('pdf layout: ruled tables (lattice)', () => {
  // Columns at 72 | 120 | 300 | 400, rows at 100 | 130 | 160 | 190; the middle column's cell spans rows 1–2 (no rule at 160 there).
  const xs = [72, 120, 300, 400];
  const ys = [100, 130, 160, 190];
  const rules: Rules = {
    v: xs.map((x) => ({ x, y1: 100, y2: 190 })),
    h: ys.flatMap((y) => (y === 160 ? [{ y, x1: 72, x2: 120 }, { y, x1: 300, x2: 400 }] : [{ y, x1: 72, x2: 400 }])),
  };

  it('places runs by cell, joins a centred merged cell over its rows, and keeps an empty ruled cell empty', () => {
    const items = [
      run('序号', 80, 120), run('工作任务', 180, 120), run('牵头单位', 320, 120),
      run('1', 90, 150), run('县财政局', 310, 150),
      // the merged cell's text centred between rows 1 and 2, across two lines
      run('公开预算', 150, 158), run('和决算', 160, 172),
      run('2', 90, 180),
    ];
    const [table] = pageBlocks(toLines(items), '第 1 页', rules);
    if (table?.kind !== 'table') throw new Error('no table');
    expect(table.rows[1]![1]).toEqual({ text: '公开预算和决算', rowSpan: 2, colSpan: 1 });
    expect(expandGrid(table)).toEqual([
      ['序号', '工作任务', '牵头单位'],
      ['1', '公开预算和决算', '县财政局'],
      ['2', '公开预算和决算', ''],
    ]);
  });
});

describe('pdf layout: characters', () => {
  it('reads Kangxi radicals and compatibility ideographs some producers emit as the ordinary characters', () => {
    // ⼀ U+2F00, ⼈ U+2F08, ⼯ U+2F2F, ⽇ U+2F47; compatibility ideograph U+F900 is U+8C48
    expect(unifyHan('\u2F00\u2F08\u2F2F作\u2F47')).toBe('一人工作日');
    expect(unifyHan('\uF900')).toBe('\u8C48');
    const [p] = pageBlocks(toLines([run('县\u2F2F业和信息化局牵头', 72, 100)]), '');
    expect(p).toEqual({ kind: 'paragraph', text: '县工业和信息化局牵头' });
  });
});
