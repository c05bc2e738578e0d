import { expandGrid, type Table } from '../doc/model.js';
import { readMarker } from './numbering.js';
import { normalizeLine } from './normalize.js';
import { isGenericUnit, looksLikeUnit, splitUnits } from './units.js';

/**
 * Task-division tables (任务分工表) read from the document model, whatever
 * format they came from (Word, Excel, HTML, PDF, or a layout recovered from
 * flattened text). Columns are recognised by what their header cells say, so
 * column order, extra columns, a title above the header, two-row headers and
 * repeated headers (a table continued over pages) do not matter.
 */

export type ColumnKey = 'seq' | 'task' | 'lead' | 'co' | 'deadline';

export interface TableRow {
  /** Index of the table block in the model, and the row inside its grid. */
  block: number;
  row: number;
  path: string[];
  /** The task as the plan states it: the area and the measure when there are two task columns. */
  task: string;
  /** A short name for the task: the measure without the area. */
  title: string;
  leads: string[];
  co: string[];
  /** Deadline cell(s), bare months written out ("3月" → "3月底") so the time reader sees a limit. */
  deadline: string;
}

/** Header cell → column meaning. Checked in order; text is the cell without spaces or a bracketed gloss. */
const COLUMN: Array<{ key: ColumnKey | 'skip'; re: RegExp }> = [
  // Columns that look like ours but are not: who signs off, where a task came from, remarks.
  { key: 'skip', re: /(领导|责任人|联系人|来源|依据|备注|说明|评分|分值|考核|标准|进展|成效|完成情况|电话)/ },
  { key: 'seq', re: /^(序号|编号|序|项次|号|条目)$/ },
  { key: 'lead', re: /(牵头单位|牵头部门|牵头科室|主责单位|主责部门|主抓单位|主抓部门|主办单位|牵头)/ },
  { key: 'co', re: /^(主要|具体)?(责任|配合|协办|协同|参与|协助|公开|实施|承办|落实|执行|主体)(单位|部门|科室|处室|主体)$|^(单位|部门)$/ },
  { key: 'deadline', re: /(时限|完成时间|时间节点|时间要求|完成期限|进度安排|时间安排|截止时间|办结时间|^时间|时限要求|进度要求|时间进度|进度)$/ },
  { key: 'task', re: /^.{0,6}(任务|内容|措施|事项|工作|目标|要点|举措|项目)(内容|名称|清单|分解)?$/ },
];

function headerText(cell: string): string {
  return cell.replace(/\s+/g, '').replace(/[（(][^（）()]{0,12}[）)]/g, '').replace(/[:：]$/, '');
}

/** What a header cell names, if anything. */
export function classifyHeader(cell: string): ColumnKey | undefined {
  if (cell.length > 24) return undefined;
  const t = headerText(cell);
  // "牵头单位：县财政局" is a labelled field, not a column header.
  if (/[:：]/.test(t)) return undefined;
  if (!t || t.length > 10 || readMarker(t)) return undefined;
  for (const c of COLUMN) if (c.re.test(t)) return c.key === 'skip' ? undefined : c.key;
  return undefined;
}

/** Column meanings of a row when it reads as a header (a task column and a unit column), else undefined. */
export function headerColumns(cells: string[]): Array<ColumnKey | undefined> | undefined {
  // Most rows are data: a cheap look for a unit label first.
  if (!cells.some((c) => c.length <= 24 && /单\s*位|部\s*门|牵\s*头|科\s*室|主\s*体/.test(c))) return undefined;
  const keys = cells.map(classifyHeader);
  if (!keys.includes('task') || !(keys.includes('lead') || keys.includes('co'))) return undefined;
  // A header is short labels: a data row that happens to mention 任务 and 单位 is not one.
  const named = keys.filter(Boolean).length;
  const unnamed = cells.filter((c, i) => c.trim() && keys[i] === undefined);
  if (unnamed.some((c) => headerText(c).length > 8) || (unnamed.length && named < 3)) return undefined;
  return keys;
}

/**
 * Remember what a cell says: a long table repeats the same unit and time cells
 * hundreds of times. Bounded: cleared when full.
 */
function memo<T>(fn: (s: string) => T, size = 5000): (s: string) => T {
  const cache = new Map<string, T>();
  return (s) => {
    let v = cache.get(s);
    if (v === undefined) {
      if (cache.size >= size) cache.clear();
      cache.set(s, (v = fn(s)));
    }
    return v;
  };
}

const unitsOfLead = memo((s) => readUnitCell(s, true));
const unitsOfCo = memo((s) => readUnitCell(s, false));

/** The units of one cell: 、，；/ newlines or spaces between names, "X牵头，Y配合", "X（牵头）". */
export function cellUnits(cell: string, leadColumn: boolean): { leads: string[]; co: string[] } {
  const r = (leadColumn ? unitsOfLead : unitsOfCo)(cell);
  return { leads: [...r.leads], co: [...r.co] };
}

function readUnitCell(cell: string, leadColumn: boolean): { leads: string[]; co: string[] } {
  const text = cell.replace(/<br\s*\/?>/gi, '\n').trim();
  if (!text || /^[—–\-－/／无]+$/.test(text)) return { leads: [], co: [] };
  const leads: string[] = [];
  const co: string[] = [];
  const add = (list: string[], units: string[]) => {
    for (const u of units) if (!leads.includes(u) && !co.includes(u)) list.push(u);
  };
  const marked = /牵头|[（(](主责|主办)[）)]/.test(text);
  for (const part of text.split(/[；;。\n]|[，,](?=[^，,]*(?:牵头|配合|参与|协助|协同|负责))/)) {
    const p = part.trim();
    if (!p) continue;
    const lead = /^(?:由)?(.+?)(?:[（(](?:牵头|主责|主办)[）)]|牵头(?:负责|落实|实施)?)$/.exec(p);
    if (lead) {
      add(leads, units(lead[1]!));
      continue;
    }
    const rest = p.replace(/(?:等)?(?:[（(](?:配合|参与|协助)[）)]|(?:按(?:照)?职责(?:分工)?)?(?:配合|参与|协助|协同|共同)?(?:负责|落实)?)$/, '');
    // Inside a list, "A（牵头）、B" marks one unit; the rest are who else answers for it.
    for (const u of units(rest)) {
      const m = /^(.+?)[（(](牵头|主责|主办)[）)]$/.exec(u);
      if (m) add(leads, [m[1]!]);
      else add(leadColumn && !marked ? leads : co, [u.replace(/[（(](配合|参与|协助)[）)]$/, '')]);
    }
  }
  return { leads, co };
}

/** A list of units as written in a cell, also split on spaces and where names are glued together. */
function units(list: string): string[] {
  const out: string[] = [];
  for (const u of splitUnits(list.replace(/[ \t\u3000]*\n[ \t\u3000]*/g, '、'))) {
    const pieces = u.split(/[ \t\u3000]+/).filter(Boolean);
    const parts = pieces.length > 1 && pieces.every((p) => looksLikeUnit(p) || isGenericUnit(p)) ? pieces : [pieces.join('')];
    for (const p of parts) for (const g of splitGlued(p)) if (!out.includes(g)) out.push(g);
  }
  return out;
}

// Where a glued list ("区经发局区环土局") may be cut: after a unit's last character, before a new name's level prefix.
const GLUE_END = /(局|委员会|办公室|中心|政府|公司|分行|支行|银行|处|科|室|站|所|队|院|厅|办|委|部)$/;
const GLUE_START = /^(区|县|市|省|州|盟|旗|镇|乡|街道|各|相关|有关|中国|国家)/;

/** "区经发局区环土局" → [区经发局, 区环土局]; a single name (区委宣传部, 市政府办公室) is left whole. */
export function splitGlued(s: string): string[] {
  if (s.length < 6) return [s];
  for (let i = 3; i <= s.length - 3; i++) {
    const left = s.slice(0, i);
    const right = s.slice(i);
    if (!GLUE_END.test(left) || !GLUE_START.test(right)) continue;
    if (!looksLikeUnit(left) || !(looksLikeUnit(right) || isGenericUnit(right))) continue;
    // "市场监督管理局" starts with 市 but is not 市 + 场…: only cut where the right side is a unit on its own.
    const rest = splitGlued(right);
    if (rest.every((r) => looksLikeUnit(r) || isGenericUnit(r))) return [left, ...rest];
  }
  return [s];
}

const MONTH = '(?:\\d{1,2}|十[一二]?|[一二三四五六七八九])';
/** A deadline cell as the time reader understands it: "3月" / "2025年6月" → "…月底", "全年" → "年底". */
export function deadlineText(cell: string): string {
  return cell
    .replace(/\s+/g, '')
    .replace(new RegExp(`(${MONTH}月)(?![底末份中上下旬初\\d一二三四五六七八九十])`, 'g'), '$1底')
    .replace(/^全年(度)?$/, '年底前');
}

// Line breaks are kept: they separate units in a unit cell; task text is joined where it is read.
const cleanText = (cell: string): string =>
  cell ? cell.replace(/<br\s*\/?>/gi, '\n').split(/\s*\n\s*/).map(normalizeLine).filter(Boolean).join('\n').trim() : '';
const cleanShort = memo(cleanText, 20000);
/** Short cells (units, times, numbers) repeat down a table and are remembered; task text is each its own. */
const clean = (cell: string): string => (cell.length > 30 ? cleanText(cell) : cleanShort(cell));

/**
 * The task rows of one table block. A table without a header row naming a task
 * column and a unit column yields nothing (it is some other table).
 */
export function readTable(table: Pick<Table, 'rows'>, block = 0): TableRow[] {
  const raw = expandGrid(table);
  const grid = raw.map((row) => row.map(clean));
  let keys: Array<ColumnKey | undefined> | undefined;
  let headerRows: string[] = [];
  let section: string[] = [];
  let counter = 0;
  let group: { label: string; area: string; n: number } | undefined;
  let seqAreas = false;
  let cols: Record<ColumnKey, number[]> | undefined;
  const out: TableRow[] = [];
  for (let r = 0; r < grid.length; r++) {
    const cells = grid[r]!;
    let asHeader = headerColumns(cells);
    // A header whose words wrap onto a second row ("完成" over "时限", as a PDF's table often comes out).
    if (!asHeader && !keys && grid[r + 1] && cells.some((c) => c && c.length <= 4)) {
      const wrapped = cells.map((c, i) => (c === grid[r + 1]![i] ? c : c + grid[r + 1]![i]));
      const k = headerColumns(wrapped);
      if (k && !headerColumns(grid[r + 1]!)) {
        keys = k;
        headerRows = [cells.join('|'), grid[r + 1]!.join('|')];
        section = [];
        counter = 0;
        group = undefined;
        seqAreas = seqNumbersAreas(grid, keys, r + 1);
        cols = undefined;
        r++;
        continue;
      }
    }
    if (asHeader) {
      // A repeated header (the table continues on the next page) changes nothing.
      const joined = cells.join('|');
      if (keys && headerRows.includes(joined)) continue;
      keys = asHeader;
      headerRows = [joined];
      // Two-row header: 责任单位 over 牵头单位 | 配合单位.
      const next = grid[r + 1];
      if (next && isSubHeader(cells, next)) {
        // Each column is what the two rows say together ("牵头" over "单位"), else what the lower row says.
        keys = keys.map((k, i) => (!next[i] || next[i] === cells[i] ? k : classifyHeader(cells[i]! + next[i]!) ?? classifyHeader(next[i]!) ?? k));
        headerRows.push(next.join('|'));
        r++;
      }
      section = [];
      counter = 0;
      group = undefined;
      seqAreas = seqNumbersAreas(grid, keys, r);
      cols = undefined;
      continue;
    }
    if (!keys) continue;
    const col = (k: ColumnKey) => (cols ??= columnsOf(keys!))[k];
    const filled = [...new Set(cells.filter(Boolean))];
    if (filled.length === 0) continue;
    if (/^(注|备注|说明|附注)\s*[:：]/.test(filled[0]!) && filled.length === 1) continue;
    const seqCells = col('seq').map((i) => cells[i]!);
    const nonSeq = [...new Set(cells.filter((c, i) => c && keys![i] !== 'seq'))];
    const unitsText = [...col('lead'), ...col('co')].map((i) => cells[i]).filter(Boolean);
    // A section row: one merged cell across ("一、优化营商环境"), perhaps after its own 序号.
    if (nonSeq.length <= 1 && (filled.length === 1 || unitsText.length === 0 || unitsText.every((u) => u === nonSeq[0]))) {
      const text = (nonSeq[0] ?? filled[0]!).replace(/\n/g, '');
      const seq = seqCells.find((s) => s && s !== text);
      const m = readMarker(text);
      section = [seq ? seq.replace(/[.、．]$/, '') + '、' : m ? m.label : text.replace(/[：:]$/, '').slice(0, 30)];
      group = undefined;
      continue;
    }
    const taskCells = dedupeAdjacent(col('task').map((i) => cells[i]!.replace(/\n/g, ''))).filter(Boolean);
    if (taskCells.length === 0) continue;
    const measureRaw = taskCells[taskCells.length - 1]!;
    const area = taskCells.slice(0, -1).join('；');
    const marker = readMarker(measureRaw);
    const measure = marker && measureRaw.length > marker.length ? measureRaw.slice(marker.length) : measureRaw;
    const seq = seqCells.find(Boolean)?.replace(/[.、．]$/, '') ?? '';
    let path: string[];
    counter++;
    if (area && seq && seqAreas) {
      if (!group || group.label !== seq || group.area !== area) group = { label: seq, area, n: 0 };
      group.n++;
      path = [...section, `${seq}.`, marker ? marker.label : String(group.n)];
    } else {
      path = [...section, seq || (marker ? marker.label : String(counter))];
    }
    const leads: string[] = [];
    const co: string[] = [];
    for (const i of col('lead')) {
      const u = cellUnits(cells[i]!, true);
      push(leads, u.leads);
      push(co, u.co);
    }
    for (const i of col('co')) {
      const u = cellUnits(cells[i]!, false);
      push(leads, u.leads);
      push(co, u.co);
    }
    out.push({
      block,
      row: r,
      path,
      task: area ? `${area}${/[。；：:，]$/.test(area) ? '' : '：'}${measure}` : measure,
      title: measure,
      leads,
      co: co.filter((u) => !leads.includes(u)),
      deadline: dedupeAdjacent(col('deadline').map((i) => cells[i]!)).filter(Boolean).map(deadlineText).join('；'),
    });
  }
  return out;
}

/**
 * Whether the 序号 column numbers areas rather than rows: below the header two
 * rows share one 序号 (a merged cell) and one area while their measures differ.
 */
function seqNumbersAreas(grid: string[][], keys: Array<ColumnKey | undefined>, header: number): boolean {
  const seq = keys.indexOf('seq');
  const tasks = keys.flatMap((k, i) => (k === 'task' ? [i] : []));
  if (seq < 0 || tasks.length < 2) return false;
  const last = tasks[tasks.length - 1]!;
  for (let r = header + 2; r < grid.length; r++) {
    const a = grid[r - 1]!;
    const b = grid[r]!;
    if (a[seq] && a[seq] === b[seq] && a[last] !== b[last] && a[tasks[0]!] === b[tasks[0]!]) return true;
  }
  return false;
}

/** The second row of a two-row header: every cell repeats the one above (a span) or names a column. */
function isSubHeader(top: string[], next: string[]): boolean {
  let named = 0;
  for (let i = 0; i < next.length; i++) {
    if (next[i] === top[i] || !next[i]) continue;
    if (!classifyHeader(next[i]!)) return false;
    named++;
  }
  return named > 0;
}

function columnsOf(keys: Array<ColumnKey | undefined>): Record<ColumnKey, number[]> {
  const out: Record<ColumnKey, number[]> = { seq: [], task: [], lead: [], co: [], deadline: [] };
  keys.forEach((k, i) => k && out[k].push(i));
  return out;
}

function dedupeAdjacent(list: string[]): string[] {
  return list.filter((x, i) => i === 0 || x !== list[i - 1]);
}

function push(into: string[], from: string[]): void {
  for (const u of from) if (!into.includes(u)) into.push(u);
}

/** A plan-wide rule that the first unit listed for an item is its lead ("排在第一位的为牵头单位", "主要责任单位第一个为牵头单位"). */
export function firstUnitLeads(text: string): boolean {
  return /(?:排在?|列|居)?(?:第一位|首位|第一个|第一|首个)(?:的|列出的)?(?:单位|部门|科室)?(?:为|是)牵头/.test(text.replace(/\s+/g, ''));
}
