import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { exportXlsx, sheetNames } from '../../../src/ledger/export/xlsx.js';
import { ledgerRows } from '../../../src/ledger/rows.js';
import { loadLedger } from '../fixtures.js';

async function load(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  return wb;
}

function values(row: ExcelJS.Row): string[] {
  const out: string[] = [];
  row.eachCell({ includeEmpty: true }, (cell) => out.push(cell.value === null ? '' : String(cell.value)));
  return out;
}

describe('exportXlsx', () => {
  it('reads back with one sheet per document, a frozen bold filled header, and every row', async () => {
    const docs = ledgerRows(loadLedger('county-plan.json'));
    const wb = await load(await exportXlsx(docs, { created: new Date('2024-04-01T00:00:00Z') }));
    expect(wb.worksheets.map((s) => s.name)).toEqual(['梧桐县2024年政务公开工作要点']);
    const sheet = wb.worksheets[0]!;

    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const header = sheet.getRow(1);
    expect(values(header)).toEqual(['序号', '任务', '牵头单位', '责任单位', '时限', '来源']);
    header.eachCell((cell) => {
      expect(cell.font?.bold).toBe(true);
      expect(cell.fill).toMatchObject({ type: 'pattern', pattern: 'solid' });
    });

    expect(sheet.rowCount).toBe(1 + docs[0]!.rows.length);
    docs[0]!.rows.forEach((r, i) => {
      const row = sheet.getRow(i + 2);
      expect(values(row).slice(0, 6)).toEqual([r.seq, r.task, r.lead, r.co, r.deadline, r.source]);
      expect(row.getCell(2).alignment?.wrapText).toBe(true);
    });

    expect(sheet.autoFilter).toBeTruthy();
    expect(sheet.getColumn(2).width).toBeGreaterThan(sheet.getColumn(1).width!);
    expect(sheet.pageSetup.printTitlesRow).toBe('1:1');
  });

  it('stores document text as text, never as a formula', async () => {
    const docs = ledgerRows(loadLedger('county-plan.json'));
    docs[0]!.rows[0]!.lead = '=1+1';
    const sheet = (await load(await exportXlsx(docs))).worksheets[0]!;
    const cell = sheet.getRow(2).getCell(3);
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.value).toBe('=1+1');
  });

  it('names sheets safely: no forbidden characters, at most 31 characters, unique', async () => {
    const docs = ledgerRows(loadLedger('awkward-titles.json'));
    const wb = await load(await exportXlsx(docs));
    const names = wb.worksheets.map((s) => s.name);
    expect(names).toHaveLength(3);
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(31);
      expect(name).not.toMatch(/[[\]:*?/\\]/u);
    }
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(3);
    expect(names[1]!.endsWith('(2)')).toBe(true);
    expect(names[2]).toBe('untitled');
    // A document without tasks still gets its sheet, with the header.
    expect(values(wb.worksheets[2]!.getRow(1))).toEqual(['序号', '任务', '牵头单位', '责任单位', '时限', '来源']);
  });

  it('adds the live columns when rows carry progress', async () => {
    const docs = ledgerRows(loadLedger('county-plan.json'), { extras: () => ({ status: '进行中', progress: '已完成过半' }) });
    const sheet = (await load(await exportXlsx(docs))).worksheets[0]!;
    expect(values(sheet.getRow(1))).toEqual(['序号', '任务', '牵头单位', '责任单位', '时限', '来源', '状态', '最新进展', '更新时间']);
    expect(values(sheet.getRow(2)).slice(6, 8)).toEqual(['进行中', '已完成过半']);
  });
});

describe('sheetNames', () => {
  it('never splits a character and avoids names Excel reserves', () => {
    const names = sheetNames([
      { title: '𠀀'.repeat(20), file: 'a.txt' },
      { title: 'History', file: 'b.txt' },
      { title: "'引号'", file: 'c.txt' },
      { title: '', file: '' },
    ]);
    expect(names[0]).toBe('𠀀'.repeat(15));
    expect(names[1]).not.toBe('History');
    expect(names[2]).toBe('引号');
    expect(names[3]).toBe('文件4');
  });
});
