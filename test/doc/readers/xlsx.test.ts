import { readFileSync } from 'node:fs';
import path from 'node:path';
import { strToU8, unzipSync, zipSync, Zip, ZipDeflate } from 'fflate';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { expandGrid, READ_LIMITS, type DocModel, type Table } from '../../../src/doc/model.js';
import { readDocument } from '../../../src/doc/read.js';
import { readXlsx } from '../../../src/doc/readers/xlsx.js';
import { PlanError } from '../../../src/plan/errors.js';
import { parseDocument } from '../../../src/plan/parse.js';
import { bigXlsx } from '../../fixtures/formats/make-xlsx.js';
import { expectedItems, expectedRows, ledger, texts, want } from '../../fixtures/formats/sample-ledger.js';
import { SAMPLE } from '../../fixtures/formats/sample-plan.js';

const dir = path.join(import.meta.dirname, '../../fixtures/formats');
const fixture = (name: string) => new Uint8Array(readFileSync(path.join(dir, name)));
const tables = (m: DocModel) => m.blocks.filter((b): b is Table => b.kind === 'table');

async function refusal(p: Promise<unknown>): Promise<PlanError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PlanError);
  return err as PlanError;
}

describe('xlsx reader: the model', () => {
  it('gives every visible sheet as a table captioned with its name, the title rows as paragraphs, hidden and empty sheets named in notes', async () => {
    const m = await readDocument(fixture('sample-plan.xlsx'), '任务分工表.xlsx');
    expect(m.format).toBe('xlsx');
    expect(tables(m).map((t) => t.caption)).toEqual(['任务分工表', '重点领域']);
    const paras = m.blocks.filter((b) => b.kind === 'paragraph').map((b) => (b.kind === 'paragraph' ? b.text : ''));
    expect(paras).toEqual([`${SAMPLE.title}任务分工表`, SAMPLE.docNumber]);
    expect(m.notes.join('\n')).toMatch(/隐藏的工作表“单位列表”/);
    expect(m.notes.join('\n')).toMatch(/“Sheet4”是空的/);
    expect(JSON.stringify(m)).not.toContain('县财政局、县税务局、县教育局'); // nothing of the hidden sheet
  });

  it('puts a merged cell once, on its master, with the rows it spans, and the covered positions omitted', async () => {
    const [table] = tables(await readXlsx(fixture('sample-plan.xlsx'), 'a.xlsx'));
    const rows = table!.rows;
    expect(rows[0]!.map((c) => c.text)).toEqual([...SAMPLE.tableHeader]);
    // 优化营商环境 spans the three rows that share it; the next two rows have one cell fewer.
    expect(rows[1]![1]).toEqual({ text: '优化营商环境', rowSpan: 3, colSpan: 1 });
    expect(rows[2]).toHaveLength(SAMPLE.tableHeader.length - 1);
    expect(rows[3]).toHaveLength(SAMPLE.tableHeader.length - 1);
    expect(rows[4]![1]).toEqual({ text: '保障基本民生', rowSpan: 2, colSpan: 1 });
    // Expanded, every row reads as printed: rich text joined, empty 责任单位 kept empty.
    const grid = expandGrid(table!);
    expect(grid.map((r) => r[1])).toEqual(['重点任务', ...SAMPLE.rows.map((r) => r.area)]);
    expect(grid.map((r) => r[2])).toEqual(['具体措施', ...SAMPLE.rows.map((r) => r.measure)]);
    expect(grid.map((r) => r[4])).toEqual(['责任单位', ...SAMPLE.rows.map((r) => r.co)]);
  });

  it('reads date cells as Chinese dates whatever their format', async () => {
    const [, prose] = tables(await readXlsx(fixture('sample-plan.xlsx'), 'a.xlsx'));
    const dates = expandGrid(prose!).slice(1).map((r) => r[4]);
    const want = expectedItems.map((i) => (i.due[0] ? i.due[0].replace(/^(\d+)-0?(\d+)-0?(\d+)$/, '$1年$2月$3日') : '每季度'));
    expect(dates).toEqual(want);
  });

  it('starts the table at its header wherever it is (notes above it, table from column B) and keeps section rows across the table', async () => {
    const notes = await readXlsx(fixture('layout-notes-above-header.xlsx'), 'a.xlsx');
    expect(notes.blocks.slice(0, 3).map((b) => b.kind)).toEqual(['paragraph', 'paragraph', 'paragraph']);
    expect(expandGrid(tables(notes)[0]!)[0]).toEqual([...SAMPLE.tableHeader]);
    const sections = await readXlsx(fixture('layout-section-rows.xlsx'), 'a.xlsx');
    const rows = tables(sections)[0]!.rows;
    expect(rows[1]).toEqual([{ text: `一、${SAMPLE.rows[0]!.area}`, rowSpan: 1, colSpan: 5 }]);
  });
});

describe('xlsx reader: the ledger through parseDocument', () => {
  it('gives the sample plan: title, year, 文号, and every row and item with its leads, co-units and dates', async () => {
    const plan = await parseDocument(fixture('sample-plan.xlsx'), '任务分工表.xlsx');
    expect(plan.title).toContain(SAMPLE.title);
    expect(plan.year).toBe(2025);
    expect(plan.docNumber).toBe(SAMPLE.docNumber);
    // Sheet order: the 任务分工表 rows, then the prose items of the second sheet.
    expect(ledger(plan)).toEqual(want([...expectedRows, ...expectedItems]));
    expect(plan.tasks.map((t) => t.text)).toEqual(texts([...expectedRows, ...expectedItems]));
  });

  it.each(['layout-notes-above-header.xlsx', 'layout-columns-reordered.xlsx', 'layout-section-rows.xlsx'])('%s: the same rows, leads and dates', async (name) => {
    const plan = await parseDocument(fixture(name), name);
    expect(ledger(plan)).toEqual(want(expectedRows));
    expect(plan.tasks.map((t) => t.text)).toEqual(texts(expectedRows));
  });

  it('a sheet whose only unit column is 责任单位 gives 责任单位, never a 牵头单位', async () => {
    const plan = await parseDocument(fixture('layout-co-only.xlsx'), 'a.xlsx');
    expect(ledger(plan)).toEqual(expectedRows.map((e) => ({ leads: [], co: e.leads, due: e.due })));
  });
});

describe('xlsx reader: bad input', () => {
  it('refuses a zip bomb from its declared sizes, before inflating it', async () => {
    // 101 MB of one byte, deflated to ~100 KB, streamed so the test never holds it.
    const parts: Uint8Array[] = [];
    const zip = new Zip((err, chunk) => {
      if (err) throw err;
      parts.push(chunk);
    });
    const add = (name: string, data: Uint8Array) => {
      const f = new ZipDeflate(name, { level: 1 });
      zip.add(f);
      f.push(data, true);
    };
    add('[Content_Types].xml', strToU8('<Types/>'));
    add('xl/workbook.xml', strToU8('<workbook/>'));
    const bomb = new ZipDeflate('xl/worksheets/sheet1.xml', { level: 1 });
    zip.add(bomb);
    const mb = new Uint8Array(1024 * 1024).fill(0x20);
    for (let i = 0; i < 101; i++) bomb.push(mb, i === 100);
    zip.end();
    const bytes = new Uint8Array(Buffer.concat(parts));
    expect(bytes.byteLength).toBeLessThan(READ_LIMITS.maxFileBytes);
    const err = await refusal(readDocument(bytes, 'bomb.xlsx'));
    expect(err.code).toBe('too-large');
    expect(err.message).toMatch(/压缩炸弹|超过/);
  });

  it('refuses a merge covering the whole sheet instead of expanding 17 billion cells', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Sheet1').addRow(['序号', '任务', '牵头单位']);
    const files = unzipSync(new Uint8Array(await wb.xlsx.writeBuffer()));
    const sheet = new TextDecoder().decode(files['xl/worksheets/sheet1.xml']);
    files['xl/worksheets/sheet1.xml'] = strToU8(sheet.replace('</sheetData>', '</sheetData><mergeCells count="1"><mergeCell ref="A2:XFD1048576"/></mergeCells>'));
    const err = await refusal(readXlsx(zipSync(files), 'merge.xlsx'));
    expect(err.code).toBe('too-large');
    expect(err.message).toMatch(/合并单元格/);
  });

  it('reads a 50,000-row sheet whole', async () => {
    const m = await readXlsx(await bigXlsx(50_000), 'big.xlsx');
    const [table] = tables(m);
    expect(table!.rows).toHaveLength(50_001); // header + rows
    expect(expandGrid({ rows: table!.rows.slice(-1) })[0]![2]).toContain('（第50000项）');
  }, 60_000);

  it('refuses a sheet over the row limit before loading it', async () => {
    const err = await refusal(readXlsx(await bigXlsx(READ_LIMITS.maxTableRows + 10), 'huge.xlsx'));
    expect(err.code).toBe('too-large');
    expect(err.message).toContain(`${READ_LIMITS.maxTableRows}`);
  }, 60_000);

  it('refuses a damaged workbook as unreadable', async () => {
    const files = unzipSync(fixture('sample-plan.xlsx'));
    files['xl/workbook.xml'] = strToU8('<workbook><sheets><sheet name="x" r:id="rId99"');
    const err = await refusal(readXlsx(zipSync(files), 'broken.xlsx'));
    expect(err.code).toBe('unreadable');
    expect(err.message).toMatch(/重新保存/);
  });
});

describe('xlsx reader: Chinese Excel', () => {
  it('reads a date in the built-in Chinese format (numFmtId 31, no format code in the file) as a date, not a serial number', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(['序号', '工作任务', '牵头单位', '完成时限']);
    ws.addRow([1, '公开预算', '县财政局', new Date('2025-06-30T00:00:00Z')]);
    ws.getCell('D2').numFmt = 'yyyy"年"m"月"d"日"';
    const files = unzipSync(new Uint8Array(await wb.xlsx.writeBuffer()));
    // Rewrite the style to point at built-in format 31 and drop the custom code, as Excel zh-CN saves it.
    const styles = new TextDecoder().decode(files['xl/styles.xml']);
    const id = /<numFmt numFmtId="(\d+)" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"\/>/.exec(styles)?.[1];
    expect(id).toBeDefined();
    files['xl/styles.xml'] = strToU8(styles.replace(/<numFmts[^]*?<\/numFmts>/, '').replaceAll(`numFmtId="${id}"`, 'numFmtId="31"'));
    const [table] = tables(await readXlsx(zipSync(files), 'zh.xlsx'));
    expect(expandGrid(table!)[1]).toEqual(['1', '公开预算', '县财政局', '2025年6月30日']);
    // A date alone in 完成时限 is the deadline.
    const plan = await parseDocument(zipSync(files), 'zh.xlsx');
    expect(plan.tasks.map((t) => t.deadlines.map((d) => d.date))).toEqual([['2025-06-30']]);
  });
});
