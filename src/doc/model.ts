import { z } from 'zod';

/**
 * The document model every reader produces (text, Word, Excel, PDF, HTML), so
 * the extractor is written once. A reader keeps what the format knows —
 * numbering that Word generates, table cells and their spans — and drops page
 * furniture (headers, footers, comments, navigation). Nothing here is parsed
 * for meaning yet: that is src/plan/'s job.
 */

export const DocFormat = z.enum(['text', 'docx', 'doc', 'xlsx', 'xls', 'pdf', 'html']);
export type DocFormat = z.infer<typeof DocFormat>;

export const Paragraph = z.object({
  kind: z.literal('paragraph'),
  text: z.string(),
  /** Numbering the format generated rather than the text holding it (Word's automatic "一、", "（一）"). */
  label: z.string().optional(),
  /** Outline level when the format says so (Word heading styles, HTML h1–h6), 0 = top. */
  level: z.number().int().min(0).optional(),
});
export type Paragraph = z.infer<typeof Paragraph>;

/** One cell as the format stores it: a merged cell appears once, with its spans; covered positions are omitted (HTML's convention). */
export const Cell = z.object({
  text: z.string(),
  rowSpan: z.number().int().min(1).default(1),
  colSpan: z.number().int().min(1).default(1),
});
export type Cell = z.infer<typeof Cell>;

export const Table = z.object({
  kind: z.literal('table'),
  rows: z.array(z.array(Cell)),
  /** Where it came from, for messages: a sheet name, "表格 2", "第 3 页". */
  caption: z.string().optional(),
});
export type Table = z.infer<typeof Table>;

export const Block = z.discriminatedUnion('kind', [Paragraph, Table]);
export type Block = z.infer<typeof Block>;

export const DocModel = z.object({
  format: DocFormat,
  blocks: z.array(Block),
  /** What the reader left out or repaired, in Chinese, for the import reply (e.g. "第 3 页没有文字层，已跳过"). */
  notes: z.array(z.string()).default([]),
});
export type DocModel = z.infer<typeof DocModel>;

/** Limits every reader enforces; a document beyond them is refused with a Chinese message, never half-read. */
export const READ_LIMITS = {
  /** Bytes of the file as received. */
  maxFileBytes: 20 * 1024 * 1024,
  /** Bytes after unzipping (docx/xlsx parts): a zip bomb stops here. */
  maxUnpackedBytes: 100 * 1024 * 1024,
  /** Characters of text the model may hold. */
  maxTextChars: 5_000_000,
  maxPages: 300,
  maxTableRows: 60_000,
  maxBlocks: 200_000,
} as const;

/** The largest file any reader accepts (downloads and library entries are capped here too). */
export const MAX_FILE_BYTES = READ_LIMITS.maxFileBytes;

/**
 * A table as a full grid: each merged cell's text copied into every position
 * it covers, so row i column j is always the text a reader of the printed
 * table sees there. Rows are padded to the widest row.
 */
export function expandGrid(table: Pick<Table, 'rows'>): string[][] {
  const grid: string[][] = [];
  table.rows.forEach((row, r) => {
    grid[r] ??= [];
    let c = 0;
    for (const cell of row) {
      while (grid[r]![c] !== undefined) c++;
      const rs = Math.max(1, cell.rowSpan ?? 1);
      const cs = Math.max(1, cell.colSpan ?? 1);
      for (let dr = 0; dr < rs && r + dr < table.rows.length; dr++) {
        const target = (grid[r + dr] ??= []);
        for (let dc = 0; dc < cs; dc++) target[c + dc] = cell.text;
      }
      c += cs;
    }
  });
  const width = Math.max(0, ...grid.map((row) => row.length));
  return grid.map((row) => Array.from({ length: width }, (_, i) => row[i] ?? ''));
}

/** Shorthand for readers. */
export function paragraph(text: string, extra: Omit<Paragraph, 'kind' | 'text'> = {}): Paragraph {
  return { kind: 'paragraph', text, ...extra };
}
