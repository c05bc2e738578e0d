import type { Block, Reply } from '../../src/chat/types.js';
import type { TaskRef, UnitTasks } from '../../src/ledger/queries.js';
import { RULE_LABEL, pathText, shorten, unitList } from './format.js';

/** The 任务 <单位> reply. Pure. */

/** Rows per table; a unit with more is told how many were left out. */
export const MAX_ROWS = 20;

/** The limit to show in the 时限 column: the first date as ordered by the query, else the cycle. */
function limitCell(r: TaskRef): string {
  const dates = r.deadlines.map((d) => d.date);
  if (dates.length) return dates.length > 1 ? `${dates[0]} 等` : dates[0]!;
  if (r.recurring.length) return RULE_LABEL[r.recurring[0]!.rule];
  return '—';
}

function itemCell(r: TaskRef): string {
  // A clause is the unit's own duty; the heading alone would overstate it.
  return r.clause ? shorten(r.clause, 28) : shorten(r.title, 28);
}

function table(refs: TaskRef[], manyDocs: boolean): Block[] {
  const columns = manyDocs ? ['时限', '编号', '事项', '文件'] : ['时限', '编号', '事项'];
  const rows = refs.slice(0, MAX_ROWS).map((r) => {
    const row = [limitCell(r), pathText(r.path), itemCell(r)];
    return manyDocs ? [...row, shorten(r.docTitle, 20)] : row;
  });
  const blocks: Block[] = [{ kind: 'table', columns, rows }];
  if (refs.length > MAX_ROWS) blocks.push({ kind: 'note', text: `共 ${refs.length} 项，这里列出前 ${MAX_ROWS} 项。` });
  return blocks;
}

export function unitTasksReply(query: string, result: UnitTasks): Reply {
  if (result.unit === undefined && result.ambiguous && result.suggestions.length) {
    return {
      title: '请指明是哪个单位',
      tone: 'orange',
      blocks: [
        { kind: 'text', text: `“${shorten(query, 20)}”对应多个单位，请选择：` },
        { kind: 'list', items: result.suggestions.map((s) => `/任务 ${s}`) },
      ],
    };
  }
  if (result.unit === undefined) {
    const blocks: Block[] = [{ kind: 'text', text: `没有找到单位“${shorten(query, 20)}”。` }];
    if (result.suggestions.length) {
      blocks.push({ kind: 'text', text: '您要找的是不是：' });
      blocks.push({ kind: 'list', items: result.suggestions.map((s) => `/任务 ${s}`) });
    } else {
      blocks.push({ kind: 'note', text: '请用文件中的单位名称或常用简称再试，例如“县发改局”“发改局”。' });
    }
    return { title: '没有找到这个单位', tone: 'orange', blocks };
  }

  const { unit, lead, co, generic } = result;
  const all = [...lead, ...co, ...generic];
  const manyDocs = new Set(all.map((r) => r.file)).size > 1;
  const blocks: Block[] = [];
  if (lead.length) blocks.push({ kind: 'text', text: `牵头 ${lead.length} 项` }, ...table(lead, manyDocs));
  if (co.length) blocks.push({ kind: 'text', text: `参与（责任单位）${co.length} 项` }, ...table(co, manyDocs));
  if (!lead.length && !co.length) blocks.push({ kind: 'text', text: `已载入的文件中没有点名由${unit}牵头或参与的任务。` });
  if (generic.length) {
    const names = [...new Set(generic.map((r) => r.unitAsWritten))].slice(0, 2).map((n) => `“${n}”`).join('');
    const some = generic.slice(0, 3).map((r) => `${pathText(r.path)}${shorten(r.title, 10)}`).join('；');
    blocks.push({
      kind: 'note',
      text: `另有 ${generic.length} 项由${names}等统称负责，可能也涉及本单位，如：${some}${generic.length > 3 ? ' 等' : ''}`,
    });
  }
  const written = [...new Set([...lead, ...co].map((r) => r.unitAsWritten))].filter((w) => w !== unit);
  if (written.length) blocks.push({ kind: 'note', text: `文件中也写作：${unitList(written)}` });
  return { title: `${unit}的任务`, tone: 'blue', blocks };
}
