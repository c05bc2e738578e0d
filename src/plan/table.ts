import { readMarker } from './numbering.js';
import { splitUnits } from './units.js';

/**
 * Plans published as task-division tables (任务分工表): Markdown pipe tables,
 * or tab-separated rows pasted from Word/Excel. Columns are recognised by their
 * header words, so column order and extra columns do not matter.
 */

export interface TableRow {
  line: number;
  /** The header row of the table this row belongs to. */
  headerLine: number;
  path: string[];
  task: string;
  leads: string[];
  co: string[];
  deadline: string;
}

const COLUMN: Array<{ key: 'seq' | 'task' | 'lead' | 'co' | 'deadline'; re: RegExp }> = [
  { key: 'seq', re: /^(序号|编号|序|项次)$/ },
  { key: 'lead', re: /(牵头单位|牵头部门|主责单位|牵头)/ },
  { key: 'co', re: /(责任单位|配合单位|责任部门|协办单位|参与单位|配合部门|协同单位)/ },
  { key: 'deadline', re: /(时限|完成时间|时间节点|时间要求|完成期限|进度安排)/ },
  { key: 'task', re: /(任务|工作内容|工作事项|具体措施|主要内容|重点工作|工作措施|事项)/ },
];

function cells(line: string): string[] | undefined {
  if (line.includes('|')) {
    const t = line.trim().replace(/^\|/, '').replace(/\|$/, '');
    return t.split('|').map((c) => c.trim());
  }
  if (line.includes('\t')) return line.split('\t').map((c) => c.trim());
  return undefined;
}

export function findTables(lines: string[]): { rows: TableRow[]; used: Set<number> } {
  const rows: TableRow[] = [];
  const used = new Set<number>();
  let columns: Partial<Record<'seq' | 'task' | 'lead' | 'co' | 'deadline', number>> | undefined;
  let section: string[] = [];
  let counter = 0;
  let headerLine = -1;
  for (let n = 0; n < lines.length; n++) {
    const cs = cells(lines[n]!);
    if (!cs || cs.length < 2) {
      if (!lines[n] || !columns) continue;
      // A section heading between rows of a pasted table ("二、优化法治环境").
      const m = readMarker(lines[n]!);
      if (m) {
        section = [m.label];
        used.add(n);
      } else columns = undefined;
      continue;
    }
    if (cs.every((c) => /^:?-{2,}:?$/.test(c) || c === '')) continue;
    const header: typeof columns = {};
    cs.forEach((c, i) => {
      for (const col of COLUMN) if (header[col.key] === undefined && col.re.test(c) && c.length <= 12) { header[col.key] = i; break; }
    });
    if (header.task !== undefined && (header.lead !== undefined || header.co !== undefined)) {
      columns = header;
      headerLine = n;
      used.add(n);
      section = [];
      counter = 0;
      continue;
    }
    if (!columns) continue;
    used.add(n);
    const get = (k: keyof typeof header) => (columns![k] !== undefined ? cs[columns![k]!] ?? '' : '');
    const task = get('task');
    const filled = cs.filter(Boolean).length;
    // A section row: one filled cell ("一、政务公开") spanning the table.
    if (filled === 1 || (!task && !get('lead'))) {
      const only = cs.find(Boolean) ?? '';
      const m = readMarker(only);
      section = m ? [m.label] : [only.slice(0, 20)];
      continue;
    }
    if (!task) continue;
    counter++;
    const seq = get('seq');
    const m = readMarker(task);
    const label = seq ? seq.replace(/[.、]$/, '') : m ? m.label : String(counter);
    rows.push({
      line: n,
      headerLine,
      path: [...section, label],
      task: m ? task.slice(m.length) : task,
      leads: splitUnits(get('lead').replace(/<br\s*\/?>/g, '、')),
      co: splitUnits(get('co').replace(/<br\s*\/?>/g, '、')),
      deadline: get('deadline'),
    });
  }
  return { rows, used };
}
