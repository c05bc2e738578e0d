import { describe, expect, it } from 'vitest';
import { expandGrid, type Table } from '../../src/doc/model.js';
import { layoutBlocks } from '../../src/doc/text-layout.js';
import { parsePlan } from '../../src/plan/parse.js';
import { TEXT_LAYOUTS, toText } from '../fixtures/layouts/render.js';
import { BUSINESS } from '../fixtures/layouts/specs.js';

const lines = (s: string) => s.split('\n');
const tables = (s: string) => layoutBlocks(lines(s)).filter((b): b is Table => b.kind === 'table');

describe('flattened tables recovered from text', () => {
  it('turns each layout into one table block and leaves the title a paragraph', () => {
    for (const layout of TEXT_LAYOUTS) {
      const blocks = layoutBlocks(lines(toText(BUSINESS, layout)));
      expect({ layout, kinds: blocks.filter((b) => b.kind === 'table').length }).toEqual({ layout, kinds: 1 });
      expect(blocks[0]).toEqual({ kind: 'paragraph', text: BUSINESS.title });
    }
  });

  it('puts a dropped merged cell back: the area spans its rows, an empty co cell stays empty', () => {
    for (const layout of ['cell-per-line', 'blank-lines', 'spaces', 'pipes-dropped'] as const) {
      const grid = expandGrid(tables(toText(BUSINESS, layout))[0]!);
      const row3 = grid.find((r) => r[0] === '3')!;
      expect({ layout, row3 }).toEqual({ layout, row3: ['3', '政务服务提质', '公开惠企政策兑现流程和办理时限', '县财政局', '', '9月底前'] });
      expect(grid.find((r) => r[0] === '二、优化法治环境')).toEqual(Array(6).fill('二、优化法治环境'));
    }
  });

  it('leaves prose alone, even with runs of spaces or a line that mentions 任务 and 单位', () => {
    const text = ['一、工作任务  各单位要高度重视', '  落实责任单位  的主体责任，按时完成。', '序号 1 指的是第一项', '牵头单位：县财政局'].join('\n');
    expect(layoutBlocks(lines(text)).every((b) => b.kind === 'paragraph')).toBe(true);
  });

  it('reads a two-row header pasted with pipes and flattened one cell per line', () => {
    const piped = ['| 序号 | 工作任务 | 责任单位 | 完成时限 |', '| 牵头单位 | 配合单位 |', '| 1 | 新建社区食堂10个 | 县民政局 | 县财政局、各乡镇人民政府 | 9月底前 |'].join('\n');
    const perLine = ['序号', '工作任务', '责任单位', '完成时限', '牵头单位', '配合单位', '1', '新建社区食堂10个', '县民政局', '县财政局、各乡镇人民政府', '9月底前'].join('\n');
    for (const text of [piped, perLine]) {
      const d = parsePlan(`2025年民生实事分工\n${text}\n`, 't.txt');
      expect(d.tasks.map((t) => ({ leads: t.leads, co: t.co, date: t.deadlines[0]?.date }))).toEqual([
        { leads: ['县民政局'], co: ['县财政局', '各乡镇人民政府'], date: '2025-09-30' },
      ]);
    }
  });

  it('keeps a cell that held line breaks together when its lines arrive one per line', () => {
    const text = ['序号', '工作任务', '牵头单位', '配合单位', '完成时限', '1', '建设城市书房10个', '县文化和旅游局', '县财政局', '县自然资源局', '各乡镇人民政府', '9月底前', '2', '推进全民健身中心建设，', '配套建设健身步道20公里', '县教育局', '县财政局', '年底前'].join('\n');
    const d = parsePlan(`2025年民生实事\n${text}\n`, 'm.txt');
    expect(d.tasks.map((t) => ({ text: t.text, leads: t.leads, co: t.co, dates: t.deadlines.map((x) => x.date) }))).toEqual([
      { text: '建设城市书房10个', leads: ['县文化和旅游局'], co: ['县财政局', '县自然资源局', '各乡镇人民政府'], dates: ['2025-09-30'] },
      { text: '推进全民健身中心建设，配套建设健身步道20公里', leads: ['县教育局'], co: ['县财政局'], dates: ['2025-12-31'] },
    ]);
  });

  it('reads a row whose cell held a line break: a pipe row going on to the next line, a quoted cell copied from Excel', () => {
    const piped = ['| 序号 | 工作任务 | 牵头单位 | 配合单位 | 完成时限 |', '| 1 | 建设城市书房10个 | 县文化和旅游局 | 县财政局', '县自然资源局 | 9月底前 |', '| 2 | 推进全民健身中心建设 | 县教育局 | 县财政局 | 年底前 |'].join('\n');
    const tabbed = ['序号\t工作任务\t牵头单位\t配合单位\t完成时限', '1\t建设城市书房10个\t县文化和旅游局\t"县财政局', '县自然资源局"\t9月底前', '2\t推进全民健身中心建设\t县教育局\t县财政局\t年底前'].join('\n');
    for (const text of [piped, tabbed]) {
      const d = parsePlan(`2025年民生实事\n${text}\n`, 'q.txt');
      expect(d.tasks.map((t) => ({ leads: t.leads, co: t.co, dates: t.deadlines.map((x) => x.date) }))).toEqual([
        { leads: ['县文化和旅游局'], co: ['县财政局', '县自然资源局'], dates: ['2025-09-30'] },
        { leads: ['县教育局'], co: ['县财政局'], dates: ['2025-12-31'] },
      ]);
    }
  });

  it('carries a merged 牵头单位 and 完成时限 down the rows a spreadsheet left empty, but not an empty 配合单位', () => {
    const text = ['序号\t工作任务\t牵头单位\t配合单位\t完成时限', '1\t新建5G基站300个\t县工业和信息化局\t县自然资源局\t年底前', '2\t实现行政村千兆光网全覆盖\t\t\t', '3\t建设县级数据中心\t县数据局\t县财政局\t6月底前'].join('\n');
    const d = parsePlan(`2025年数字县域建设任务\n${text}\n`, 'x.txt');
    expect(d.tasks.map((t) => ({ leads: t.leads, co: t.co, dates: t.deadlines.map((x) => x.date) }))).toEqual([
      { leads: ['县工业和信息化局'], co: ['县自然资源局'], dates: ['2025-12-31'] },
      { leads: ['县工业和信息化局'], co: [], dates: ['2025-12-31'] },
      { leads: ['县数据局'], co: ['县财政局'], dates: ['2025-06-30'] },
    ]);
  });

  it('skips the header repeated at a page break in a one-cell-per-line table', () => {
    const header = ['序号', '工作任务', '牵头单位', '完成时限'];
    const text = [...header, '1', '开展安全生产大检查', '县应急管理局', '5月底前', ...header, '2', '完成河道清淤20公里', '县水利局', '汛期前'].join('\n');
    const d = parsePlan(`2025年重点工作\n${text}\n`, 'r.txt');
    expect(d.tasks.map((t) => [t.path.join(''), t.leads[0]])).toEqual([
      ['1', '县应急管理局'],
      ['2', '县水利局'],
    ]);
  });

  it('joins a cell wrapped onto the next line of an aligned table', () => {
    const text = [
      '序号    工作任务                        牵头单位          配合单位',
      '1       建设城市生命线安全工程，年内    县城市管理局      县住房和城乡建设局',
      '        完成燃气管网监测                                  县应急管理局',
      '2       推进海绵城市建设                县住房和城乡建设局',
    ].join('\n');
    const d = parsePlan(`城市建设任务\n${text}\n`, 'w.txt');
    expect(d.tasks.map((t) => ({ text: t.text, leads: t.leads, co: t.co }))).toEqual([
      { text: '建设城市生命线安全工程，年内完成燃气管网监测', leads: ['县城市管理局'], co: ['县住房和城乡建设局', '县应急管理局'] },
      { text: '推进海绵城市建设', leads: ['县住房和城乡建设局'], co: [] },
    ]);
  });

  it('reads a header spaced out letter by letter in a space-separated table', () => {
    const text = ['序  号    工 作 任 务                  牵  头  单  位      时 限 要 求', '1         开展安全生产大检查            县应急管理局        5月底前', '2         完成河道清淤20公里            县水利局            汛期前'].join('\n');
    const d = parsePlan(`2025年重点工作\n${text}\n`, 's.txt');
    expect(d.tasks.map((t) => ({ text: t.text, leads: t.leads, dates: t.deadlines.map((x) => x.date) }))).toEqual([
      { text: '开展安全生产大检查', leads: ['县应急管理局'], dates: ['2025-05-31'] },
      { text: '完成河道清淤20公里', leads: ['县水利局'], dates: [] },
    ]);
  });

  it('reads a 300-row table in every layout', () => {
    const spec = {
      title: '2025年重点民生项目清单',
      header: ['序号', '工作任务', '牵头单位', '完成时限'],
      rows: Array.from({ length: 300 }, (_, i) => ({ cells: [String(i + 1), `建成第${i + 1}个便民服务站点`, i % 3 ? '县商务局' : '县民政局', `${(i % 12) + 1}月底前`] })),
    };
    for (const layout of TEXT_LAYOUTS) {
      const d = parsePlan(toText(spec, layout), `${layout}.txt`);
      expect({ layout, n: d.tasks.length, last: d.tasks[299]?.path, lead: d.tasks[299]?.leads, date: d.tasks[299]?.deadlines[0]?.date }).toEqual({
        layout,
        n: 300,
        last: ['300'],
        lead: ['县商务局'],
        date: '2025-12-31',
      });
    }
  });
});

describe('what is not a flattened table', () => {
  it('leaves one labelled field per line (牵头单位：X) to the prose reader', () => {
    const text = ['一、推进政务公开', '主要任务', '牵头单位：县政府办公室', '责任单位：县数据局', '完成时限：6月底前'].join('\n');
    expect(layoutBlocks(lines(text)).every((b) => b.kind === 'paragraph')).toBe(true);
  });
});
