import { paragraph, type Block, type Cell } from '../model.js';

/**
 * One worksheet as any spreadsheet reader sees it (xlsx, xls, et): displayed
 * cell texts by 0-based row/column and merged ranges. `sheetBlocks` turns it
 * into the model the same way whatever library read it.
 */
export interface SheetGrid {
  name: string;
  /** Displayed text of each non-empty cell, keyed row → column (0-based). Covered cells of a merge are absent. */
  cells: Map<number, Map<number, string>>;
  merges: MergeRange[];
}

/** Positions all merges of a sheet may cover together: beyond it a file is refused before it is expanded (a merge of A1:XFD1048576 is 17 billion cells). */
export const MAX_MERGED_CELLS = 2_000_000;
/** Merges per sheet: exceljs checks each new merge against every earlier one. */
export const MAX_MERGES = 10_000;

/** Inclusive, 0-based. */
export interface MergeRange {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/**
 * A sheet → blocks: the title and note rows above the table (rows holding one
 * text, typically a merged "2025年重点工作任务分工表" across the top) become
 * paragraphs so the extractor finds the title and year; the rest is one table
 * captioned with the sheet name, merges as spans on the master cell, covered
 * positions omitted, empty rows and leading/trailing empty columns dropped.
 * Header detection is the extractor's: every other row is delivered as is.
 */
export function sheetBlocks(sheet: SheetGrid): Block[] {
  const text = (r: number, c: number) => sheet.cells.get(r)?.get(c) ?? '';
  // Each merge's covered positions point at its master ("r,c").
  const masterAt = new Map<string, MergeRange>();
  const coveredBy = new Map<string, MergeRange>();
  for (const m of sheet.merges) {
    if (m.bottom < m.top || m.right < m.left || (m.bottom === m.top && m.right === m.left)) continue;
    masterAt.set(`${m.top},${m.left}`, m);
    for (let r = m.top; r <= m.bottom; r++) for (let c = m.left; c <= m.right; c++) if (r !== m.top || c !== m.left) coveredBy.set(`${r},${c}`, m);
  }

  const rowsWithText = [...sheet.cells.entries()].filter(([, cols]) => [...cols.values()].some((t) => t !== '')).map(([r]) => r).sort((a, b) => a - b);
  if (rowsWithText.length === 0) return [];
  // Columns in use, from the cells with text and the merges that start on them.
  let minCol = Infinity;
  let maxCol = -Infinity;
  for (const r of rowsWithText) {
    for (const [c, t] of sheet.cells.get(r)!) {
      if (t === '') continue;
      const m = masterAt.get(`${r},${c}`);
      minCol = Math.min(minCol, c);
      maxCol = Math.max(maxCol, m ? m.right : c);
    }
  }

  // Leading rows with a single text across the sheet are the title and notes above the table.
  const blocks: Block[] = [];
  let first = 0;
  for (; first < rowsWithText.length; first++) {
    const r = rowsWithText[first]!;
    const texts = [...sheet.cells.get(r)!.values()].filter((t) => t !== '');
    if (texts.length !== 1) break;
    blocks.push(paragraph(texts[0]!.trim()));
  }
  const tableRows = rowsWithText.slice(first);
  if (tableRows.length === 0) return blocks;

  // Rows are renumbered without the empty ones; a merge spans the kept rows inside its range.
  // A covered position whose master is not in the table (it sits in a title row, a dropped
  // empty row or an empty column) becomes a plain cell, so no row has holes.
  const kept = new Set(tableRows);
  const inTable = (m: MergeRange) => kept.has(m.top) && m.top >= tableRows[0]! && m.left >= minCol;
  const rows: Cell[][] = [];
  for (const r of tableRows) {
    const row: Cell[] = [];
    for (let c = minCol; c <= maxCol; c++) {
      const over = coveredBy.get(`${r},${c}`);
      if (over && inTable(over)) continue;
      const m = over ? undefined : masterAt.get(`${r},${c}`);
      if (!m) {
        row.push({ text: text(r, c), rowSpan: 1, colSpan: 1 });
        continue;
      }
      let rowSpan = 0;
      for (let rr = r; rr <= m.bottom; rr++) if (kept.has(rr)) rowSpan++;
      row.push({ text: text(r, c), rowSpan: Math.max(1, rowSpan), colSpan: Math.min(m.right, maxCol) - c + 1 });
    }
    rows.push(row);
  }
  blocks.push({ kind: 'table', caption: sheet.name, rows });
  return blocks;
}
