import ExcelJS from 'exceljs';
import { createRequire } from 'node:module';
import { PlanError } from '../../plan/errors.js';
import { READ_LIMITS, type Block, type DocModel } from '../model.js';
import { listZip, readZip } from '../zip.js';
import { MAX_MERGED_CELLS, MAX_MERGES, sheetBlocks, type MergeRange, type SheetGrid } from './sheet.js';

/**
 * Worksheet XML (plus shared strings) exceljs may be given: it holds the whole
 * workbook in memory at about 9× the XML size, so 32 MB (≈ 130,000 rows of a
 * six-column 任务分工表) keeps a load under ~300 MB of heap and a few seconds.
 */
export const MAX_SHEET_XML_BYTES = 32 * 1024 * 1024;

/**
 * Excel's built-in number formats 27–36 and 50–58 are locale-dependent and
 * exceljs knows them only per locale, so a date cell in the Chinese default
 * format 31 (yyyy"年"m"月"d"日", what a Chinese Excel or WPS picks) would be
 * read as a bare serial (45838). Give those ids their zh-CN codes so they read
 * as dates. exceljs builds its code → id map for writing when it loads, so
 * writing (the /台账 export) is unchanged.
 */
const builtInFormats = createRequire(import.meta.url)('exceljs/lib/xlsx/defaultnumformats') as Record<string, { f?: string; 'zh-cn'?: string }>;
for (const fmt of Object.values(builtInFormats)) if (!fmt.f && fmt['zh-cn']) fmt.f = fmt['zh-cn'];

/**
 * .xlsx → model with exceljs, after the package has been checked without it:
 * declared unpacked sizes (zip bombs), worksheet XML size, row counts and
 * merged ranges (exceljs expands every merge cell by cell and compares each
 * merge with all earlier ones, so a hostile merge list would hang it). Every
 * visible sheet becomes its title paragraphs plus one table captioned with the
 * sheet name; hidden and empty sheets are skipped and named in `notes`.
 */
export async function readXlsx(bytes: Uint8Array, file: string): Promise<DocModel> {
  const entries = listZip(bytes, file);
  const declared = entries.reduce((s, e) => s + e.size, 0);
  if (declared > READ_LIMITS.maxUnpackedBytes) throw tooLarge(file, `解压后超过 ${mb(READ_LIMITS.maxUnpackedBytes)} MB（可能是压缩炸弹）`);
  const isSheet = (n: string) => /^xl\/worksheets\/[^/]+\.xml$/.test(n);
  const sheetBytes = entries.filter((e) => isSheet(e.name) || e.name === 'xl/sharedStrings.xml').reduce((s, e) => s + e.size, 0);
  if (sheetBytes > MAX_SHEET_XML_BYTES) throw tooLarge(file, `表格内容超过 ${mb(MAX_SHEET_XML_BYTES)} MB，远超一份任务分工表`);
  for (const [name, xml] of readZip(bytes, file, isSheet, MAX_SHEET_XML_BYTES)) precheckSheet(new TextDecoder().decode(xml), name, file);

  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch {
    throw new PlanError('unreadable', `Excel 文件 ${file} 已损坏或不是标准的 .xlsx，无法读取；请在 Excel 或 WPS 中重新保存后再发送`, file);
  }

  const blocks: Block[] = [];
  const notes: string[] = [];
  let formulasWithoutResult = 0;
  for (const ws of wb.worksheets) {
    if (ws.state === 'hidden' || ws.state === 'veryHidden') {
      notes.push(`已跳过隐藏的工作表“${ws.name}”`);
      continue;
    }
    const grid: SheetGrid = { name: ws.name, cells: new Map(), merges: [] };
    const spans = new Map<string, MergeRange>();
    ws.eachRow({ includeEmpty: false }, (row, r) => {
      row.eachCell({ includeEmpty: false }, (cell, c) => {
        if (cell.type === ExcelJS.ValueType.Merge) {
          const m = cell.master;
          const span = spans.get(m.address) ?? { top: Number(m.row) - 1, left: Number(m.col) - 1, bottom: Number(m.row) - 1, right: Number(m.col) - 1 };
          span.bottom = Math.max(span.bottom, r - 1);
          span.right = Math.max(span.right, c - 1);
          spans.set(m.address, span);
          return;
        }
        const shown = displayText(cell.value, cell.numFmt);
        if (shown.missingResult) formulasWithoutResult++;
        if (shown.text === '') return;
        let cols = grid.cells.get(r - 1);
        if (!cols) grid.cells.set(r - 1, (cols = new Map()));
        cols.set(c - 1, shown.text);
      });
    });
    grid.merges = [...spans.values()];
    const sheet = sheetBlocks(grid);
    if (sheet.length === 0) {
      notes.push(`工作表“${ws.name}”是空的，已跳过`);
      continue;
    }
    blocks.push(...sheet);
  }
  if (formulasWithoutResult > 0) notes.push(`${formulasWithoutResult} 个公式单元格没有保存计算结果，按空白处理（请在 Excel 中打开并保存后再发送）`);
  return { format: 'xlsx', blocks, notes };
}

type CellValue = ExcelJS.CellValue;

/** What Excel shows in a cell: rich text joined, formula results, hyperlink text, dates in Chinese. */
export function displayText(value: CellValue, numFmt?: string): { text: string; missingResult?: boolean } {
  if (value === null || value === undefined) return { text: '' };
  if (typeof value === 'string') return { text: value.trim() };
  if (typeof value === 'number') return { text: formatNumber(value, numFmt) };
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE' };
  if (value instanceof Date) return { text: formatDate(value, numFmt) };
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText)) return { text: value.richText.map((t) => t.text).join('').trim() };
    if ('formula' in value || 'sharedFormula' in value) {
      const result = (value as ExcelJS.CellFormulaValue).result;
      if (result === undefined || result === null) return { text: '', missingResult: true };
      if (typeof result === 'object' && 'error' in result) return { text: String(result.error) };
      return displayText(result as CellValue, numFmt);
    }
    if ('hyperlink' in value) return displayText((value as ExcelJS.CellHyperlinkValue).text as CellValue, numFmt);
    if ('error' in value) return { text: String(value.error) };
  }
  return { text: String(value).trim() };
}

function formatNumber(n: number, numFmt?: string): string {
  if (numFmt && /%/.test(numFmt)) {
    const decimals = /\.(0+)%/.exec(numFmt)?.[1]?.length ?? 0;
    return `${(n * 100).toFixed(decimals)}%`;
  }
  const fixed = numFmt ? /^[#,]*0\.(0+)$/.exec(numFmt.replace(/_.*$/, ''))?.[1]?.length : undefined;
  if (fixed !== undefined) return n.toFixed(fixed);
  return Number.isInteger(n) ? String(n) : String(Number.parseFloat(n.toPrecision(12)));
}

/**
 * A date as Chinese plans write it, whatever the cell format (2025/6/30,
 * 2025-06-30, 6月30日): exceljs gives Excel's serial as a UTC instant, so UTC
 * fields are the calendar date the sheet shows.
 */
export function formatDate(d: Date, numFmt?: string): string {
  if (Number.isNaN(d.getTime())) return '';
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  const fmt = (numFmt ?? '').replace(/"[^"]*"|\[[^\]]*\]/g, (s) => (s.startsWith('[') ? '' : s.replace(/[dhms]/gi, '')));
  const hasDay = !fmt || /d/i.test(fmt);
  const hasYear = !fmt || /y/i.test(fmt);
  const timeOnly = !!fmt && /h/i.test(fmt) && !hasDay && !hasYear;
  const time = /h/i.test(fmt) ? ` ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}` : '';
  if (timeOnly) return time.trim();
  if (!hasDay) return `${y}年${m}月`;
  return `${y}年${m}月${day}日${time}`;
}

/** Rows and merges counted in the raw XML, so exceljs never sees a sheet it would choke on. */
function precheckSheet(xml: string, part: string, file: string): void {
  let rows = 0;
  for (let i = xml.indexOf('<row'); i !== -1; i = xml.indexOf('<row', i + 4)) {
    const next = xml.charCodeAt(i + 4);
    if (next === 0x20 || next === 0x3e || next === 0x2f) rows++; // "<row " / "<row>" / "<row/", not "<rowBreaks"
  }
  if (rows > READ_LIMITS.maxTableRows) throw tooLarge(file, `工作表（${part.replace(/^.*\//, '')}）有 ${rows} 行，超过 ${READ_LIMITS.maxTableRows} 行的上限`);
  let merges = 0;
  let area = 0;
  for (const m of xml.matchAll(/<mergeCell\s+ref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"/g)) {
    merges++;
    const c1 = colIndex(m[1]!);
    const r1 = Number(m[2]);
    const c2 = m[3] ? colIndex(m[3]) : c1;
    const r2 = m[4] ? Number(m[4]) : r1;
    area += (Math.abs(r2 - r1) + 1) * (Math.abs(c2 - c1) + 1);
    if (merges > MAX_MERGES || area > MAX_MERGED_CELLS) throw tooLarge(file, `工作表的合并单元格过多或过大（超过 ${MAX_MERGES} 处或 ${MAX_MERGED_CELLS} 格）`);
  }
}

function colIndex(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

function tooLarge(file: string, why: string): PlanError {
  return new PlanError('too-large', `Excel 文件 ${file} ${why}，未导入`, file);
}

function mb(n: number): number {
  return Math.round(n / 1024 / 1024);
}
