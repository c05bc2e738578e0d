import * as XLSX from '@e965/xlsx';
import { PlanError } from '../../plan/errors.js';
import { READ_LIMITS, type Block, type DocModel } from '../model.js';
import { MAX_MERGED_CELLS, MAX_MERGES, sheetBlocks, type SheetGrid } from './sheet.js';

/**
 * Excel 97–2003 (.xls, BIFF8) and WPS 表格 (.et, the same layout) files. BIFF
 * is a record stream, not a zip, so its size is the file's; SheetJS keeps
 * every cell as an object (~1 KB), so the cap is lower than the general one.
 */
export const MAX_XLS_BYTES = 16 * 1024 * 1024;

/**
 * .xls / .et → model with SheetJS (the current community edition, 0.20.3,
 * republished on npm as @e965/xlsx; the npm `xlsx` 0.18.5 has known
 * prototype-pollution and ReDoS advisories). Read only, with everything a
 * plan does not need turned off: no formulas (cached results are read), no
 * styles, HTML, VBA or file lists, and at most maxTableRows rows per sheet.
 */
export async function readXls(bytes: Uint8Array, file: string): Promise<DocModel> {
  if (bytes.byteLength > MAX_XLS_BYTES) {
    throw new PlanError('too-large', `Excel 文件 ${file} 超过 ${MAX_XLS_BYTES / 1024 / 1024} MB，远超一份任务分工表，未导入`, file);
  }
  let wb: XLSX.WorkBook;
  // SheetJS reports unknown records with console.error; the read is synchronous, so silence it just for the call.
  const quiet = { error: console.error, warn: console.warn, log: console.log };
  console.error = console.warn = console.log = () => undefined;
  try {
    wb = XLSX.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      type: 'buffer',
      cellFormula: false,
      cellHTML: false,
      cellStyles: false,
      cellNF: true, // the number format tells a date from a number
      cellText: true,
      cellDates: false,
      bookVBA: false,
      bookFiles: false,
      bookDeps: false,
      sheetStubs: false,
      dense: true,
      sheetRows: READ_LIMITS.maxTableRows + 1,
    });
  } catch (err) {
    if (/password|encrypt/i.test(String(err))) {
      throw new PlanError('encrypted', `Excel 文件 ${file} 设置了打开密码，无法读取；请取消密码后再发送`, file);
    }
    throw new PlanError('unreadable', `Excel 文件 ${file} 已损坏或不是 Excel 97–2003 格式，无法读取；请在 Excel 或 WPS 中另存为 .xlsx 后再发送`, file);
  } finally {
    Object.assign(console, quiet);
  }

  const blocks: Block[] = [];
  const notes: string[] = [];
  wb.SheetNames.forEach((name, i) => {
    if ((wb.Workbook?.Sheets?.[i]?.Hidden ?? 0) !== 0) {
      notes.push(`已跳过隐藏的工作表“${name}”`);
      return;
    }
    const ws = wb.Sheets[name];
    if (!ws) return;
    const full = ws['!fullref'] ? XLSX.utils.decode_range(ws['!fullref']) : undefined;
    if (full && full.e.r - full.s.r + 1 > READ_LIMITS.maxTableRows) {
      throw new PlanError('too-large', `Excel 文件 ${file} 的工作表“${name}”超过 ${READ_LIMITS.maxTableRows} 行的上限，未导入`, file);
    }
    const merges = (ws['!merges'] ?? []).map((m) => ({ top: m.s.r, left: m.s.c, bottom: m.e.r, right: m.e.c }));
    const area = merges.reduce((s, m) => s + (m.bottom - m.top + 1) * (m.right - m.left + 1), 0);
    if (merges.length > MAX_MERGES || area > MAX_MERGED_CELLS) {
      throw new PlanError('too-large', `Excel 文件 ${file} 的工作表“${name}”合并单元格过多或过大，未导入`, file);
    }
    const grid: SheetGrid = { name, cells: new Map(), merges };
    const data = (ws['!data'] ?? []) as (XLSX.CellObject[] | undefined)[];
    data.forEach((row, r) => {
      row?.forEach((cell, c) => {
        const text = cell ? cellText(cell) : '';
        if (!text) return;
        let cols = grid.cells.get(r);
        if (!cols) grid.cells.set(r, (cols = new Map()));
        cols.set(c, text);
      });
    });
    const sheet = sheetBlocks(grid);
    if (sheet.length === 0) notes.push(`工作表“${name}”是空的，已跳过`);
    blocks.push(...sheet);
  });
  return { format: 'xls', blocks, notes };
}

/** The text Excel shows, with a date-formatted number written as Chinese plans write dates. */
function cellText(cell: XLSX.CellObject): string {
  if (cell.t === 'n' && typeof cell.v === 'number' && typeof cell.z === 'string' && XLSX.SSF.is_date(cell.z)) {
    const d = XLSX.SSF.parse_date_code(cell.v);
    if (d && d.y > 1900) {
      const fmt = cell.z.replace(/"[^"]*"|\[[^\]]*\]/g, '');
      if (!/d/i.test(fmt) && /y/i.test(fmt)) return `${d.y}年${d.m}月`;
      if (!/[yd]/i.test(fmt) && /h/i.test(fmt)) return `${String(d.H).padStart(2, '0')}:${String(d.M).padStart(2, '0')}`;
      return `${d.y}年${d.m}月${d.d}日`;
    }
  }
  if (cell.t === 'e') return cell.w ?? '';
  const shown = cell.w ?? (cell.v === undefined || cell.v === null ? '' : String(cell.v));
  return shown.trim();
}
