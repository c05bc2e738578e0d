import { expandGrid, paragraph, type Block, type Cell, type Table } from '../model.js';

/**
 * Positioned text → reading order, paragraphs and tables. Pure geometry over
 * what pdfjs reports for each page; nothing here knows about pdfjs.
 */

/** One run of text; `y` is the baseline measured from the top of the page, `size` the font height. */
export interface TextItem {
  str: string;
  x: number;
  y: number;
  width: number;
  size: number;
}

/** A horizontal line painted on the page (a table rule), viewport coordinates. */
export interface Rule {
  y: number;
  x1: number;
  x2: number;
}

/** A vertical line painted on the page. */
export interface VRule {
  x: number;
  y1: number;
  y2: number;
}

/** The rules painted on a page: table borders, when the page has a ruled table. */
export interface Rules {
  h: Rule[];
  v: VRule[];
}

/** A run of items on one line with no wide gap inside. */
interface Segment {
  text: string;
  x: number;
  right: number;
}

export interface Line {
  y: number;
  size: number;
  segments: Segment[];
  /** The runs the segments were made of, left to right (a ruled table places each run in its cell). */
  items: TextItem[];
  /** Set when this line is page furniture (header, footer, page number). */
  furniture?: boolean;
}

/**
 * Kangxi radicals (U+2F00–2FD5) and CJK compatibility ideographs that some
 * PDF producers (Word with 等线/微软雅黑 among them) map common characters to:
 * "⼀⼈⼯作" must read "一人工作" or no unit name or keyword matches.
 */
export function unifyHan(s: string): string {
  return s.replace(/[\u2F00-\u2FD5\uF900-\uFAFF]/g, (ch) => ch.normalize('NFKC'));
}

/** Items on one baseline (within half a font height) → lines, segments split at gaps wider than most of a character. */
export function toLines(items: TextItem[]): Line[] {
  const sorted = items
    .filter((i) => i.str.trim() !== '' && i.size > 0)
    .map((i) => ({ ...i, str: unifyHan(i.str) }))
    .sort((a, b) => a.y - b.y || a.x - b.x);
  const lines: { y: number; size: number; items: TextItem[] }[] = [];
  for (const it of sorted) {
    const last = lines[lines.length - 1];
    if (last && Math.abs(it.y - last.y) <= 0.5 * Math.min(it.size, last.size)) {
      last.items.push(it);
      last.size = Math.max(last.size, it.size);
    } else lines.push({ y: it.y, size: it.size, items: [it] });
  }
  return lines.map((l) => {
    const its = l.items.sort((a, b) => a.x - b.x);
    const segments: Segment[] = [];
    for (const it of its) {
      const seg = segments[segments.length - 1];
      const gap = seg ? it.x - seg.right : Infinity;
      if (seg && gap <= 0.8 * Math.min(it.size, l.size)) {
        seg.text = joinText(seg.text, it.str, gap > 0.2 * it.size);
        seg.right = Math.max(seg.right, it.x + it.width);
      } else segments.push({ text: it.str.trim(), x: it.x, right: it.x + it.width });
    }
    for (const s of segments) s.text = s.text.trim();
    return { y: l.y, size: l.size, segments, items: its };
  });
}

/** Join two runs: a space only between Latin/digit runs that a visible gap separates, never inside Chinese. */
function joinText(a: string, b: string, gapped: boolean): string {
  const left = a.trimEnd();
  const right = b.trimStart();
  if (!left) return right;
  const spaced = gapped || /\s$/.test(a) || /^\s/.test(b);
  return spaced && /[A-Za-z0-9.,;:%)]$/.test(left) && /^[A-Za-z0-9(]/.test(right) ? `${left} ${right}` : left + right;
}

const lineText = (l: Line) => l.segments.map((s) => s.text).join(' ');

/** Page numbers as offices print them: "- 3 -", "—3—", "第 3 页 共 10 页", "3/10", "Page 3". */
const PAGE_NUMBER = /^(?:[-—–－~·\s]*\d{1,4}[-—–－~·\s]*|第\s*\d{1,4}\s*页(?:\s*[,，/、]?\s*共\s*\d{1,4}\s*页)?|共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页|\d{1,4}\s*\/\s*\d{1,4}|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$/i;

/** Share of the page height at top and bottom where headers, footers and page numbers live. */
const BAND = 0.1;

/**
 * Marks headers and footers: in the top or bottom band, a page number, or a
 * line repeated (digits aside, same size) on at least half the pages of a
 * document of two or more pages.
 */
export function markFurniture(pages: { lines: Line[]; height: number }[]): void {
  const key = (l: Line, band: 'top' | 'bottom') => `${band}|${Math.round(l.size)}|${lineText(l).replace(/\d+/g, '#').replace(/\s+/g, '')}`;
  const bandOf = (l: Line, height: number): 'top' | 'bottom' | undefined => (l.y < height * BAND ? 'top' : l.y > height * (1 - BAND) ? 'bottom' : undefined);
  const count = new Map<string, number>();
  for (const p of pages) {
    const seen = new Set<string>();
    for (const l of p.lines) {
      const band = bandOf(l, p.height);
      if (band) seen.add(key(l, band));
    }
    for (const k of seen) count.set(k, (count.get(k) ?? 0) + 1);
  }
  const repeated = (k: string) => pages.length >= 2 && (count.get(k) ?? 0) >= Math.max(2, Math.ceil(pages.length / 2));
  for (const p of pages) {
    for (const l of p.lines) {
      const band = bandOf(l, p.height);
      if (band && (PAGE_NUMBER.test(lineText(l).trim()) || repeated(key(l, band)))) l.furniture = true;
    }
  }
}

/** Whether a page has lines with text in three or more places, so its painted rules are worth reading. */
export function mayHoldTable(lines: Line[]): boolean {
  return lines.filter((l) => l.segments.length >= 3).length >= MIN_TABLE_LINES;
}

/** Item numbering and field labels that start a new paragraph even when the line above is full. */
const STARTS_ITEM = /^(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百\d]+[)）]|\d{1,3}[.．、](?!\d)|[①-⑳]|[●■◆▲•◇□○]|第[一二三四五六七八九十百\d]+[章条部节]|附件|(?:牵头|责任|配合|主办|协办)单位[:：]|完成(?:时限|时间)[:：])/;

/**
 * The body lines of one page → blocks: regions where several lines put their
 * text in three or more consistent columns become tables; other lines are
 * joined into paragraphs when a line runs to the right margin and the next
 * one starts at the left margin without numbering.
 */
export function pageBlocks(lines: Line[], caption: string, rules: Rules = { h: [], v: [] }): Block[] {
  const body = lines.filter((l) => !l.furniture && l.segments.length > 0);
  if (body.length === 0) return [];
  const left = Math.min(...body.map((l) => l.segments[0]!.x));
  const right = Math.max(...body.map((l) => l.segments[l.segments.length - 1]!.right));
  const blocks: Block[] = [];
  let para: { text: string; line: Line } | undefined;
  const flush = () => {
    if (para) blocks.push(paragraph(para.text));
    para = undefined;
  };
  for (let i = 0; i < body.length; ) {
    const table = ruledTable(body, i, rules) ?? findTable(body, i, rules.h);
    if (table) {
      flush();
      blocks.push({ kind: 'table', caption, rows: table.rows });
      i = table.end;
      continue;
    }
    const line = body[i]!;
    const text = lineText(line);
    const prev = para?.line;
    const continues =
      prev &&
      line.segments.length === 1 &&
      prev.segments.length === 1 &&
      Math.abs(prev.size - line.size) < 0.5 &&
      prev.segments[0]!.right >= right - 2 * prev.size &&
      line.segments[0]!.x <= left + 0.5 * line.size &&
      line.y - prev.y <= 2.2 * line.size &&
      !STARTS_ITEM.test(text);
    if (continues) para = { text: joinText(para!.text, text, false), line };
    else {
      flush();
      para = { text, line };
    }
    i++;
  }
  flush();
  return blocks;
}

interface Found {
  rows: Cell[][];
  end: number;
}

/** At least this many lines with text in 3+ columns make a table. */
const MIN_TABLE_LINES = 2;

/**
 * A table starting at body[start]: a run of lines with three or more
 * segments, plus the lines between them whose text sits in the same columns
 * (wrapped cells). Columns are the clusters of segment starts; a row starts
 * where the key column (序号 if there is one, else the leftmost well-filled
 * one) has text, and the lines until the next such line are its wrapped cells.
 */
function findTable(body: Line[], start: number, rules: Rule[]): Found | undefined {
  const first = body[start]!;
  if (first.segments.length < 3) return undefined;
  const size = first.size;
  const tol = 0.9 * size;
  const region: Line[] = [first];
  const starts: number[] = first.segments.map((s) => s.x);
  const near = (x: number) => starts.some((s) => Math.abs(s - x) <= tol);
  let end = start + 1;
  for (; end < body.length; end++) {
    const l = body[end]!;
    const prev = region[region.length - 1]!;
    if (l.y - prev.y > 3.5 * Math.max(size, l.size) || Math.abs(l.size - size) > 0.25 * size) break;
    const wide = l.segments.length >= 3;
    // A wide line starting left of the table is prose or another table.
    const aligned = l.segments.every((s) => s.x > starts[0]! - tol);
    if (!wide) {
      // A wrapped cell's next line: in known columns, set tight under the line above.
      const wrapped = l.segments.every((s) => near(s.x)) && l.y - prev.y <= 1.8 * size;
      // A line across the table from its left edge (a section row such as "一、优化营商环境"), with more rows after it.
      const section =
        l.segments.length === 1 && Math.abs(l.segments[0]!.x - Math.min(...starts)) <= tol && body.slice(end + 1, end + 4).some((n) => n.segments.length >= 3);
      if (!wrapped && !section) break;
    }
    if (wide && !aligned) break;
    region.push(l);
    if (wide) starts.push(...l.segments.map((s) => s.x));
  }
  const wideLines = region.filter((l) => l.segments.length >= 3);
  if (wideLines.length < MIN_TABLE_LINES) return undefined;

  // Column starts: clusters of segment starts on the wide lines, each seen on at least two lines.
  const xs = wideLines.flatMap((l) => l.segments.map((s) => s.x)).sort((a, b) => a - b);
  const clusters: { min: number; n: number }[] = [];
  for (const x of xs) {
    const c = clusters[clusters.length - 1];
    if (c && x - c.min <= tol) c.n++;
    else clusters.push({ min: x, n: 1 });
  }
  const bounds = clusters.filter((c) => c.n >= 2).map((c) => c.min);
  if (bounds.length < 3) return undefined;
  const colOf = (x: number) => {
    let c = 0;
    for (let k = 0; k < bounds.length; k++) if (x >= bounds[k]! - tol) c = k;
    return c;
  };
  const ncol = bounds.length;
  const tableLeft = bounds[0]!;
  const lineCells = region.map((l) => {
    const cells = new Map<number, string>();
    for (const s of l.segments) {
      const c = colOf(s.x);
      cells.set(c, cells.has(c) ? `${cells.get(c)} ${s.text}` : s.text);
    }
    // One segment from the table's left edge running past the first column: a row across the table.
    const across = l.segments.length === 1 && Math.abs(l.segments[0]!.x - tableLeft) <= tol && ncol > 1 && l.segments[0]!.right > bounds[1]! + tol;
    return { cells, across };
  });

  // The key column: 序号 (mostly bare numbers) if present, else the leftmost column filled on most wide lines.
  let key = -1;
  for (let c = 0; c < ncol && key < 0; c++) {
    const texts = lineCells.map((l) => l.cells.get(c)).filter((t): t is string => t !== undefined);
    if (texts.length >= 2 && texts.filter((t) => /^\d{1,4}[.．、]?$/.test(t)).length >= 0.5 * (texts.length - 1)) key = c;
  }
  if (key < 0) {
    for (let c = 0; c < ncol && key < 0; c++) if (lineCells.filter((l, i) => region[i]!.segments.length >= 3 && l.cells.has(c)).length >= 0.5 * wideLines.length) key = c;
  }
  if (key < 0) key = 0;

  // Rows: the key column's text starts one; the lines until the next are its wrapped cells.
  const grid: { texts: string[]; across: boolean; top: number; bottom: number }[] = [];
  region.forEach((line, i) => {
    const l = lineCells[i]!;
    const last = grid[grid.length - 1];
    if (l.across || !last || last.across || l.cells.has(key)) {
      grid.push({ texts: Array.from({ length: ncol }, () => ''), across: l.across, top: line.y - line.size, bottom: line.y });
    }
    const row = grid[grid.length - 1]!;
    row.bottom = line.y;
    for (const [c, t] of l.cells) row.texts[c] = joinText(row.texts[c]!, t, false);
  });
  const edges = columnEdges(bounds, region, tol);
  return { rows: withSpans(grid, edges, rules), end };
}

/** Left and right x of each column: from its text start to the next column's, the last to the region's right end. */
function columnEdges(bounds: number[], region: Line[], tol: number): [number, number][] {
  const right = Math.max(...region.map((l) => l.segments[l.segments.length - 1]!.right));
  return bounds.map((b, k) => [b - tol / 2, k + 1 < bounds.length ? bounds[k + 1]! - tol / 2 : right]);
}

/**
 * Rows → cells with spans. Where the page has rules between the rows, an
 * empty cell with no rule above it (in its column) belongs to the cell above:
 * that cell gets a rowSpan, as in the Word or Excel original. Without rules
 * an empty cell stays empty (an empty 配合单位 is not a merge).
 */
function withSpans(grid: { texts: string[]; across: boolean; top: number; bottom: number }[], edges: [number, number][], rules: Rule[]): Cell[][] {
  const between = (r: number) => rules.filter((u) => u.y > grid[r - 1]!.bottom && u.y < grid[r]!.top + 1);
  const ruled = (r: number, c: number) => {
    const probe = edges[c]![0] + Math.min(6, (edges[c]![1] - edges[c]![0]) / 2);
    return between(r).some((u) => u.x1 <= probe && u.x2 >= probe);
  };
  const hasRules = grid.some((_, r) => r > 0 && between(r).length > 0);
  const cells: (Cell | undefined)[][] = grid.map((row) => (row.across ? [{ text: row.texts.find((t) => t) ?? '', rowSpan: 1, colSpan: row.texts.length }] : row.texts.map((text) => ({ text, rowSpan: 1, colSpan: 1 }))));
  if (hasRules) {
    for (let c = 0; c < edges.length; c++) {
      let master: Cell | undefined;
      for (let r = 0; r < grid.length; r++) {
        if (grid[r]!.across) {
          master = undefined;
          continue;
        }
        const cell = cells[r]![c]!;
        if (master && r > 1 && cell.text === '' && between(r).length > 0 && !ruled(r, c)) {
          master.rowSpan++;
          cells[r]![c] = undefined;
        } else master = r > 0 ? cell : undefined;
      }
    }
  }
  return cells.map((row) => row.filter((c): c is Cell => c !== undefined));
}

/**
 * Pages' blocks in order, with a table that runs over a page break joined
 * into one: when a page starts with a table as wide as the one the previous
 * page ended with, its rows continue it (a repeated header row is dropped, and
 * a first row with nothing in the first column finishes the row cut by the
 * break), so the extractor sees one 任务分工表 with one header.
 */
// A row cut by the break continues with text in a few columns only; a new row under a merged first column fills most.
const isTail = (row: Cell[]) => row.some((c) => c.text) && row.filter((c) => c.text).length <= row.length / 2;

export function joinPages(pages: Block[][]): Block[] {
  const out: Block[] = [];
  for (const blocks of pages) {
    const prev = out[out.length - 1];
    const first = blocks[0];
    if (prev?.kind === 'table' && first?.kind === 'table' && width(prev) === width(first)) {
      const rows = [...first.rows];
      const header = expandGrid({ rows: prev.rows.slice(0, 1) })[0]!;
      if (rows.length && expandGrid({ rows: rows.slice(0, 1) })[0]!.join('|') === header.join('|')) rows.shift();
      const head = rows[0];
      const last = prev.rows[prev.rows.length - 1];
      if (head && last && head.length === width(first) && last.length === head.length && head[0]!.text === '' && isTail(head)) {
        head.forEach((c, k) => (last[k] = { ...last[k]!, text: last[k]!.text + c.text }));
        rows.shift();
      }
      out[out.length - 1] = { ...prev, caption: joinCaptions(prev.caption, first.caption), rows: [...prev.rows, ...rows] };
      out.push(...blocks.slice(1));
      continue;
    }
    out.push(...blocks);
  }
  return out;
}

function width(t: Table): number {
  return expandGrid({ rows: t.rows.slice(0, 1) })[0]?.length ?? 0;
}

/** "第 2 页" + "第 3 页" → "第 2–3 页". */
function joinCaptions(a = '', b = ''): string {
  const from = /^第 (\d+)/.exec(a)?.[1];
  const to = /(\d+) 页$/.exec(b)?.[1];
  return from && to ? `第 ${from}–${to} 页` : a || b;
}

/** Rules closer than this (double lines, the two edges of a thin filled rectangle) are one. */
const SAME_RULE = 2.5;

function distinct(values: number[]): number[] {
  const out: number[] = [];
  for (const v of [...values].sort((a, b) => a - b)) if (!out.length || v - out[out.length - 1]! > SAME_RULE) out.push(v);
  return out;
}

/**
 * A ruled table starting at body[start] (a lattice, as Word, WPS and Excel
 * print them): the vertical rules through the line give the columns, the
 * horizontal rules the rows, and each text run goes to the cell its centre
 * falls in. Where a rule is missing between two cells they are one merged
 * cell (rowSpan/colSpan), wherever its text sits inside it (top or centred).
 */
function ruledTable(body: Line[], start: number, rules: Rules): Found | undefined {
  if (rules.v.length < 3 || rules.h.length < 3) return undefined;
  const line = body[start]!;
  const mid = line.y - line.size / 2;
  const through = rules.v.filter((v) => v.y1 - 1 <= mid && v.y2 + 1 >= mid);
  if (through.length < 3) return undefined;
  // The table's box: grow from the verticals through this line to all verticals overlapping them.
  let top = Math.min(...through.map((v) => v.y1));
  let bottom = Math.max(...through.map((v) => v.y2));
  const left = Math.min(...through.map((v) => v.x));
  const right = Math.max(...through.map((v) => v.x));
  for (let grew = true; grew; ) {
    grew = false;
    for (const v of rules.v) {
      if (v.x < left - SAME_RULE || v.x > right + SAME_RULE || v.y2 < top - SAME_RULE || v.y1 > bottom + SAME_RULE) continue;
      if (v.y1 < top - 0.5 || v.y2 > bottom + 0.5) {
        top = Math.min(top, v.y1);
        bottom = Math.max(bottom, v.y2);
        grew = true;
      }
    }
  }
  const inBox = (x1: number, x2: number) => x2 > left + SAME_RULE && x1 < right - SAME_RULE;
  const xs = distinct(rules.v.filter((v) => v.x >= left - SAME_RULE && v.x <= right + SAME_RULE && v.y2 >= top - SAME_RULE && v.y1 <= bottom + SAME_RULE).map((v) => v.x));
  const ys = distinct(rules.h.filter((h) => h.y >= top - SAME_RULE && h.y <= bottom + SAME_RULE && inBox(h.x1, h.x2)).map((h) => h.y));
  const ncol = xs.length - 1;
  const nrow = ys.length - 1;
  if (ncol < 2 || nrow < 2) return undefined;
  if (line.segments.some((g) => g.x < left - line.size || g.right > right + line.size)) return undefined;

  // Every line inside the box belongs to the table; each run goes to the cell holding its centre.
  const texts: string[][] = Array.from({ length: nrow }, () => Array.from({ length: ncol }, () => ''));
  let end = start;
  const index = (edges: number[], v: number) => {
    let k = 0;
    while (k + 1 < edges.length - 1 && v >= edges[k + 1]!) k++;
    return k;
  };
  for (; end < body.length && body[end]!.y - body[end]!.size / 2 <= bottom; end++) {
    const l = body[end]!;
    const r = index(ys, l.y - l.size / 2);
    for (const it of l.items) {
      if (!it.str.trim()) continue;
      const c = index(xs, it.x + it.width / 2);
      texts[r]![c] = joinText(texts[r]![c]!, it.str, false);
    }
  }

  const hasV = (x: number, y: number) => rules.v.some((v) => Math.abs(v.x - x) <= SAME_RULE && v.y1 - 1 <= y && v.y2 + 1 >= y);
  const hasH = (y: number, x: number) => rules.h.some((h) => Math.abs(h.y - y) <= SAME_RULE && h.x1 - 1 <= x && h.x2 + 1 >= x);
  const covered = Array.from({ length: nrow }, () => Array.from({ length: ncol }, () => false));
  const rows: Cell[][] = [];
  for (let r = 0; r < nrow; r++) {
    const row: Cell[] = [];
    const ymid = (ys[r]! + ys[r + 1]!) / 2;
    for (let c = 0; c < ncol; c++) {
      if (covered[r]![c]) continue;
      let colSpan = 1;
      while (c + colSpan < ncol && !covered[r]![c + colSpan] && !hasV(xs[c + colSpan]!, ymid)) colSpan++;
      let rowSpan = 1;
      const open = (rr: number) => {
        for (let k = c; k < c + colSpan; k++) if (covered[rr]![k] || hasH(ys[rr]!, (xs[k]! + xs[k + 1]!) / 2)) return false;
        return true;
      };
      while (r + rowSpan < nrow && open(r + rowSpan)) rowSpan++;
      let text = '';
      for (let rr = r; rr < r + rowSpan; rr++) {
        for (let k = c; k < c + colSpan; k++) {
          if (rr !== r || k !== c) covered[rr]![k] = true;
          text = joinText(text, texts[rr]![k]!, false);
        }
      }
      row.push({ text, rowSpan, colSpan });
    }
    rows.push(row);
  }
  // Rows with nothing in them (a rule drawn twice) are dropped only when nothing spans into them.
  if (rows.every((row) => row.every((c) => !c.text))) return undefined;
  return { rows, end: Math.max(end, start + 1) };
}
