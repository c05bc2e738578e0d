import type { Reply } from '../../src/chat/types.js';
import type { DueItem } from '../../src/ledger/queries.js';
import type { Ledger } from '../../src/plan/schema.js';
import { fewUnits, pathText, shorten } from './format.js';
import type { Window } from './window.js';

/** The 截止 reply. Pure. */

export const MAX_ROWS = 30;

function leadCell(item: DueItem): string {
  if (item.leadSource === 'explicit') return fewUnits(item.leads);
  if (item.leadSource === 'implied') return `${fewUnits(item.leads)}（推断）`;
  return '未明确';
}

function itemCell(item: DueItem): string {
  return `${pathText(item.path)} ${shorten(item.title, 20)}（${item.text}）`;
}

export function dueReply(window: Window, items: readonly DueItem[], ledger: Ledger): Reply {
  const span = `${window.from} 至 ${window.to}`;
  if (!items.length) {
    const years = [...new Set(ledger.documents.map((d) => d.year).filter((y) => y > 0))].sort();
    const blocks: Reply['blocks'] = [{ kind: 'text', text: `${window.label}（${span}）没有到期的任务。` }];
    const month = Number(window.from.slice(5, 7));
    const latest = years.at(-1);
    if (latest && !years.includes(Number(window.from.slice(0, 4)))) {
      // Plans are for a given year; a window in another year finds nothing, so say which years exist.
      blocks.push({
        kind: 'note',
        text: `已载入文件的年份：${years.join('、')}。可以指定年份，例如 /截止 ${latest}年${month}月`,
      });
    }
    return { title: `${window.label}到期的任务`, tone: 'grey', blocks };
  }
  const manyDocs = new Set(items.map((i) => i.file)).size > 1;
  const columns = manyDocs ? ['日期', '事项', '牵头单位', '文件'] : ['日期', '事项', '牵头单位'];
  const rows = items.slice(0, MAX_ROWS).map((i) => {
    const row = [i.date, itemCell(i), leadCell(i)];
    return manyDocs ? [...row, shorten(i.docTitle, 20)] : row;
  });
  const blocks: Reply['blocks'] = [
    { kind: 'text', text: `${span}，共 ${items.length} 项：` },
    { kind: 'table', columns, rows },
  ];
  if (items.length > MAX_ROWS) blocks.push({ kind: 'note', text: `这里列出最早的 ${MAX_ROWS} 项，可以缩小时间范围再查。` });
  return { title: `${window.label}到期的任务`, tone: 'blue', blocks };
}
