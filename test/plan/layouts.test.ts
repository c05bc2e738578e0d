import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse.js';
import { PlanDocument as PlanSchema, type PlanDocument, type Task } from '../../src/plan/schema.js';

/** Plans in the layouts real documents arrive in (invented text, varied places and wording). */
const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'layouts', name));
const parse = (name: string) => PlanSchema.parse(parsePlan(fixture(name), name));
const task = (doc: PlanDocument, path: string): Task => {
  const t = doc.tasks.find((x) => x.path.join('') === path);
  if (!t) throw new Error(`no task ${path}: ${doc.tasks.map((x) => x.path.join('')).join(' ')}`);
  return t;
};
const dates = (t: { deadlines: Array<{ date: string }> }) => t.deadlines.map((d) => d.date);
const rules = (t: Task) => t.recurring.map((r) => r.rule);

describe('a web page flattened into one line (crawl header, furniture, cover notice, run-in numbering)', () => {
  const doc = parse('flattened-crawl.txt');

  it('takes the metadata from the page header and the notice, not the furniture', () => {
    expect(doc).toMatchObject({
      title: '云溪县2021年优化营商环境工作要点',
      docNumber: '云政办〔2021〕12号',
      issuedOn: '2021-03-10',
      year: 2021,
      issuer: '云溪县人民政府办公室',
    });
  });

  it('splits run-in items and keeps the cover notice and page furniture out of them', () => {
    expect(doc.tasks.map((t) => t.path.join(''))).toEqual(['一、（一）', '一、（二）', '二、（三）', '二、（四）']);
    const all = doc.tasks.map((t) => t.text).join('');
    for (const junk of ['当前位置', '微信', 'QQ空间', '字体', '现印发给你们', '附件下载', '打印本页', '关闭窗口', '来源']) expect(all).not.toContain(junk);
  });

  it('reads glued labels: 牵头单位 is the lead, 主抓单位 and 责任单位 answer for the item', () => {
    expect(task(doc, '一、（一）')).toMatchObject({
      leads: ['县政务服务中心'],
      co: ['县行政审批科', '县数据局', '各乡镇人民政府'],
    });
    expect(dates(task(doc, '一、（一）'))).toEqual(['2021-05-31', '2021-06-30']); // 争取5月 / 上半年
  });

  it('gives a later unit in a list the place the writer stated once, and a trailer glued to the next heading to its own item', () => {
    expect(task(doc, '一、（二）')).toMatchObject({ leads: ['县住房和城乡建设局'], co: ['县自然资源局', '县发展和改革局'] });
    expect(dates(task(doc, '一、（二）'))).toEqual(['2021-09-30']); // 第三季度
  });

  it('reads labels separated only by spaces, a full-width digit, and a rhythm of checks', () => {
    const t = task(doc, '二、（三）');
    expect(t).toMatchObject({ leads: ['县自然资源局'], co: ['县财政局'] });
    expect(dates(t)).toEqual(['2021-09-30']); // 完成时间：202１年9月底前
    expect(rules(t)).toEqual(['monthly', 'quarterly']); // 每月一调度、一季一通报
  });

  it('reads （X牵头，A、B等按职责分工负责） and a year target with a stray space', () => {
    const t = task(doc, '二、（四）');
    expect(t).toMatchObject({ leads: ['县金融办'], co: ['县财政局', '人民银行云溪支行'] });
    expect(dates(t)).toEqual(['2023-12-31']); // 力争到20 23年
  });
});

describe('other layouts', () => {
  it('bullet items, each ending (X牵头落实)', () => {
    const doc = parse('bullets-luoshi.txt');
    expect(doc.tasks.map((t) => t.path.join(''))).toEqual(['一、●1', '一、●2', '一、●3', '二、●1', '二、●2']);
    expect(doc.tasks.map((t) => t.leads)).toEqual([['县政务服务中心'], ['县行政审批局'], ['县督查室'], ['县自然资源局'], ['县财政局']]);
    expect(dates(task(doc, '一、●2'))).toEqual(['2024-09-30']);
    expect(rules(task(doc, '一、●3'))).toEqual(['quarterly']);
    expect(dates(task(doc, '二、●1'))).toEqual(['2024-06-30']);
  });

  it('X牵头落实 on its own line governs the paragraph before it', () => {
    const doc = parse('luoshi-own-line.txt');
    const t = task(doc, '一、');
    expect(t.clauses.map((c) => [c.leads, dates(c)])).toEqual([
      [['市大数据局'], ['2022-09-30']],
      [['市大数据局', '市发展改革委'], ['2022-12-31']],
    ]);
    expect(task(doc, '二、')).toMatchObject({ leads: ['市政务服务中心'] });
  });

  it('one field per line: 牵头单位 / 责任单位 / 配合单位 / 责任部门 / 完成时限', () => {
    const doc = parse('field-per-line.txt');
    expect(task(doc, '1.')).toMatchObject({ leads: ['区生态环境分局'], co: ['区住建局', '区城管局'] });
    expect(dates(task(doc, '1.'))).toEqual(['2023-10-31']);
    expect(task(doc, '2.')).toMatchObject({ leads: ['区水利局'], co: ['各街道办事处'] });
    expect(rules(task(doc, '2.'))).toEqual(['monthly']);
    // Only a 责任部门 named: it answers for the item, and is not promoted to lead.
    expect(task(doc, '3.')).toMatchObject({ leads: [], co: ['区农业农村局'] });
  });

  it('unit-headed duty paragraphs: the unit is the responsible unit (the lead only where it says 牵头)', () => {
    const doc = parse('unit-duties.txt');
    expect(doc.tasks.map((t) => [t.path.join(''), t.leads, t.co])).toEqual([
      ['党政办公室', [], ['党政办公室']],
      ['应急管理办公室', [], ['应急管理办公室']],
      ['经济发展办公室', ['经济发展办公室'], []],
      ['村镇建设服务中心', [], ['村镇建设服务中心']],
    ]);
    expect(dates(doc.tasks[0]!)).toEqual(['2023-12-31']);
    expect(rules(doc.tasks[1]!)).toEqual(['weekly']);
  });

  it('traditional characters with pinyin glosses', () => {
    const doc = parse('traditional-pinyin.txt');
    expect(doc.title).toBe('香江镇2024年环境整治工作要点');
    expect(task(doc, '二、')).toMatchObject({ leads: ['镇农业办'], co: ['镇财政所'] });
    expect(task(doc, '二、').text).toContain('发动群众');
    expect(task(doc, '二、').text).not.toContain('fā');
    expect(rules(task(doc, '一、'))).toEqual(['weekly']);
  });

  it('a copy from a document-sharing site: banners and page counters dropped, the cover notice kept out of tasks', () => {
    const doc = parse('sharing-site.txt');
    expect(doc).toMatchObject({ title: '东岭镇2024年防汛工作方案', issuedOn: '2024-04-02', issuer: '东岭镇人民政府' });
    expect(doc.tasks.map((t) => t.path.join(''))).toEqual(['一、1.', '一、2.', '二、3.']);
    expect(dates(task(doc, '一、2.'))).toEqual(['2024-05-15']); // "2.5月15日前" is item 2, not 2.5
    const all = doc.tasks.map((t) => t.text).join('');
    for (const junk of ['原创力', '下载文档', '还剩', '免费下载', '第 1 页']) expect(all).not.toContain(junk);
  });
});

describe('no silent loss in structure', () => {
  it('a flat list of 1,000 items gives 1,000 tasks, each with its own unit', () => {
    const lines = ['某市2024年重点任务清单', '一、重点任务'];
    for (let i = 1; i <= 1000; i++) lines.push(`${i}.完成第${i}项工作。（市局${i % 7 === 0 ? '办公室' : '综合科'}负责）`);
    const doc = parsePlan(lines.join('\n'), 'long.txt');
    expect(doc.tasks).toHaveLength(1000);
    expect(doc.tasks.at(-1)!.path).toEqual(['一、', '1000.']);
    expect(doc.tasks.at(-1)!.text).toBe('完成第1000项工作。（市局综合科负责）');
    expect(Math.max(...doc.tasks.map((t) => t.text.length))).toBeLessThan(40);
  });

  it('the same list run into one line splits the same way', () => {
    const items = Array.from({ length: 300 }, (_, i) => `${i + 1}.完成第${i + 1}项工作。（市财政局牵头负责）`);
    const doc = parsePlan(`某市2024年重点任务清单 具体如下：一、重点任务${items.join('')}二、保障措施（市政府办公室负责）`, 'runin.txt');
    expect(doc.tasks).toHaveLength(301);
    expect(doc.tasks[299]!.path).toEqual(['一、', '300.']);
    expect(doc.tasks[299]!.leads).toEqual(['市财政局']);
  });

  it('Chinese numerals past 九十九 keep counting', () => {
    const lines = ['某县2024年任务清单'];
    const cn = (n: number) => {
      const d = '零一二三四五六七八九';
      const h = Math.floor(n / 100);
      const t = Math.floor((n % 100) / 10);
      const u = n % 10;
      let s = h ? `${h === 1 ? '一' : d[h]}百` : '';
      if (t) s += `${h && t === 1 ? '一' : !h && t === 1 ? '' : d[t]}十`;
      else if (h && u) s += '零';
      return s + (u ? d[u] : '');
    };
    for (let i = 1; i <= 120; i++) lines.push(`${cn(i)}、完成任务${i}，年底前完成。（县发改局负责）`);
    const doc = parsePlan(lines.join('\n'), 'cn.txt');
    expect(doc.tasks).toHaveLength(120);
    expect(doc.tasks.map((t) => t.path[0]).slice(98, 102)).toEqual(['九十九、', '一百、', '一百零一、', '一百零二、']);
  });

  it('5,000 nested lines stay 1,000 separate tasks, none merged into a giant one', () => {
    const lines = ['某市2024年工作要点'];
    let n = 0;
    for (let a = 1; a <= 10; a++) {
      lines.push(`${['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'][a - 1]}、第${a}部分`);
      for (let b = 1; b <= 10; b++) {
        lines.push(`（${['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'][b - 1]}）第${a}部分第${b}节`);
        for (let c = 1; c <= 10; c++) {
          lines.push(`${c}.任务${++n}。`, `（${1}）具体措施A。（市发改委牵头负责）`, `（${2}）具体措施B，6月底前完成。`, `补充说明${n}。`);
        }
      }
    }
    expect(lines.length).toBeGreaterThan(4000);
    const doc = parsePlan(lines.join('\n'), 'nested.txt');
    expect(doc.tasks).toHaveLength(2000); // 1,000 items × （1）（2）
    expect(doc.tasks[0]!.path).toEqual(['一、', '（一）', '1.', '（1）']);
    expect(doc.tasks.at(-1)!.path).toEqual(['十、', '（十）', '10.', '（2）']);
    expect(Math.max(...doc.tasks.map((t) => t.text.length))).toBeLessThan(40);
  });
});
