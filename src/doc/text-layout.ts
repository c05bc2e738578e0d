import { paragraph, type Block, type Cell, type Table } from './model.js';
import { gluedTable, gluedTableLines } from './glued-table.js';
import { cellUnits, classifyHeader, headerColumns, type ColumnKey } from '../plan/table.js';
import { readMarker } from '../plan/numbering.js';
import { findDeadlines, findRecurring, findRelative } from '../plan/time.js';
import { isGenericUnit, looksLikeUnit } from '../plan/units.js';

/**
 * Tables whose layout was flattened into text (copied out of a web page, Word
 * or a PDF) recovered as Table blocks: cells split by `|`, tabs or runs of
 * spaces, one cell per line, or cells between blank lines. A table starts only
 * at a header row that names a task column and a unit column, so prose stays
 * prose. Where a merged cell was dropped (a row with fewer cells) the cells
 * are placed by what they look like (a number, units, a time limit, text) and
 * the dropped one is carried down from the row above, as the printed table
 * showed it. Every step looks at a bounded window, so the pass is linear.
 */

type Col = ColumnKey | undefined;
type Row = Array<string | undefined>; // undefined: covered by the cell above (a merged cell)

const MAX_DROP = 3;
// What it costs to take a column as merged from above: co-units are often just empty, a lead rarely.
const DROP_COST: Record<ColumnKey | 'other', number> = { seq: 1, task: 1.5, lead: 2, co: 1, deadline: 1.5, other: 0.5 };
const END_LINE = /^(注|备注|说明|附件|抄送|抄报|附表)\s*[\d一二三]*\s*[:：]/;

export function layoutBlocks(lines: string[]): Block[] {
  const out: Block[] = [];
  for (let i = 0; i < lines.length; ) {
    const found = delimitedTable(lines, i) ?? cellPerLineTable(lines, i);
    if (found && found.table.rows.length > 1) {
      out.push(found.table);
      i = found.end;
      continue;
    }
    const hasSeq = /序号|编号/.test(lines[i]!);
    const glued = hasSeq ? gluedTable(lines[i]!) : undefined;
    const perLine = hasSeq && !glued ? gluedTableLines(lines, i) : undefined;
    if (perLine) {
      if (perLine.before) out.push(paragraph(perLine.before));
      out.push(perLine.table);
      if (perLine.rest) out.push(paragraph(perLine.rest));
      i = perLine.endLine + 1;
      continue;
    }
    if (glued) {
      if (glued.before) out.push(paragraph(glued.before));
      out.push(glued.table);
      if (glued.after) out.push(paragraph(glued.after));
    } else out.push(paragraph(lines[i]!));
    i++;
  }
  return out;
}

// ---------------------------------------------------------------- delimited rows

type Mode = 'pipe' | 'tab' | 'space';

function splitRow(line: string, mode: Mode): string[] | undefined {
  const t = line.trim();
  if (!t) return undefined;
  if (mode === 'pipe') {
    if ((t.match(/[|｜]/g)?.length ?? 0) < 2 && !/^[|｜]|[|｜]$/.test(t)) return undefined;
    return t.replace(/^[|｜]/, '').replace(/[|｜]$/, '').split(/[|｜]/).map((c) => c.trim());
  }
  if (mode === 'tab') return line.includes('\t') ? line.replace(/[\r\n ]+$/g, '').split('\t').map((c) => unquote(c.trim())) : undefined;
  const cs = t.split(/[ \u3000\u00a0]{2,}|\t+|\u3000/).map((c) => c.trim()).filter(Boolean);
  return cs.length >= 2 ? cs : undefined;
}

/** An Excel cell copied with a line break in it comes quoted, with inner quotes doubled. */
function unquote(c: string): string {
  return c.length >= 2 && c.startsWith('"') && c.endsWith('"') ? c.slice(1, -1).replace(/""/g, '"') : c;
}

function modeOf(line: string): Mode | undefined {
  for (const m of ['pipe', 'tab', 'space'] as const) {
    const cs = splitRow(line, m);
    if (cs && cs.length >= 2 && headerColumns(m === 'space' ? joinLetterSpaced(cs, []).cells : cs)) return m;
  }
  return undefined;
}

const SEPARATOR = /^[\s|｜:：\-—=+]+$/;

function delimitedTable(lines: string[], start: number): { table: Table; end: number } | undefined {
  const mode = modeOf(lines[start]!);
  if (!mode) return undefined;
  let header = splitRow(lines[start]!, mode)!;
  let starts = mode === 'space' ? cellStarts(lines[start]!) : [];
  if (mode === 'space') ({ cells: header, starts } = joinLetterSpaced(header, starts));
  let i = start + 1;
  // Two-row header: 责任单位 over 牵头单位 | 配合单位 (the second row is shorter: only the spanned cells).
  let topSpan: { at: number; width: number } | undefined;
  const nextRow = firstNonBlank(lines, i);
  const sub = nextRow < lines.length ? splitRow(lines[nextRow]!, mode) : undefined;
  if (sub && sub.length < header.length && sub.every((c) => c && classifyHeader(c))) {
    const merged = mergeHeader(header, sub);
    if (merged) {
      topSpan = { at: merged.at, width: sub.length };
      header = merged.columns;
      i = nextRow + 1;
    }
  }
  const keys = headerColumns(header) ?? [];
  const width = header.length;
  const rows: Row[] = [];
  let end = i;
  const closed = mode === 'pipe' && /[|｜]\s*$/.test(lines[start]!);
  for (; i < lines.length; i++) {
    const joined = logicalLine(lines, i, mode, closed);
    const line = joined.text;
    i = joined.last;
    if (!line.trim()) {
      const n = firstNonBlank(lines, i);
      if (n >= lines.length || !splitRow(lines[n]!, mode)) break;
      continue;
    }
    if (SEPARATOR.test(line)) continue;
    const cs = splitRow(line, mode);
    if (!cs || cs.filter(Boolean).length < 2) {
      const text = (cs?.find(Boolean) ?? line).trim();
      const n = firstNonBlank(lines, i + 1);
      const rowFollows = n < lines.length && !!splitRow(lines[n]!, mode) && (splitRow(lines[n]!, mode)!.filter(Boolean).length >= 2);
      if (END_LINE.test(text) || !rowFollows && !cs) break;
      if (isSectionText(text) || cs) rows.push([text, ...Array<string>(width - 1).fill(SPAN)]);
      else if (rows.length) appendToText(rows[rows.length - 1]!, keys, text);
      else break;
      end = i + 1;
      continue;
    }
    if (sameHeader(cs, header)) {
      end = i + 1;
      continue;
    }
    const aligned = mode === 'space' && !topSpan ? byPosition(line, starts, keys) : undefined;
    if (aligned && rows.length && isContinuation(aligned, keys)) {
      // A cell wrapped onto the next line of an aligned table.
      const prev = rows[rows.length - 1]!;
      aligned.forEach((c, k) => {
        if (!c || prev[k] === undefined || prev[k] === SPAN) return;
        prev[k] = prev[k] ? prev[k] + (keys[k] === 'lead' || keys[k] === 'co' ? '、' : '') + c : c;
      });
      end = i + 1;
      continue;
    }
    rows.push(aligned ? settle(aligned.map((c, k) => (c === '' && isMergeable(keys, k) ? undefined : c)), keys, rows) : placeCells(cs, keys, rows, mode === 'space'));
    end = i + 1;
  }
  if (!rows.length) return undefined;
  const headerRows: Row[] = [header];
  const table = buildTable(headerRows, rows, keys, topSpan);
  return { table, end };
}

/** A header spaced out letter by letter ("序  号", "牵  头  单  位") is one cell per run of single characters. */
function joinLetterSpaced(cells: string[], starts: number[]): { cells: string[]; starts: number[] } {
  const out: string[] = [];
  const at: number[] = [];
  cells.forEach((c, i) => {
    const prev = cells[i - 1];
    if (c.length === 1 && prev !== undefined && prev.length === 1 && out.length && !classifyHeader(out[out.length - 1]!)) out[out.length - 1] += c;
    else {
      out.push(c);
      at.push(starts[i]!);
    }
  });
  return { cells: out, starts: starts.length ? at : [] };
}

/** Display column (CJK and full-width count 2) where each space-separated cell of a line starts. */
function cellStarts(line: string): number[] {
  const out: number[] = [];
  let col = 0;
  let gap = 2;
  for (const ch of line) {
    const blank = ch === ' ' || ch === '\u00a0' || ch === '\t' || ch === '\u3000';
    if (!blank && gap >= 2) out.push(col);
    gap = blank ? gap + (ch === '\u3000' ? 2 : 1) : 0;
    col += ch === '\t' ? 4 : width(ch);
  }
  return out;
}

function width(ch: string): number {
  return /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) || ch.codePointAt(0)! > 0xffff ? 2 : 1;
}

/**
 * The cells of an aligned line placed under the header cell each starts
 * nearest to, empty where nothing stands under a header cell; undefined when
 * the line is not aligned with the header (then cells are placed by kind).
 */
function byPosition(line: string, starts: number[], keys: Col[]): string[] | undefined {
  const cells = line.trim().split(/[ \u3000\u00a0]{2,}|\t+|\u3000/).map((c) => c.trim()).filter(Boolean);
  const at = cellStarts(line);
  if (at.length !== cells.length || starts.length !== keys.length) return undefined;
  const row = Array<string>(keys.length).fill('');
  let last = -1;
  for (let k = 0; k < cells.length; k++) {
    let best = -1;
    for (let c = 0; c < starts.length; c++) if (best < 0 || Math.abs(starts[c]! - at[k]!) < Math.abs(starts[best]! - at[k]!)) best = c;
    // Not aligned: a cell far from every header cell, or two cells under one.
    if (Math.abs(starts[best]! - at[k]!) > 3 || best <= last) return undefined;
    row[best] = cells[k]!;
    last = best;
  }
  return row;
}

/** A line of an aligned table that only continues the cells above: no 序号, no lead, no time limit. */
function isContinuation(row: string[], keys: Col[]): boolean {
  const empty = (k: ColumnKey) => keys.every((key, i) => key !== k || !row[i]);
  return keys.includes('seq') && empty('seq') && empty('lead') && empty('deadline') && !row.every((c) => !c);
}

/** Columns whose blank cell in an aligned table is the merged cell above: task, lead, deadline (co-units may just be none). */
function isMergeable(keys: Col[], k: number): boolean {
  return keys[k] === 'task' || keys[k] === 'lead' || keys[k] === 'deadline' || (keys[k] === 'co' && !keys.includes('lead'));
}

/**
 * A row whose cell held a line break spans several lines: in a pipe table
 * whose rows end with a pipe, a row goes on until a line does; in a tab table
 * (copied from Excel) a cell with a line break is quoted until its closing quote.
 */
function logicalLine(lines: string[], i: number, mode: Mode, closed: boolean): { text: string; last: number } {
  let text = lines[i]!;
  let last = i;
  const open = (t: string) =>
    mode === 'pipe' ? closed && /^\s*[|｜]/.test(t) && !/[|｜]\s*$/.test(t) : mode === 'tab' && (t.match(/"/g)?.length ?? 0) % 2 === 1;
  if (!open(text)) return { text, last };
  for (let k = i + 1; k < lines.length && k <= i + 8; k++) {
    text += '\n' + lines[k]!;
    if (mode === 'pipe' ? /[|｜]\s*$/.test(lines[k]!) : !open(text)) return { text, last: k };
  }
  return { text: lines[i]!, last: i };
}

/** A header whose unit cell spans the sub-header's labels: [序号, 任务, 责任单位, 时限] + [牵头单位, 配合单位]. */
function mergeHeader(top: string[], sub: string[]): { at: number; columns: string[] } | undefined {
  const at = top.findIndex((c) => {
    const k = classifyHeader(c);
    return k === 'co' || k === 'lead';
  });
  if (at < 0) return undefined;
  return { at, columns: [...top.slice(0, at), ...sub, ...top.slice(at + 1)] };
}

function firstNonBlank(lines: string[], from: number): number {
  let n = from;
  while (n < lines.length && n < from + 3 && !lines[n]!.trim()) n++;
  return n < from + 3 ? n : lines.length;
}

function sameHeader(cs: string[], header: string[]): boolean {
  const a = cs.map((c) => c.replace(/\s+/g, '')).filter(Boolean);
  const b = header.map((c) => c.replace(/\s+/g, '')).filter(Boolean);
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

const SPAN = '\u0000span';

function isSectionText(text: string): boolean {
  const m = readMarker(text);
  return !!m && (m.style === 'cn-dun' || m.style === 'part' || m.style === 'cn-paren') && text.length <= 40 && !/[。；]/.test(text.slice(0, -1));
}

/** A wrapped line inside a table: it belongs to the row above (its task text). */
function appendToText(row: Row, keys: Col[], text: string): void {
  const tasks = keys.flatMap((k, i) => (k === 'task' ? [i] : []));
  const at = tasks.length ? tasks[tasks.length - 1]! : row.findIndex((c) => c !== undefined);
  if (at >= 0 && row[at] !== undefined) row[at] = row[at] + text;
}

// ---------------------------------------------------------------- cell kinds and placement

type Kind = 'seq' | 'units' | 'time' | 'text' | 'empty';

const kinds = new Map<string, Kind>();
/** What a cell looks like, remembered: long tables repeat their unit and time cells. */
function kindOf(cell: string): Kind {
  // Long cells are task text, each its own: only short cells (units, times, numbers) repeat.
  if (cell.length > 40) return readKind(cell);
  let k = kinds.get(cell);
  if (k === undefined) {
    if (kinds.size >= 5000) kinds.clear();
    kinds.set(cell, (k = readKind(cell)));
  }
  return k;
}

function readKind(cell: string): Kind {
  const t = cell.replace(/\s+/g, '');
  if (!t) return 'empty';
  if (/^(\d{1,3}|[一二三四五六七八九十]{1,3})[.、．]?$/.test(t)) return 'seq';
  if (t.length <= 30 && isTime(t)) return 'time';
  const bare = t.replace(/(?:等)?(?:按职责分工)?(?:牵头|配合|参与|协助|协同|负责|落实)+$|[（(][^（）()]*[）)]$|[，。、；\s]+$/g, '');
  if (t.length <= 80 && !/[。；：:]/.test(t) && UNIT_LAST.test(bare)) {
    const u = cellUnits(cell, false);
    const all = [...u.leads, ...u.co];
    if (all.length && all.every((x) => looksLikeUnit(x) || isGenericUnit(x) || PEOPLES_BODY.test(x))) return 'units';
  }
  return 'text';
}

// The last character of a unit name (…局, …委, …中心, …政府, 各乡镇): a cell ending otherwise is not a list of units.
const UNIT_LAST = /[局委办厅部院署心府室司团所站队组处科门位关构道镇乡县区市省州旗行会社馆场园村盟班联协]$/;
// Mass organisations named by their short forms (县妇联, 县残联, 县科协, 县红十字会) are units too.
const PEOPLES_BODY = /^.{1,6}(妇联|残联|科协|侨联|文联|工商联|红十字会|关工委|团委|总工会)$/;
// Characters a time limit cannot do without.
const TIME_HINT = /[年月日季周期底末内前天旬时长续常即随定按每半汛节学]/;

function isTime(t: string): boolean {
  if (!TIME_HINT.test(t)) return false;
  if (/^(长期|持续|常态|全年|年内|年底|年末|年初|年中|汛期|汛前|春节|开学|即时|立即|动态|随时|及时|定期|按月|按季|每|\d{4}年|\d{1,2}月|[一二三四五六七八九十]{1,2}月|上半年|下半年|第?[一二三四1-4]季度)/.test(t)) return true;
  return findDeadlines(t, 2000).length > 0 || findRecurring(t).length > 0 || findRelative(t).length > 0;
}

function fit(key: Col, kind: Kind): number {
  if (kind === 'empty') return 0;
  switch (key) {
    case 'seq':
      return kind === 'seq' ? 3 : -6;
    case 'lead':
    case 'co':
      return kind === 'units' ? 3 : kind === 'time' ? -4 : -3;
    case 'deadline':
      return kind === 'time' ? 3 : kind === 'units' ? -4 : -2;
    case 'task':
      return kind === 'text' ? 2 : kind === 'seq' ? -4 : -2;
    default:
      return kind === 'seq' ? -1 : 0;
  }
}

const PERFECT: Record<ColumnKey | 'other', number> = { seq: 3, lead: 3, co: 3, deadline: 3, task: 2, other: 0 };

/** Best placement of `kinds` into `keys`, dropping (carrying down) up to MAX_DROP columns. */
function bestPlacement(kinds: Kind[], keys: Col[], canDrop: boolean, sig = signature(kinds)): { score: number; dropped: number[] } | undefined {
  const missing = keys.length - kinds.length;
  if (missing < 0 || missing > MAX_DROP || (missing > 0 && !canDrop)) return undefined;
  // Rows of a table repeat a handful of shapes: remember the answer per shape.
  let kid = keyIds.get(keys);
  if (kid === undefined) keyIds.set(keys, (kid = keys.join(',')));
  const id = `${kid}|${sig}|${canDrop ? 1 : 0}`;
  const known = placements.get(id);
  if (known !== undefined) return known ?? undefined;
  const found = placeByKind(kinds, keys, missing);
  if (placements.size >= 5000) placements.clear();
  placements.set(id, found ?? null);
  return found;
}

const placements = new Map<string, { score: number; dropped: number[] } | null>();
const keyIds = new WeakMap<Col[], string>();
const KIND_CHAR: Record<Kind, string> = { seq: 's', units: 'u', time: 't', text: 'x', empty: 'e' };

function signature(kinds: Kind[]): string {
  let s = '';
  for (const k of kinds) s += KIND_CHAR[k];
  return s;
}

function placeByKind(kinds: Kind[], keys: Col[], missing: number): { score: number; dropped: number[] } | undefined {
  let best: { score: number; dropped: number[] } | undefined;
  const choose = (from: number, dropped: number[]) => {
    if (dropped.length === missing) {
      let score = 0;
      for (const c of dropped) score -= DROP_COST[keys[c] ?? 'other'];
      let k = 0;
      for (let c = 0; c < keys.length; c++) {
        if (dropped.includes(c)) continue;
        score += fit(keys[c], kinds[k++]!);
      }
      if (!best || score > best.score) best = { score, dropped: [...dropped] };
      return;
    }
    for (let c = from; c < keys.length; c++) choose(c + 1, [...dropped, c]);
  };
  choose(0, []);
  return best;
}

/** Cells of a row in columns; fewer cells than columns: the missing ones are placed by bestPlacement. */
function placeCells(cs: string[], keys: Col[], rows: Row[], dropEmpty: boolean): Row {
  const width = keys.length;
  let cells = dropEmpty ? cs.filter(Boolean) : cs;
  if (cells.length > width) cells = [...cells.slice(0, width - 1), cells.slice(width - 1).join(' ')];
  if (cells.length === width) {
    // Pasted from a spreadsheet, a merged 牵头单位 or 完成时限 cell is empty in the rows below its first.
    const task = keys.lastIndexOf('task');
    const merged = canCarry(rows) && task >= 0 && cells[task] ? cells.map((c, i) => (c === '' && keys[i] !== 'task' && keys[i] !== 'seq' && isMergeable(keys, i) ? undefined : c)) : cells;
    return settle(merged, keys, rows);
  }
  const p = bestPlacement(cells.map(kindOf), keys, canCarry(rows));
  if (!p) return settle([...cells, ...Array<string>(width - cells.length).fill('')], keys, rows);
  const row: Row = [];
  let k = 0;
  for (let c = 0; c < width; c++) row.push(p.dropped.includes(c) ? undefined : cells[k++]);
  return settle(row, keys, rows);
}

function canCarry(rows: Row[]): boolean {
  const prev = rows[rows.length - 1];
  return !!prev && !(prev[0] !== SPAN && prev[1] === SPAN);
}

/**
 * What a missing or empty cell means. A dropped 配合/责任 cell next to a
 * 牵头 column is an empty cell (many items have no co-units), not a merge; an
 * empty task cell under a task (an area spanning rows) is a merge, carried
 * down with its empty 序号.
 */
function settle(row: Row, keys: Col[], rows: Row[]): Row {
  const hasLead = keys.includes('lead');
  const out = row.map((c, i) => (c === undefined && (!canCarry(rows) || (hasLead && keys[i] === 'co')) ? '' : c));
  if (!canCarry(rows) || !out.some((c, i) => c && keys[i] !== 'seq')) return out;
  const tasks = keys.flatMap((k, i) => (k === 'task' ? [i] : []));
  const carried = tasks.filter((i) => out[i] === '' && out.some((c, j) => c && j !== i && keys[j] !== 'seq'));
  for (const i of carried) out[i] = undefined;
  if (tasks.length > 1 && out[tasks[0]!] === undefined) keys.forEach((k, i) => k === 'seq' && out[i] === '' && (out[i] = undefined));
  return out;
}

// ---------------------------------------------------------------- one cell per line / blank-line cells

interface Run {
  cells: string[];
  /** Line index just after each cell. */
  ends: number[];
}

/** The cells from `start`: one per line, or (blank mode) one per group of lines between blank lines. */
function cellRun(lines: string[], start: number, blank: boolean, limit: number): Run {
  const cells: string[] = [];
  const ends: number[] = [];
  let i = start;
  while (i < lines.length && cells.length < limit) {
    if (!lines[i]!.trim()) {
      // Two blank lines in a row end a line-mode table; in blank mode they separate rows.
      if (!blank && i + 1 < lines.length && !lines[i + 1]!.trim()) break;
      i++;
      continue;
    }
    if (!blank) {
      cells.push(lines[i]!.trim());
      ends.push(++i);
      continue;
    }
    const group: string[] = [];
    while (i < lines.length && lines[i]!.trim()) group.push(lines[i++]!.trim());
    cells.push(group.join('\n'));
    ends.push(i);
  }
  return { cells, ends };
}

function cellPerLineTable(lines: string[], start: number): { table: Table; end: number } | undefined {
  if (!classifyHeader(lines[start]!.trim()) || lines[start]!.trim().length > 12) return undefined;
  const next = start + 1 < lines.length ? lines[start + 1]!.trim() : '';
  const blank = next === '';
  // The header: consecutive short cells that each name a column.
  const probe = cellRun(lines, start, blank, 12);
  let n = 0;
  const seen = new Set<ColumnKey>();
  for (; n < probe.cells.length; n++) {
    const c = probe.cells[n]!;
    const k = c.includes('\n') || c.length > 12 ? undefined : classifyHeader(c);
    // A second 序号 or 时限 is the first data row, not more header.
    if (!k || ((k === 'seq' || k === 'deadline') && seen.has(k))) break;
    seen.add(k);
  }
  if (n < 3) return undefined;
  let header = probe.cells.slice(0, n);
  // A two-row header flattened: 序号 工作任务 责任单位 完成时限 牵头单位 配合单位.
  const tail = trailingUnitLabels(header);
  if (tail > 1) {
    const merged = mergeHeader(header.slice(0, n - tail), header.slice(n - tail));
    if (merged && merged.at < n - tail - 1) header = merged.columns;
  }
  const keys = headerColumns(header);
  if (!keys) return undefined;
  const width = keys.length;
  let at = probe.ends[n - 1]!;
  const rows: Row[] = [];
  let end = at;
  for (let guard = 0; at < lines.length && guard < lines.length; guard++) {
    const raw = cellRun(lines, at, blank, 3 * width + 4);
    if (!raw.cells.length) break;
    if (raw.cells.length >= n && raw.cells.slice(0, n).every((c, i) => c.replace(/\s+/g, '') === (probe.cells[i] ?? '').replace(/\s+/g, ''))) {
      at = end = raw.ends[n - 1]!; // repeated header
      continue;
    }
    const run = mergeRuns(raw, keys);
    if (END_LINE.test(run.cells[0]!)) break;
    const choice = nextRow(run.cells, keys, rows.length > 0);
    if (!choice) break;
    if (choice.section) rows.push([run.cells[0]!, ...Array<string>(width - 1).fill(SPAN)]);
    else {
      const row: Row = [];
      let k = 0;
      for (let c = 0; c < width; c++) row.push(choice.dropped.includes(c) ? undefined : run.cells[k++]);
      rows.push(settle(row, keys, rows));
    }
    at = end = run.ends[choice.length - 1]!;
  }
  if (!rows.length) return undefined;
  return { table: buildTable([header], rows, keys), end };
}

/**
 * A cell that held line breaks (units one per line, a task in two paragraphs)
 * arrives as several lines of one kind. More unit lines in a row than the
 * table has adjacent unit columns: the extra ones belong to the last of them;
 * the same for text lines and the task columns.
 */
function mergeRuns(run: Run, keys: Col[]): Run {
  const adjacent = (ok: (k: Col) => boolean) => {
    let best = 0;
    let cur = 0;
    for (const k of keys) best = Math.max(best, (cur = ok(k) ? cur + 1 : 0));
    return best;
  };
  const room: Partial<Record<Kind, number>> = { units: adjacent((k) => k === 'lead' || k === 'co'), text: adjacent((k) => k === 'task' || k === undefined) };
  const kinds = run.cells.map(kindOf);
  const cells: string[] = [];
  const ends: number[] = [];
  for (let i = 0; i < kinds.length; ) {
    const kind = kinds[i]!;
    let j = i + 1;
    while (j < kinds.length && kinds[j] === kind && !isSectionText(run.cells[j]!)) j++;
    const r = room[kind];
    if (!r || j - i <= r || isSectionText(run.cells[i]!)) {
      cells.push(run.cells[i]!);
      ends.push(run.ends[i]!);
      i++;
      continue;
    }
    for (let k = i; k < i + r - 1; k++) {
      cells.push(run.cells[k]!);
      ends.push(run.ends[k]!);
    }
    cells.push(run.cells.slice(i + r - 1, j).join(kind === 'units' ? '、' : ''));
    ends.push(run.ends[j - 1]!);
    i = j;
  }
  return { cells, ends };
}

function trailingUnitLabels(header: string[]): number {
  let t = 0;
  for (let i = header.length - 1; i >= 0; i--) {
    const k = classifyHeader(header[i]!);
    if (k !== 'lead' && k !== 'co') break;
    t++;
  }
  return t;
}

/** How many of the next cells make a row, and which columns they leave to the merged cells above. */
function nextRow(cells: string[], keys: Col[], canDrop: boolean): { length: number; dropped: number[]; section?: boolean } | undefined {
  const kinds = cells.map(kindOf);
  const sig = signature(kinds);
  // The common case first: a full row whose every cell is what its column holds, and the next cell starts a row.
  const w = keys.length;
  if (kinds.length >= w && keys.every((k, i) => fit(k, kinds[i]!) === PERFECT[k ?? 'other']) && (kinds.length === w || kinds[w] === 'seq' || !keys.includes('seq') || isSectionText(cells[w]!))) {
    return { length: w, dropped: [] };
  }
  const options: Array<{ length: number; dropped: number[]; score: number; section?: boolean }> = [];
  if (isSectionText(cells[0]!)) options.push({ length: 1, dropped: [], score: 2.5, section: true });
  for (let len = keys.length; len >= Math.max(1, keys.length - MAX_DROP); len--) {
    if (len > cells.length) continue;
    const p = bestPlacement(kinds.slice(0, len), keys, canDrop, sig.slice(0, len));
    if (!p) continue;
    // One step of look-ahead: the cells after this row should start a row too.
    const rest = kinds.slice(len);
    let ahead = 0;
    if (rest.length && isSectionText(cells[len]!)) ahead = 2.5;
    else if (rest.length) {
      let bestAhead = -Infinity;
      for (let l2 = Math.min(keys.length, rest.length); l2 >= Math.max(1, keys.length - MAX_DROP); l2--) {
        const q = bestPlacement(rest.slice(0, l2), keys, true, sig.slice(len, len + l2));
        if (q) bestAhead = Math.max(bestAhead, q.score / l2);
      }
      ahead = Number.isFinite(bestAhead) ? bestAhead : 0;
    }
    options.push({ length: len, dropped: p.dropped, score: p.score / keys.length + ahead * 0.5 });
  }
  const best = options.sort((a, b) => b.score - a.score)[0];
  if (!best || best.score <= 0.5) return undefined;
  return best;
}

// ---------------------------------------------------------------- to the model

/** Header and rows → a Table block: a carried cell extends the span of the one above; a section row spans the table. */
function buildTable(header: Row[], rows: Row[], keys: Col[], topSpan?: { at: number; width: number }): Table {
  const width = keys.length;
  const out: Cell[][] = [];
  if (topSpan) {
    // Rebuild the two header rows with their spans so the table reader sees the printed header.
    const cols = header[0]!.map((c) => c ?? '');
    const top: Cell[] = [];
    const sub: Cell[] = [];
    for (let c = 0; c < width; c++) {
      if (c === topSpan.at) {
        top.push({ text: '责任单位', rowSpan: 1, colSpan: topSpan.width });
        for (let k = 0; k < topSpan.width; k++) sub.push({ text: cols[c + k]!, rowSpan: 1, colSpan: 1 });
        c += topSpan.width - 1;
      } else top.push({ text: cols[c]!, rowSpan: 2, colSpan: 1 });
    }
    out.push(top, sub);
  } else for (const h of header) out.push(h.map((c) => ({ text: c ?? '', rowSpan: 1, colSpan: 1 })));
  const owner: Array<Cell | undefined> = [];
  for (const row of rows) {
    const cells: Cell[] = [];
    if (row[0] !== SPAN && row[1] === SPAN) {
      cells.push({ text: row[0]!, rowSpan: 1, colSpan: width });
      owner.length = 0;
      out.push(cells);
      continue;
    }
    for (let c = 0; c < width; c++) {
      const v = row[c];
      if (v === undefined && owner[c]) {
        owner[c]!.rowSpan++;
        continue;
      }
      const cell: Cell = { text: v === SPAN ? '' : v ?? '', rowSpan: 1, colSpan: 1 };
      owner[c] = cell;
      cells.push(cell);
    }
    out.push(cells);
  }
  return { kind: 'table', rows: out };
}
