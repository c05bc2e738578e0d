import { cellValue, columnsFor, BASE_COLUMNS, type DocumentRows } from '../rows.js';

/** Excel refuses these in sheet names, and names over 31 characters. */
const SHEET_FORBIDDEN = /[[\]:*?/\\]/gu;
const SHEET_MAX = 31;

/**
 * Sheet names from document titles: forbidden characters replaced, length
 * capped without splitting a surrogate pair, no leading/trailing apostrophe,
 * and unique case-insensitively (Excel's rule) by a "(2)" suffix.
 */
export function sheetNames(documents: readonly Pick<DocumentRows, 'title' | 'file'>[]): string[] {
  const used = new Set<string>();
  return documents.map((doc, i) => {
    let base = cleanSheetName(doc.title) || cleanSheetName(doc.file.replace(/\.[^.]+$/u, '')) || `文件${i + 1}`;
    if (base.toLowerCase() === 'history') base = `${base}_`; // reserved by Excel
    let name = fit(base, '');
    for (let n = 2; used.has(name.toLowerCase()); n += 1) name = fit(base, `(${n})`);
    used.add(name.toLowerCase());
    return name;
  });
}

function cleanSheetName(raw: string): string {
  return raw
    .replace(SHEET_FORBIDDEN, '_')
    .replace(/[\u0000-\u001f]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/^'+|'+$/gu, '');
}

function fit(base: string, suffix: string): string {
  const room = SHEET_MAX - suffix.length;
  let out = '';
  for (const ch of base) {
    if (out.length + ch.length > room) break;
    out += ch;
  }
  return `${out.replace(/'+$/u, '')}${suffix}`;
}

export interface XlsxOptions {
  /** Stamped into the workbook properties; pass the clock's now for reproducible files. */
  created?: Date;
}

const HEADER_FILL = 'FFDDEBF7';

/** One sheet per document, formatted for printing and filtering by people. */
export async function exportXlsx(documents: readonly DocumentRows[], options: XlsxOptions = {}): Promise<Buffer> {
  // Loaded on first use: exceljs costs ~100 ms and 30 MB, and only /台账 and the CLI export need it.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '督办';
  const created = options.created ?? new Date();
  workbook.created = created;
  workbook.modified = created;

  const docs = documents.length > 0 ? documents : [{ title: '任务台账', file: '', issuer: '', docNumber: '', issuedOn: '', rows: [] }];
  const names = sheetNames(docs);
  docs.forEach((doc, i) => {
    const columns = doc.rows.length > 0 ? columnsFor(doc.rows) : [...BASE_COLUMNS];
    const sheet = workbook.addWorksheet(names[i]!, {
      views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }],
      pageSetup: {
        paperSize: 9, // A4
        orientation: 'landscape',
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
        printTitlesRow: '1:1',
      },
    });
    sheet.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width }));
    for (const row of doc.rows) {
      sheet.addRow(Object.fromEntries(columns.map((c) => [c.key, cellValue(row, c.key)])));
    }

    sheet.eachRow((row, rowNumber) => {
      row.eachCell({ includeEmpty: true }, (cell) => {
        cell.alignment = { wrapText: true, vertical: rowNumber === 1 ? 'middle' : 'top' };
      });
    });
    const header = sheet.getRow(1);
    header.font = { bold: true };
    header.height = 22;
    header.eachCell((cell) => {
      cell.font = { bold: true };
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } };
      cell.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
      cell.border = { bottom: { style: 'thin' } };
    });
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, doc.rows.length + 1), column: columns.length } };
  });

  const data = await workbook.xlsx.writeBuffer();
  return Buffer.from(data as ArrayBuffer);
}
