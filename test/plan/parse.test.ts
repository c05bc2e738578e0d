import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse.js';
import { PlanError } from '../../src/plan/errors.js';
import type { PlanDocument, Task } from '../../src/plan/schema.js';
import { PlanDocument as PlanSchema } from '../../src/plan/schema.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'plans', name));
const parse = (name: string) => parsePlan(fixture(name), name);
const task = (doc: PlanDocument, path: string) => {
  const t = doc.tasks.find((x) => x.path.join('') === path);
  if (!t) throw new Error(`no task ${path} in ${doc.file}: ${doc.tasks.map((x) => x.path.join('')).join(' ')}`);
  return t;
};
const dates = (t: Task) => t.deadlines.map((d) => d.date);

describe('parsePlan on formats the seeds do not show', () => {
  it('reads a Markdown task-division table by its header words', () => {
    const doc = parse('table-markdown.md');
    expect(PlanSchema.parse(doc)).toBeTruthy();
    expect(doc.tasks.map((t) => t.path.join(''))).toEqual(['一、1', '一、2', '二、3', '二、4']);
    const t4 = task(doc, '二、4');
    expect(t4.leads).toEqual(['市财政局', '市发展改革委']);
    expect(t4.co).toEqual(['市级有关部门']);
    expect(t4.genericUnits).toContain('市级有关部门');
    expect(dates(t4)).toEqual(['2024-09-30']);
    expect(task(doc, '二、3').recurring.map((r) => r.rule)).toEqual(['quarterly']);
    expect(dates(task(doc, '一、2'))).toEqual(['2024-06-30']);
  });

  it('reads a tab-separated table pasted from a spreadsheet, with section rows', () => {
    const doc = parse('tab-separated.txt');
    expect(doc.title).toBe('东山县2023年乡村振兴重点工作任务清单');
    expect(doc.tasks.map((t) => t.path.join(''))).toEqual(['一、1', '二、2', '二、3']);
    expect(task(doc, '一、1').co).toEqual(['县财政局', '县自然资源局']);
    expect(task(doc, '二、3').leads).toEqual(['县发展和改革局']); // 和 inside a name is not a separator
    expect(dates(task(doc, '二、3'))).toEqual(['2023-12-31']);
  });

  it('understands 牵头落实 sentences, X牵头Y配合, labelled lines and 由X负责', () => {
    const doc = parse('qiantou-luoshi.txt');
    expect(doc).toMatchObject({ docNumber: '南府发〔2024〕5号', issuedOn: '2024-01-15', year: 2024, issuer: '南岭市人民政府' });
    expect(doc.title).toBe('南岭市2024年民生实事工作方案');
    expect(task(doc, '一、1.').leads).toEqual(['市教育局']);
    expect(task(doc, '一、2.')).toMatchObject({ leads: ['市人力资源和社会保障局'], co: ['市财政局', '市总工会'] });
    const t3 = task(doc, '二、3.');
    expect(t3.leads).toEqual([]);
    expect(t3.co).toEqual(['市民政局', '各县（市、区）人民政府']);
    expect(dates(t3)).toEqual(['2024-10-31']);
    expect(task(doc, '二、4.')).toMatchObject({ leads: ['市卫生健康委员会'], co: ['市医疗保障局'] });
    expect(task(doc, '二、4.').recurring.map((r) => r.rule)).toEqual(['semiannual']);
  });

  it('does not take a reference to the past (截至2023年底) for a deadline, and reads 明年', () => {
    const t5 = task(parse('qiantou-luoshi.txt'), '二、5.');
    expect(dates(t5)).toEqual(['2025-03-31']);
    expect(t5).toMatchObject({ leads: ['市卫生健康委员会'], co: ['市财政局'] });
  });

  it('converts traditional characters and still finds leads and limits', () => {
    const doc = parse('traditional.txt');
    expect(doc.title).toBe('澳林县2023年政务公开工作要点');
    expect(task(doc, '一、（一）')).toMatchObject({ leads: ['县财政局'] });
    expect(dates(task(doc, '一、（一）'))).toEqual(['2023-07-31']);
    expect(task(doc, '一、（二）').leads).toEqual(['县人力社保局', '县统计局']);
    expect(task(doc, '二、（三）').leads).toEqual(['县府办']);
  });

  it('decodes GBK bytes', () => {
    const bytes = fixture('gbk.txt');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow(); // really not UTF-8
    const doc = parsePlan(bytes, 'gbk.txt');
    expect(doc.title).toBe('平江县2022年政务公开工作要点');
    expect(task(doc, '一、（二）').leads).toEqual(['县发改局', '县住建局']);
    expect(dates(task(doc, '一、（一）'))).toEqual(['2022-08-31']);
  });

  it('keeps a plan with no leads at all, with Chinese-numeral dates and recurring duties', () => {
    const doc = parse('no-leads.txt');
    expect(doc.tasks).toHaveLength(4);
    expect(doc.tasks.every((t) => t.leads.length === 0 && t.clauses.length === 0)).toBe(true);
    expect(dates(task(doc, '一、（一）'))).toEqual(['2021-06-30']);
    expect(task(doc, '二、（一）').recurring.map((r) => r.rule)).toEqual(['monthly']);
    expect(task(doc, '二、（二）').recurring.map((r) => r.rule)).toEqual(['annual']);
  });

  it('splits items that were run together on one line', () => {
    const doc = parse('inline-items.txt');
    expect(doc.tasks.map((t) => t.path.join(''))).toEqual(['一、（一）', '一、（二）', '二、（一）']);
    expect(task(doc, '一、（二）')).toMatchObject({ leads: ['镇应急办'] });
    expect(dates(task(doc, '一、（二）'))).toEqual(['2022-06-30']);
  });

  it('follows four levels of numbering and gives leaves as tasks', () => {
    const doc = parse('deep-numbering.txt');
    expect(doc.tasks.map((t) => t.path.join(''))).toEqual(['一、（一）1.（1）', '一、（一）1.（2）', '一、（一）2.', '二、（一）']);
    expect(task(doc, '一、（一）1.（2）').leads).toEqual(['市大数据中心', '各县区政府']);
    expect(task(doc, '一、（一）2.').title).toBe('推进IPv6规模部署');
    expect(task(doc, '二、（一）').recurring.map((r) => r.rule)).toEqual(['quarterly']);
  });

  it('follows outline numbering (1. / 1.1) as levels', () => {
    const doc = parse('outline-decimal.txt');
    expect(doc.tasks.map((t) => t.path)).toEqual([
      ['1.', '1.1'],
      ['1.', '1.2'],
      ['2.', '2.1'],
      ['2.', '2.2'],
    ]);
    expect(task(doc, '1.1.2')).toMatchObject({ leads: ['区住建局'], co: ['区自然资源局'] });
    expect(dates(task(doc, '2.2.2'))).toEqual(['2024-12-31']);
  });

  it('flags deadlines already past on the issue date', () => {
    const doc = parsePlan('某县2022年工作要点\n某县人民政府\n2022年6月15日\n一、总体\n（一）3月31日前完成清单编制，年底前完成评估。（县府办牵头负责）', 'x.txt');
    expect(doc.tasks[0]!.deadlines).toEqual([
      { text: '3月31日前', date: '2022-03-31', pastAtIssue: true },
      { text: '年底前', date: '2022-12-31', pastAtIssue: false },
    ]);
  });
});

describe('parsePlan refuses what is not a plan, with a Chinese message', () => {
  it.each([
    ['empty.txt', 'empty', /空的/],
    ['binary.bin', 'binary', /二进制/],
    ['no-tasks.txt', 'no-tasks', /没有找到编号的任务条目/],
  ])('%s', (name, code, message) => {
    let err: unknown;
    try {
      parse(name);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PlanError);
    expect((err as PlanError).code).toBe(code);
    expect((err as PlanError).message).toMatch(message);
  });
});

describe('lead conventions stated once for the whole plan', () => {
  it('makes the first responsible unit the lead when the notice says so', () => {
    const doc = parsePlan(
      '清河市2024年重点任务分工\n各单位：表中责任单位排在第一位的为牵头单位。\n一、项目建设\n1.开工重点项目20个。（责任单位：市发改委、市住建局、市自然资源局）\n2.完成老旧小区改造。（市住建局、市财政局按职责分工负责）',
      'qinghe.txt',
    );
    expect(doc.tasks[0]).toMatchObject({ leads: ['市发改委'], co: ['市住建局', '市自然资源局'] });
    // "按职责分工负责" names responsible units, not leads; the notice's rule then makes the first one the lead.
    expect(doc.tasks[1]).toMatchObject({ leads: ['市住建局'], co: ['市财政局'] });
  });

  it('without such a sentence, 责任单位 stay responsible (co) units and no lead is invented', () => {
    const doc = parsePlan('清河市2024年重点任务分工\n一、项目建设\n1.开工重点项目20个。（责任单位：市发改委、市住建局）', 'qinghe.txt');
    expect(doc.tasks[0]).toMatchObject({ leads: [], co: ['市发改委', '市住建局'] });
  });
});
