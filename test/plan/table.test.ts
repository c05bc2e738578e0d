import { describe, expect, it } from 'vitest';
import type { Block, Cell, DocModel } from '../../src/doc/model.js';
import { extractPlan, parsePlan } from '../../src/plan/parse.js';
import { cellUnits, deadlineText, firstUnitLeads, readTable, splitGlued } from '../../src/plan/table.js';
import type { PlanDocument } from '../../src/plan/schema.js';

/** A table from rows of strings; `{ t, r, c }` for a cell with spans. */
type C = string | { t: string; r?: number; c?: number };
const table = (...rows: C[][]): Block => ({
  kind: 'table',
  rows: rows.map((row) => row.map((x): Cell => (typeof x === 'string' ? { text: x, rowSpan: 1, colSpan: 1 } : { text: x.t, rowSpan: x.r ?? 1, colSpan: x.c ?? 1 }))),
});
const doc = (...blocks: Array<Block | string>): DocModel => ({
  format: 'docx',
  notes: [],
  blocks: blocks.map((b) => (typeof b === 'string' ? { kind: 'paragraph', text: b } : b)),
});
const summary = (d: PlanDocument) => d.tasks.map((t) => ({ path: t.path.join(''), leads: t.leads, co: t.co, dates: t.deadlines.map((x) => x.date) }));

describe('task tables read from the model', () => {
  it('finds the header under title and note rows, whatever the column order, and ignores extra columns', () => {
    const d = extractPlan(
      doc(
        '南湖区2025年重点工作分工方案',
        table(
          [{ t: '南湖区2025年重点工作任务分解表', c: 6 }],
          [{ t: '填报单位：区政府办公室', c: 6 }],
          ['完成时限', '牵 头 单 位', '编号', '工作任务', '责任领导', '责任单位（部门）'],
          ['2025年4月底前', '区教育局', '1', '新建改扩建中小学校3所', '张三', '区财政局、区自然资源局'],
          ['上半年', '区卫生健康局', '2', '完成基层医疗机构标准化建设', '李四', '各街道办事处'],
        ),
      ),
      'a.docx',
    );
    expect(summary(d)).toEqual([
      { path: '1', leads: ['区教育局'], co: ['区财政局', '区自然资源局'], dates: ['2025-04-30'] },
      { path: '2', leads: ['区卫生健康局'], co: ['各街道办事处'], dates: ['2025-06-30'] },
    ]);
    expect(d.tasks[0]!.co).not.toContain('张三'); // 责任领导 is a person, not a unit column
  });

  it('reads a two-row header: 责任单位 over 牵头单位 | 配合单位', () => {
    const d = extractPlan(
      doc(
        '北塘县2025年民生实事分工表',
        table(
          [{ t: '序号', r: 2 }, { t: '工作任务', r: 2 }, { t: '责任单位', c: 2 }, { t: '完成时限', r: 2 }],
          ['牵头单位', '配合单位'],
          ['1', '改造老旧小区12个', '县住房和城乡建设局', '县财政局', '10月底前'],
          ['2', '新增托育托位200个', '县卫生健康局', '县民政局、县教育局', '年底前'],
        ),
      ),
      'b.docx',
    );
    expect(summary(d)).toEqual([
      { path: '1', leads: ['县住房和城乡建设局'], co: ['县财政局'], dates: ['2025-10-31'] },
      { path: '2', leads: ['县卫生健康局'], co: ['县民政局', '县教育局'], dates: ['2025-12-31'] },
    ]);
  });

  it('reads a header whose words wrap onto a second row (完成 over 时限), as tables from a PDF come', () => {
    const d = extractPlan(
      doc(table(['序号', '工作', '牵头', '完成'], ['', '任务', '单位', '时限'], ['1', '完成耕地保护专项检查', '县自然资源局', '9月底前'])),
      'w.pdf',
    );
    expect(summary(d)).toEqual([{ path: '1', leads: ['县自然资源局'], co: [], dates: ['2025-09-30'].map((x) => x.replace('2025', String(d.year))) }]);
  });

  it('skips a header repeated where the table continues on the next page, and numbers rows without 序号 in order', () => {
    const header = ['工作任务', '牵头单位', '完成时间'];
    const d = extractPlan(
      doc('2024年工作要点分工', table(header, ['推进数字政府建设', '市数据局', '6月底前'], ['优化12345热线', '市政务服务中心', '每月'], header, ['开展政务公开标准化', '市政府办公室', '11月底前'])),
      'c.docx',
    );
    expect(d.tasks.map((t) => t.path.join(''))).toEqual(['1', '2', '3']);
    expect(d.tasks.map((t) => t.leads[0])).toEqual(['市数据局', '市政务服务中心', '市政府办公室']);
    expect(d.tasks[1]!.recurring.map((r) => r.rule)).toEqual(['monthly']);
  });

  it('carries a merged 重点任务 cell and a merged 序号 into every row, numbering rows inside the area', () => {
    const d = extractPlan(
      doc(
        '2025年生态环境保护工作分工表',
        table(
          ['序号', '主要工作任务', '具体工作措施', '完成时限', '主要责任单位', '任务来源'],
          [{ t: '1', r: 2 }, { t: '推进生态文明建设', r: 2 }, '1、成立生态文明建设领导小组', '3月', '区经发局区环土局', { t: '省委文件', r: 2 }],
          ['2、制定生态环境保护实施方案', '6月', '区环土局'],
          ['2', '分解环保目标责任', '3、每月调度并通报目标责任落实情况', '12月', '区环土局'],
        ),
        '注：主要责任单位第一个为牵头单位，其余为主要配合单位。',
      ),
      'd.docx',
    );
    expect(summary(d)).toEqual([
      { path: '1.1、', leads: ['区经发局'], co: ['区环土局'], dates: ['2025-03-31'] },
      { path: '1.2、', leads: ['区环土局'], co: [], dates: ['2025-06-30'] },
      { path: '2.3、', leads: ['区环土局'], co: [], dates: ['2025-12-31'] },
    ]);
    expect(d.tasks[0]!.text).toBe('推进生态文明建设：成立生态文明建设领导小组');
    expect(d.tasks[0]!.title).toBe('成立生态文明建设领导小组');
    expect(d.tasks[2]!.recurring.map((r) => r.rule)).toEqual(['monthly']);
  });

  it('reads section rows (one merged cell across, or after its own 序号) and skips note rows', () => {
    const d = extractPlan(
      doc(
        table(
          ['序号', '重点任务', '牵头单位', '完成时限'],
          [{ t: '一、优化营商环境', c: 4 }],
          ['1', '压减企业开办时间至1个工作日', '市市场监督管理局', '3月底前'],
          ['二', { t: '扩大有效投资', c: 3 }],
          ['2', '开工重点项目50个', '市发展和改革委员会', '年内'],
          [{ t: '备注：各单位每月5日前报送进展。', c: 4 }],
        ),
      ),
      'e.docx',
    );
    expect(d.tasks.map((t) => t.path.join(''))).toEqual(['一、1', '二、2']);
    expect(d.tasks[1]!.leads).toEqual(['市发展和改革委员会']);
  });

  it('applies a first-unit rule written in a note row of the table itself, and only there where the units have no lead', () => {
    const d = extractPlan(
      doc(
        table(
          ['序号', '公开事项', '公开内容', '公开主体', '公开时限'],
          ['1', '财政预决算', '部门预算、决算及“三公”经费', '县财政局、县审计局', '批复后20日内'],
          ['2', '重大项目', '项目批准和实施信息', '县发展和改革局（牵头）、县住房和城乡建设局', '每季度'],
          [{ t: '注：公开主体排在第一位的为牵头单位。', c: 5 }],
        ),
      ),
      'n.docx',
    );
    expect(d.tasks.map((t) => [t.leads, t.co])).toEqual([
      [['县财政局'], ['县审计局']],
      [['县发展和改革局'], ['县住房和城乡建设局']],
    ]);
    expect(d.tasks[0]!.relative.map((r) => r.text)).toEqual(['20日内']);
  });

  it('reads a table after the prose of a notice, and two tables in one document', () => {
    const d = extractPlan(
      doc(
        '关于印发清江县2025年重点工作的通知',
        '一、总体要求',
        '（一）统筹推进各项工作。（县政府办公室牵头负责）',
        '附件1',
        table(['序号', '工作任务', '责任单位', '完成时限'], ['1', '完成国土空间规划编制', '县自然资源局', '6月底前']),
        '附件2',
        table(['序号', '工作任务', '牵头单位', '完成时限'], ['1', '建成智慧停车平台', '县城市管理局', '9月底前']),
      ),
      'f.docx',
    );
    expect(d.tasks.map((t) => [t.leads, t.co])).toEqual([
      [['县政府办公室'], []],
      [[], ['县自然资源局']],
      [['县城市管理局'], []],
    ]);
    expect(new Set(d.tasks.map((t) => t.id)).size).toBe(3);
  });

  it('reads a 300-row table into 300 tasks, none glued to another', () => {
    const rows = Array.from({ length: 300 }, (_, i) => [String(i + 1), `完成第${i + 1}项民生工程建设任务`, i % 2 ? '市住房和城乡建设局' : '市交通运输局', '市财政局', `${(i % 12) + 1}月底前`]);
    const d = extractPlan(doc('2025年民生工程任务清单', table(['序号', '工作任务', '牵头单位', '配合单位', '完成时限'], ...rows)), 'g.xlsx');
    expect(d.tasks).toHaveLength(300);
    expect(d.tasks[299]).toMatchObject({ path: ['300'], leads: ['市住房和城乡建设局'], co: ['市财政局'] });
    expect(d.tasks[299]!.deadlines.map((x) => x.date)).toEqual(['2025-12-31']);
    expect(Math.max(...d.tasks.map((t) => t.text.length))).toBeLessThan(30);
  });

  it('keeps units apart that a cell put on separate lines, and joins the lines of a task cell', () => {
    const d = extractPlan(
      doc(table(['序号', '工作内容及目标', '责任单位', '完成时限'], ['1', '建成区级数据共享平台，\n年内接入部门30个', '区数据局\n财政局<br>审计局', '年底前'])),
      'h.docx',
    );
    expect(d.tasks[0]).toMatchObject({ text: '建成区级数据共享平台，年内接入部门30个', co: ['区数据局', '财政局', '审计局'] });
  });

  it('gives nothing for a table that has no task and unit columns', () => {
    expect(readTable({ rows: [[{ text: '姓名', rowSpan: 1, colSpan: 1 }, { text: '电话', rowSpan: 1, colSpan: 1 }], [{ text: '张三', rowSpan: 1, colSpan: 1 }, { text: '123', rowSpan: 1, colSpan: 1 }]] })).toEqual([]);
  });
});

describe('cells', () => {
  it('reads units separated by 、，; newlines and spaces, X牵头Y配合 and X（牵头）', () => {
    expect(cellUnits('县财政局\n县税务局', false)).toEqual({ leads: [], co: ['县财政局', '县税务局'] });
    expect(cellUnits('县财政局  县税务局 县审计局', false)).toEqual({ leads: [], co: ['县财政局', '县税务局', '县审计局'] });
    expect(cellUnits('县发展和改革局牵头，县财政局、县统计局配合', false)).toEqual({ leads: ['县发展和改革局'], co: ['县财政局', '县统计局'] });
    expect(cellUnits('县民政局（牵头）、县卫生健康局', false)).toEqual({ leads: ['县民政局'], co: ['县卫生健康局'] });
    expect(cellUnits('市教育局、市财政局', true)).toEqual({ leads: ['市教育局', '市财政局'], co: [] });
    expect(cellUnits('—', false)).toEqual({ leads: [], co: [] });
  });

  it('splits names glued together only where a new name starts', () => {
    expect(splitGlued('区经发局区环土局')).toEqual(['区经发局', '区环土局']);
    expect(splitGlued('相关乡镇人民政府区农发局区综合执法局')).toEqual(['相关乡镇人民政府', '区农发局', '区综合执法局']);
    expect(splitGlued('区委宣传部')).toEqual(['区委宣传部']);
    expect(splitGlued('市政府办公室')).toEqual(['市政府办公室']);
    expect(splitGlued('区经发局经信处')).toEqual(['区经发局经信处']);
    expect(splitGlued('县发展和改革局')).toEqual(['县发展和改革局']);
  });

  it('reads bare months and 全年 in a deadline cell as limits', () => {
    expect(deadlineText('3月')).toBe('3月底');
    expect(deadlineText('2025年12月')).toBe('2025年12月底');
    expect(deadlineText('6月底前')).toBe('6月底前');
    expect(deadlineText('3月31日前')).toBe('3月31日前');
    expect(deadlineText('全年')).toBe('年底前');
  });

  it('knows the wordings of the first-unit-leads rule', () => {
    for (const s of ['排在第一位的为牵头单位', '主要责任单位第一个为牵头单位', '第一个单位为牵头单位', '责任单位中列首位的为牵头单位']) expect(firstUnitLeads(s)).toBe(true);
    expect(firstUnitLeads('第一批项目由县发改局牵头')).toBe(false);
  });
});

describe('tables pasted as text', () => {
  it('still reads a plan-wide rule and a pipe table whose cells say X牵头', () => {
    const d = parsePlan('2024年任务分工\n| 序号 | 任务 | 责任单位 | 时限 |\n|---|---|---|---|\n| 1 | 建设口袋公园5个 | 市城管局牵头，市住建局配合 | 10月底前 |\n', 'p.md');
    expect(d.tasks[0]).toMatchObject({ leads: ['市城管局'], co: ['市住建局'] });
  });
});
