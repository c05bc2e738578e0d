import { cellValue, columnsFor, type DocumentRows } from '../rows.js';

/** Excel only detects UTF-8 (and so shows Chinese correctly) when the file starts with a BOM. */
export const BOM = '\uFEFF';

/**
 * Cells Excel or LibreOffice would evaluate as a formula when the CSV is opened
 * (OWASP "CSV injection"). A leading apostrophe makes them plain text.
 */
const FORMULA_START = /^[=+\-@\t\r]/u;

export function guardFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** RFC 4180: quote fields holding a quote, comma or line break; double inner quotes. */
export function quoteCsv(value: string): string {
  return /[",\r\n]/u.test(value) ? `"${value.replace(/"/gu, '""')}"` : value;
}

/**
 * All documents in one table (CSV has no sheets; the 来源 column tells
 * documents apart). CRLF line ends, as RFC 4180 and Excel expect.
 */
export function exportCsv(documents: readonly DocumentRows[]): string {
  const rows = documents.flatMap((d) => d.rows);
  const columns = columnsFor(rows);
  const line = (cells: string[]) => cells.map((c) => quoteCsv(guardFormula(c))).join(',');
  const lines = [line(columns.map((c) => c.header)), ...rows.map((r) => line(columns.map((c) => cellValue(r, c.key))))];
  return `${BOM}${lines.join('\r\n')}\r\n`;
}
