import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { DocModel, Paragraph, Table } from '../../../src/doc/model.js';
import { readDocument } from '../../../src/doc/read.js';
import { readHtml } from '../../../src/doc/readers/html.js';
import { PlanError } from '../../../src/plan/errors.js';
import { parseDocument } from '../../../src/plan/parse.js';
import { SAMPLE } from '../../fixtures/formats/sample-plan.js';
import { expectedItems, expectedRows, split, view } from './sample-expect.js';

const dir = join(import.meta.dirname, '../../fixtures/formats/html');
const load = (f: string) => new Uint8Array(readFileSync(join(dir, f)));
const utf8 = (s: string) => new TextEncoder().encode(s);
const paras = (m: DocModel) => m.blocks.filter((b): b is Paragraph => b.kind === 'paragraph');
const tables = (m: DocModel) => m.blocks.filter((b): b is Table => b.kind === 'table');
const allText = (m: DocModel) => m.blocks.map((b) => (b.kind === 'paragraph' ? `${b.label ?? ''}${b.text}` : b.rows.flat().map((c) => c.text).join('|'))).join('\n');

/** Words only the page furniture of the fixture carries (nav, sidebar, footer, script, hidden block, controls). */
const FURNITURE = ['县审计局', '县档案局', '县大数据中心', '县统计局', '浏览次数', '打印', '关闭窗口', '分享到', '当前位置', '首页', '版权所有', '下载附件', '无障碍', '政务服务', '字体'];

describe('readHtml: the sample plan saved from a government site', () => {
  it('reads the article and its title, and none of the page furniture', async () => {
    const m = await readHtml(load('sample-plan.html'), 'sample-plan.html');
    expect(paras(m)[0]!.text).toBe(SAMPLE.title);
    const text = allText(m);
    for (const junk of FURNITURE) expect(text, junk).not.toContain(junk);
    for (const it of SAMPLE.sections.flatMap((s) => s.items)) expect(text).toContain(it.text);
    expect(m.notes.join('')).toMatch(/正文/);
  });

  it('keeps the task table with its rowspan and the colspan title row', async () => {
    const m = await readHtml(load('sample-plan.html'), 'sample-plan.html');
    const [t] = tables(m);
    expect(tables(m)).toHaveLength(1); // the layout table around the article is not a table of data
    expect(t!.rows[0]).toEqual([{ text: '重点任务分工表', rowSpan: 1, colSpan: 6 }]);
    expect(t!.rows[1]!.map((c) => c.text)).toEqual([...SAMPLE.tableHeader]);
    const spans = t!.rows.flatMap((r) => r.filter((c) => c.rowSpan > 1).map((c) => [c.text, c.rowSpan]));
    expect(spans).toEqual([['优化营商环境', 3], ['保障基本民生', 2]]);
  });

  it('reads to the sample ledger through parseDocument', async () => {
    const doc = await parseDocument(load('sample-plan.html'), 'sample-plan.html');
    expect(doc.title).toBe(SAMPLE.title);
    expect(doc.docNumber).toBe(SAMPLE.docNumber);
    const { items, rows } = split(doc);
    expect(items.map((t) => ({ path: t.path, ...view(t) }))).toEqual(expectedItems().map(({ path, leads, co, due }) => ({ path, leads, co, due })));
    expect(rows.map(view)).toEqual(expectedRows().map(({ leads, co, due }) => ({ leads, co, due })));
  });

  it('the GBK copy (<meta http-equiv … charset=gb2312>) reads the same as the UTF-8 one', async () => {
    const gbk = load('sample-plan-gbk.htm');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(gbk)).toThrow(); // really GBK bytes
    const a = await readHtml(load('sample-plan.html'), 'a.html');
    const b = await readDocument(gbk, 'sample-plan-gbk.htm');
    expect(b.blocks).toEqual(a.blocks);
  });
});

describe('readHtml: page shapes', () => {
  const read = (html: string) => readHtml(utf8(html), 'page.html');

  it('gives <ol> items their number only when the text has none', async () => {
    const m = await read('<html><body><div class="content"><ol><li>推进财政公开（县财政局牵头）</li><li>（二）已有编号的条目</li><li>第三条</li></ol><ol type="a" start="3"><li>丙项</li></ol><ul><li>无序条目</li></ul></div></body></html>');
    expect(paras(m).map((p) => [p.label, p.text])).toEqual([
      ['1.', '推进财政公开（县财政局牵头）'],
      [undefined, '（二）已有编号的条目'],
      ['3.', '第三条'],
      ['c.', '丙项'],
      [undefined, '无序条目'],
    ]);
  });

  it('numbers <ol style="list-style-type: cjk-ideographic"> the Chinese way', async () => {
    const m = await read('<html><body><div class="content"><ol style="list-style-type: cjk-ideographic"><li>总体要求</li><li>重点任务</li></ol></div></body></html>');
    expect(paras(m).map((p) => (p.label ?? '') + p.text)).toEqual(['一、总体要求', '二、重点任务']);
  });

  it('a page Word saved as HTML keeps its list numbers (mso-list spans) and drops its footnotes', async () => {
    const m = await read(`<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta http-equiv=Content-Type content="text/html; charset=utf-8"><meta name=Generator content="Microsoft Word 15 (filtered)"></head><body lang=ZH-CN><div class=WordSection1>
<p class=MsoNormal align=center><b><span style='font-size:22.0pt'>2025年工作要点</span></b></p>
<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><![if !supportLists]><span style='mso-list:Ignore'>一、<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span><![endif]><span>深化重点领域信息公开</span></p>
<p class=MsoListParagraph style='mso-list:l0 level2 lfo1'><![if !supportLists]><span style='mso-list:Ignore'>（一）</span><![endif]>做好财政预决算公开。（县财政局牵头负责）<o:p></o:p></p>
</div><div style='mso-element:footnote-list'><div style='mso-element:footnote' id=ftn1><p class=MsoFootnoteText>脚注：县审计局牵头</p></div></div></body></html>`);
    expect(paras(m).map((p) => p.text)).toEqual(['2025年工作要点', '一、 深化重点领域信息公开', '（一）做好财政预决算公开。（县财政局牵头负责）']);
  });

  it('an article wrapped for the print button (id="printContent") is the article, not a print control', async () => {
    const m = await read('<html><body><div class="print-bar">【打印】</div><div id="printContent"><p>一、推进政务公开（县政府办牵头）</p><p>二、做好政策解读（县司法局牵头）</p></div><div class="share">分享到：微信</div></body></html>');
    expect(paras(m).map((p) => p.text)).toEqual(['一、推进政务公开（县政府办牵头）', '二、做好政策解读（县司法局牵头）']);
  });

  it('takes the article title that <title> repeats, not the site logo in an h1', async () => {
    const m = await read('<html><head><title>关于印发2025年政务公开工作要点的通知_通知公告_某县人民政府</title></head><body><div class="logo"><h1>某县人民政府</h1></div><div class="main"><h1 class="tit">关于印发2025年政务公开工作要点的通知</h1><div class="info">发布时间：2025-03-01</div><div class="TRS_Editor"><p>一、推进政务公开（县政府办牵头）</p><p>二、做好政策解读（县司法局牵头）</p><p>三、加强平台建设（县数据局牵头）</p></div></div></body></html>');
    expect(paras(m)[0]).toEqual({ kind: 'paragraph', text: '关于印发2025年政务公开工作要点的通知', level: 0 });
  });

  it('takes the 文号 from the metadata table outside the article', async () => {
    const page = '<html><head><title>工作要点</title></head><body><table class="xxgk"><tr><td>索引号：</td><td>001-2025-0007</td><td>发文字号：</td><td>某政办〔2025〕12号</td></tr></table><div class="TRS_Editor"><p>2025年全县政务公开工作要点</p><p>一、推进政务公开。6月底前完成。（县政府办牵头负责）</p><p>二、做好政策解读。（县司法局牵头负责）</p></div></body></html>';
    const doc = await parseDocument(utf8(page), 'page.html');
    expect(doc.docNumber).toBe('某政办〔2025〕12号');
    expect(doc.tasks.map((t) => t.leads)).toEqual([['县政府办'], ['县司法局']]);
  });

  it('splits <br> lines into paragraphs and gives h1–h6 their level', async () => {
    const m = await read('<html><body><article><h2>一、总体要求</h2><p>第一行<br>第二行<br/><br>第三行</p></article></body></html>');
    expect(paras(m).map((p) => [p.text, p.level])).toEqual([['一、总体要求', 1], ['第一行', undefined], ['第二行', undefined], ['第三行', undefined]]);
  });

  it('without a named container, reads the element holding most of the prose', async () => {
    const prose = Array.from({ length: 6 }, (_, i) => `<p>（${'一二三四五六'[i]}）第${i + 1}项工作的具体内容，由县直有关部门负责落实到位。</p>`).join('');
    const m = await read(`<html><body><div class="top"><a href="#">网站首页</a><a href="#">机构设置</a></div><div class="wrap"><div class="left"><a href="#">通知公告</a></div><div class="right">${prose}</div></div><div class="copy">主办单位：某某县人民政府</div></body></html>`);
    expect(paras(m).map((p) => p.text)).toEqual(Array.from({ length: 6 }, (_, i) => `（${'一二三四五六'[i]}）第${i + 1}项工作的具体内容，由县直有关部门负责落实到位。`));
  });

  it('a page without a charset that is GBK is read as GB18030; a false UTF-8 declaration is noted', async () => {
    const page = '<html><head><title>测试</title></head><body><div class="content"><p>一、推进政务公开（县政府办牵头）</p></div></body></html>';
    const bare = await readHtml(new Uint8Array(iconv.encode(page, 'gbk')), 'a.html');
    expect(paras(bare).map((p) => p.text)).toContain('一、推进政务公开（县政府办牵头）');
    const lying = await readHtml(new Uint8Array(iconv.encode(page.replace('<head>', '<head><meta charset="utf-8">'), 'gbk')), 'b.html');
    expect(paras(lying).map((p) => p.text)).toContain('一、推进政务公开（县政府办牵头）');
    expect(lying.notes.join('')).toMatch(/GB18030/);
  });

  it('strips control fragments from a line and keeps the rest', async () => {
    const m = await read('<html><body><div class="article"><p>发布时间：2025-01-10 阅读次数：88 【字体：大 中 小】【打印】</p><p>一、做好公开工作</p><p>【打印本页】 【关闭窗口】</p></div></body></html>');
    expect(paras(m).map((p) => p.text)).toEqual(['发布时间：2025-01-10', '一、做好公开工作']);
  });

  it('a cell holding a nested table is layout: its tables are read as tables', async () => {
    const data = '<table><tr><td>序号</td><td>任务</td><td>牵头单位</td></tr><tr><td>1</td><td>推进公开</td><td>县政府办</td></tr></table>';
    const m = await read(`<html><body><table><tr><td><div class="content"><p>说明文字</p>${data}</div></td></tr></table></body></html>`);
    expect(tables(m)).toHaveLength(1);
    expect(tables(m)[0]!.rows.map((r) => r.map((c) => c.text))).toEqual([['序号', '任务', '牵头单位'], ['1', '推进公开', '县政府办']]);
  });

  it('a page nested thousands of elements deep is refused, not a stack overflow', async () => {
    const deep = `<html><body>${'<div>'.repeat(5000)}文字${'</div>'.repeat(5000)}</body></html>`;
    const err = await read(deep).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(PlanError);
    expect((err as PlanError).message).toMatch(/嵌套/);
  });
});

describe('readHtml: the sample .docx exported as a web page by LibreOffice', () => {
  it('drops the exported header and footer, numbers nested <ol> items with their depth, keeps the table spans', async () => {
    const m = await readHtml(load('libreoffice-export.html'), 'libreoffice-export.html');
    const text = allText(m);
    for (const junk of ['页眉', '县档案局', '第 1 页', '批注']) expect(text, junk).not.toContain(junk);
    expect(paras(m).filter((p) => p.label).map((p) => [p.label, p.level])).toEqual([['1.', 0], ['1.', 1], ['2.', 1], ['2.', 0], ['1.', 1], ['2.', 1]]);
    const [t] = tables(m);
    expect(t!.rows.flatMap((r) => r.filter((c) => c.rowSpan > 1).map((c) => [c.text, c.rowSpan]))).toEqual([['优化营商环境', 3], ['保障基本民生', 2]]);
    const doc = await parseDocument(load('libreoffice-export.html'), 'libreoffice-export.html');
    expect(doc.tasks.slice(-SAMPLE.rows.length).map(view)).toEqual(expectedRows().map(({ leads, co, due }) => ({ leads, co, due })));
  });
});

