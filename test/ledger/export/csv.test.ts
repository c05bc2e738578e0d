import { parseString } from '@fast-csv/parse';
import { describe, expect, it } from 'vitest';
import { BOM, exportCsv, guardFormula, quoteCsv } from '../../../src/ledger/export/csv.js';
import { ledgerRows, type DocumentRows } from '../../../src/ledger/rows.js';
import { loadLedger } from '../fixtures.js';

/** Read back with an independent RFC 4180 reader (fast-csv, the one exceljs uses). */
function readCsv(text: string): Promise<string[][]> {
  return new Promise((resolve, reject) => {
    const rows: string[][] = [];
    parseString(text, { headers: false })
      .on('data', (row: string[]) => rows.push(row))
      .on('error', reject)
      .on('end', () => resolve(rows));
  });
}

function hostileDoc(): DocumentRows[] {
  const docs = ledgerRows(loadLedger('county-plan.json'));
  const row = docs[0]!.rows[0]!;
  row.task = '他说"按期完成",并且\r\n分两段报送';
  row.lead = '=HYPERLINK("http://x","点击")';
  row.co = '+各乡镇';
  row.deadline = '-1';
  row.source = '@来源';
  return docs;
}

describe('exportCsv', () => {
  it('starts with a UTF-8 BOM so Excel shows Chinese, and uses CRLF line ends', () => {
    const csv = exportCsv(ledgerRows(loadLedger('county-plan.json')));
    expect(csv.startsWith(BOM)).toBe(true);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.split('\r\n')[0]).toBe(`${BOM}序号,任务,牵头单位,责任单位,时限,来源`);
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('round-trips every cell through a standard CSV reader', async () => {
    const docs = ledgerRows(loadLedger('county-plan.json'));
    const rows = await readCsv(exportCsv(docs).slice(1));
    expect(rows[0]).toEqual(['序号', '任务', '牵头单位', '责任单位', '时限', '来源']);
    expect(rows.slice(1)).toEqual(docs[0]!.rows.map((r) => [r.seq, r.task, r.lead, r.co, r.deadline, r.source]));
  });

  it('keeps quotes, commas and line breaks inside one cell', async () => {
    const rows = await readCsv(exportCsv(hostileDoc()).slice(1));
    expect(rows).toHaveLength(6);
    expect(rows[1]![1]).toBe('他说"按期完成",并且\r\n分两段报送');
  });

  it('neutralises cells a spreadsheet would run as formulas', async () => {
    const rows = await readCsv(exportCsv(hostileDoc()).slice(1));
    expect(rows[1]!.slice(2)).toEqual(["'=HYPERLINK(\"http://x\",\"点击\")", "'+各乡镇", "'-1", "'@来源"]);
  });

  it('adds live columns when the rows carry progress', async () => {
    const docs = ledgerRows(loadLedger('county-plan.json'), { extras: () => ({ status: '已完成', updatedAt: '2024-05-06 09:00' }) });
    const rows = await readCsv(exportCsv(docs).slice(1));
    expect(rows[0]!.slice(6)).toEqual(['状态', '最新进展', '更新时间']);
    expect(rows[1]!.slice(6)).toEqual(['已完成', '', '2024-05-06 09:00']);
  });
});

describe('quoteCsv / guardFormula', () => {
  it('quotes only when needed and doubles inner quotes', () => {
    expect(quoteCsv('县发改局')).toBe('县发改局');
    expect(quoteCsv('a,b')).toBe('"a,b"');
    expect(quoteCsv('a"b')).toBe('"a""b"');
    expect(quoteCsv('a\nb')).toBe('"a\nb"');
  });

  it('prefixes =, +, -, @, tab and CR but leaves ordinary text alone', () => {
    for (const s of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1']) expect(guardFormula(s)).toBe(`'${s}`);
    for (const s of ['县财政局', '7月底前（2024-07-31）', '1=1', '']) expect(guardFormula(s)).toBe(s);
  });
});
