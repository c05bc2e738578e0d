import type { Cell, Table } from './model.js';
import { classifyHeader, type ColumnKey } from '../plan/table.js';
import { looksLikeUnit } from '../plan/units.js';

/**
 * A table whose cells were glued into one line when a web page was copied
 * ("序号主要工作任务具体工作措施完成时限主要责任单位任务来源1推进…1、建立…3月区经发局区环土局…").
 * The header is a run of column labels; each row ends where a time limit is
 * followed by unit names (or unit names by a time limit, as the header
 * orders them); rows are numbered, so a row starts at the last occurrence of
 * its number before that tail (a source column may hold a list of its own
 * numbers). Every search moves forward, so the pass is linear in the line.
 */

type Key = ColumnKey | 'other';

const MAX_ROW = 3000;

// A header label ends with what the column holds; it names one thing (no 序号 or 单位 inside a longer label).
const LABEL_END = /(序号|编号|任务|措施|内容|事项|工作|目标|要点|举措|项目|单位|部门|科室|处室|主体|时限|时间|期限|节点|安排|来源|依据|备注|说明|领导|责任人|要求)$/;
const OTHER_LABEL = /^.{0,4}(来源|依据|备注|说明|领导|责任人|联系人|进展|完成情况)$/;

function label(s: string): Key | undefined {
  if (!LABEL_END.test(s) || /\s/.test(s)) return undefined;
  if (/序号|编号/.test(s) && s.length > 2) return undefined;
  if (/(单位|部门|时限|时间|任务|措施).+(单位|部门|时限|时间|来源)$/.test(s) && !/^(主要|具体)?工作(任务|措施)$/.test(s)) return undefined;
  const k = classifyHeader(s);
  if (k) return k;
  return OTHER_LABEL.test(s) ? 'other' : undefined;
}

/** Labels glued (or space-separated) from `at`: the longest label at each step. */
function headerRun(line: string, at: number): { keys: Key[]; labels: string[]; end: number } | undefined {
  const keys: Key[] = [];
  const labels: string[] = [];
  let p = at;
  for (let guard = 0; guard < 16; guard++) {
    while (line[p] === ' ' || line[p] === '\u3000') p++;
    let found: { k: Key; len: number } | undefined;
    for (let len = Math.min(7, line.length - p); len >= 2 && !found; len--) {
      const k = label(line.slice(p, p + len));
      if (k) found = { k, len };
    }
    if (!found) break;
    keys.push(found.k);
    labels.push(line.slice(p, p + found.len));
    p += found.len;
  }
  if (keys.length < 3 || !keys.includes('task') || !(keys.includes('lead') || keys.includes('co'))) return undefined;
  return { keys, labels, end: p };
}

const TIME =
  /(?:\d{4}年)?(?:\d{1,2}|十[一二]?|[一二三四五六七八九])月(?:份|底|末|中旬|下旬|上旬)?(?:前|以前|之前)?|\d{4}年(?:年?底|末)(?:前)?|全年|年底前?|年内|年初|年中|汛期前|汛前|春节前|上半年|下半年|第?[一二三四1-4]季度(?:末|底)?(?:前)?|长期(?:坚持)?|持续(?:推进|开展)|常态化|每(?:周|月|季度?|半年|年)/g;

const START = /^(区|县|市|省|州|盟|旗|镇|乡|街道|各|相关|有关)/;
const STRONG_END = /(局|委员会|办公室|中心|政府|公司|分行|支行|银行|处|科|室|站|所|队|院|厅|办|委|部|馆|社)$/;

/** Unit names from `at`, glued or separated by 、，/spaces; [] when none starts there. */
function unitRun(line: string, at: number): { units: string[]; end: number } {
  const units: string[] = [];
  let p = at;
  for (let guard = 0; guard < 12; guard++) {
    let q = p;
    let sep = false;
    while (q < line.length && q < p + 8 && /[、，, \t\u3000]/.test(line[q]!)) {
      sep ||= line[q] !== ' ';
      q++;
    }
    if (units.length && q > p && !sep && !START.test(line.slice(q, q + 4))) break;
    // The shortest name ending like a unit; 市政府 + 办公室 is one name, 区经发局 + 区环土局 two.
    let len = 0;
    for (let l = 3; l <= 20 && q + l <= line.length; l++) {
      const s = line.slice(q, q + l);
      if (/[\d（）()。；：:]/.test(s)) break;
      if (STRONG_END.test(s) && looksLikeUnit(s)) {
        len = l;
        break;
      }
    }
    if (!len) break;
    const after = line.slice(q + len, q + len + 8);
    const more = /^[^\d\s、，,。；（(]{1,3}?(局|办公室|处|科|室|站|所|队|中心)/.exec(after);
    if (more && !START.test(after)) len += more[0].length;
    const name = line.slice(q, q + len);
    const next = line.slice(q + len, q + len + 4);
    // A long "name" that does not start like one is a phrase ("…目标责任到各乡镇人民政府").
    if (!START.test(name) && len > 10) break;
    // After the first unit, another one must be separated or start like a unit, or end the row.
    if (units.length && !sep && !START.test(name) && !/^(\s|\d|$)/.test(next)) break;
    units.push(name);
    p = q + len;
  }
  return { units, end: p };
}

interface Tail {
  start: number;
  end: number;
  time: string;
  units: string[];
}

/** The next "time limit + units" (or "units + time limit") at or after `from`. */
function nextTail(line: string, from: number, unitsFirst: boolean): Tail | undefined {
  const re = TIME;
  re.lastIndex = from;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (!unitsFirst) {
      const u = unitRun(line, m.index + m[0].length);
      if (u.units.length) return { start: m.index, end: u.end, time: m[0], units: u.units };
    } else if (STRONG_END.test(line.slice(Math.max(0, m.index - 3), m.index))) {
      // Units just before the time limit: walk back to where the run starts.
      // A run starts like a unit name or right after a number, space or punctuation ("…3个县商务局" starts at 县).
      const u = unitsEndingAt(line, from, m.index);
      if (u) return { start: u.start, end: m.index + m[0].length, time: m[0], units: u.units };
    }
  }
  return undefined;
}

// Row numbers: "12、" / "12." (a measure's own), bare "12" before text (a 序号 cell), and an area's bare number
// that is not part of a cited document ("〔2016〕2号") or a quantity ("3个").
const MARKED_NUMBER = /(?<![\d.．])(\d{1,5})\s*[、.．](?!\d)/g;
const BARE_NUMBER = /(?<![\d.．、])(\d{1,5})\s*(?=[\u4e00-\u9fff《“])/g;
const AREA_NUMBER = /(?<![\d.．、〕\]）)])(\d{1,5})\s*(?=[\u4e00-\u9fff《“])(?![号年月日个项次批期条家所万亿])/g;

/** Unit names that end exactly at `to` (searched back at most 40 characters, not before `from`). */
function unitsEndingAt(line: string, from: number, to: number): { start: number; units: string[] } | undefined {
  for (let s = Math.max(from, to - 40); s < to; s++) {
    if (!START.test(line.slice(s, s + 4)) && !/[\s、，,。；;：:）)”]/.test(line[s - 1] ?? ' ')) continue;
    const u = unitRun(line, s);
    if (u.units.length && u.end === to) return { start: s, units: u.units };
  }
  return undefined;
}

/** Last occurrence of row number `n` (as "n、"/"n." or bare before text) in line[from, to). */
function lastNumber(line: string, n: number, from: number, to: number, bare: boolean): { at: number; end: number } | undefined {
  const re = bare ? BARE_NUMBER : MARKED_NUMBER;
  // Searched in the row's own text only (lookbehind sees one character before it), so a row costs its length.
  const seg = line.slice(Math.max(0, from - 1), to);
  const base = Math.max(0, from - 1);
  re.lastIndex = from - base;
  let last: { at: number; end: number } | undefined;
  for (let m = re.exec(seg); m; m = re.exec(seg)) if (Number(m[1]) === n) last = { at: base + m.index, end: base + m.index + m[0].length };
  return last;
}

/** Where area `n` starts: "2分解推动…" after a row's tail, not "〔2016〕2号" in a cited document; its text holds no numbered items. */
function areaStart(line: string, n: number, from: number, to: number): { at: number; end: number } | undefined {
  const re = AREA_NUMBER;
  const base = Math.max(0, from - 1);
  const seg = line.slice(base, to);
  re.lastIndex = from - base;
  let last: { at: number; end: number } | undefined;
  for (let m = re.exec(seg); m; m = re.exec(seg)) {
    if (Number(m[1]) !== n) continue;
    const end = m.index + m[0].length;
    if (!/\d\s*[、.．]/.test(seg.slice(end))) last = { at: base + m.index, end: base + end };
  }
  return last;
}

export function gluedTable(line: string): { before: string; table: Table; after: string } | undefined {
  if (line.length < 40) return undefined;
  const re = /序号|编号/g;
  for (let m = re.exec(line), tries = 0; m && tries < 20; m = re.exec(line), tries++) {
    const head = headerRun(line, m.index);
    if (!head) continue;
    const table = gluedRows(line, head);
    if (table) return { before: line.slice(0, m.index).trim(), table: table.table, after: line.slice(table.end).trim() };
  }
  return undefined;
}

function gluedRows(line: string, head: { keys: Key[]; labels: string[]; end: number }): { table: Table; end: number } | undefined {
  const { keys } = head;
  const tasks = keys.flatMap((k, i) => (k === 'task' ? [i] : []));
  const unitCols = keys.flatMap((k, i) => (k === 'lead' || k === 'co' ? [i] : []));
  const timeCol = keys.indexOf('deadline');
  const seqCol = keys.indexOf('seq');
  const unitsFirst = timeCol >= 0 && unitCols[0]! < timeCol;
  const width = keys.length;
  const rows: string[][] = [];
  let pos = head.end;
  let n = 0;
  let area = 0;
  let areaText = '';
  let end = head.end;
  let style: 'numbered' | 'bare' | undefined;
  const makeRow = (measure: string, time: string, units: string[]): string[] => {
    const row = Array<string>(width).fill('');
    if (seqCol >= 0) row[seqCol] = tasks.length > 1 ? String(area) : String(n);
    if (tasks.length > 1) row[tasks[0]!] = areaText;
    row[tasks[tasks.length - 1]!] = (tasks.length > 1 ? `${n}、` : '') + measure;
    if (timeCol >= 0) row[timeCol] = time;
    // Glued cells cannot show where the 牵头 cell ended: with a 牵头 column and another unit column after it, the first
    // unit leads; with one unit column the units stay as listed (the plan's own rule may name the first the lead).
    if (unitCols.length > 1 && keys[unitCols[0]!] === 'lead') {
      row[unitCols[0]!] = units[0] ?? '';
      row[unitCols[1]!] = units.slice(1).join('、');
    } else row[unitCols[0]!] = units.join('、');
    return row;
  };
  for (let guard = 0; guard < 100_000; guard++) {
    const tail = nextTail(line, pos, unitsFirst);
    // A row is a few hundred characters; a "row" of thousands is prose after the table.
    if (!tail || tail.start - pos > MAX_ROW) break;
    // The row's own number: the next in the chain, or 1 again where numbering restarts with an area.
    // Rows keep the style the first row used: "1、…" measures, or a bare 序号 before the text.
    let pick: { k: number; hit: { at: number; end: number } } | undefined;
    if (style !== 'bare') {
      const numbered = [n + 1, 1].flatMap((k) => {
        const hit = lastNumber(line, k, pos, tail.start, false);
        return hit ? [{ k, hit }] : [];
      });
      pick = numbered.sort((a, b) => b.hit.at - a.hit.at)[0];
      if (pick) style = 'numbered';
    }
    if (!pick && style !== 'numbered' && tasks.length < 2) {
      const bare = lastNumber(line, n + 1, pos, tail.start, true);
      if (bare) {
        pick = { k: n + 1, hit: bare };
        style = 'bare';
      }
    }
    if (!pick) break;
    // Between the previous row's tail and this number: the previous row's other columns, then perhaps a new area "2分解推动…".
    if (tasks.length > 1) {
      const a = areaStart(line, area + 1, pos, pick.hit.at);
      if (a) {
        area++;
        areaText = line.slice(a.end, pick.hit.at).trim();
      }
    }
    // A row whose time limit is not one we know has no tail of its own: where the next number follows unit names
    // before this tail, the row ends there (with those units and no time limit).
    for (let guard2 = 0; guard2 < 50; guard2++) {
      const next = lastNumber(line, pick.k + 1, pick.hit.end, tail.start, style === 'bare');
      const units = next ? unitsEndingAt(line, pick.hit.end, next.at) : undefined;
      if (!next || !units) break;
      n = pick.k;
      rows.push(makeRow(line.slice(pick.hit.end, units.start).trim(), '', units.units));
      pick = { k: pick.k + 1, hit: next };
    }
    n = pick.k;
    rows.push(makeRow(line.slice(pick.hit.end, tail.start).trim(), tail.time, tail.units));
    pos = end = tail.end;
  }
  if (rows.length < 2) return undefined;
  const cells = (r: string[]): Cell[] => r.map((text) => ({ text, rowSpan: 1, colSpan: 1 }));
  return { table: { kind: 'table', rows: [cells(head.labels), ...rows.map(cells)] }, end };
}

/**
 * A glued header alone on its line with its rows on the lines after it (a
 * PDF's text layer gives one line per row, cells run together): the lines
 * are read as one text, and the table ends inside line `endLine`.
 */
export function gluedTableLines(lines: string[], i: number): { before: string; table: Table; endLine: number; rest: string } | undefined {
  const first = lines[i]!.replace(/\s+$/, '');
  const at = first.search(/序号|编号/);
  if (at < 0) return undefined;
  const head = headerRun(first, at);
  if (!head || head.end < first.length) return undefined;
  const parts = [first];
  let size = first.length;
  let blanks = 0;
  for (let j = i + 1; j < lines.length && size < 6_000_000; j++) {
    if (!lines[j]!.trim()) {
      if (++blanks >= 2) break;
    } else blanks = 0;
    parts.push(lines[j]!);
    size += lines[j]!.length + 1;
  }
  const text = parts.join('\n');
  const rows = gluedRows(text, head);
  if (!rows) return undefined;
  let line = i;
  for (let nl = text.indexOf('\n'); nl >= 0 && nl < rows.end; nl = text.indexOf('\n', nl + 1)) line++;
  const lineEnd = text.indexOf('\n', rows.end);
  return { before: first.slice(0, at).trim(), table: rows.table, endLine: line, rest: text.slice(rows.end, lineEnd < 0 ? undefined : lineEnd).trim() };
}
