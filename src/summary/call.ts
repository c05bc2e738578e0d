import type { Block, Reply } from '../chat/types.js';
import { TASK_STATE_LABEL } from '../progress/types.js';
import { isDone } from './lights.js';
import { dueText, shorten, toneOf } from './render.js';
import type { ItemStatus } from './weekly.js';

/**
 * The weekly 催报 card for one unit's group: its open assignments, each with
 * 已完成 / 推进中 / 有困难 buttons. A button's value is what the progress
 * card-action handler receives: { action: 'progress', taskId, unit, status,
 * card: 'weekly-call' }. The `card` marks a card listing several tasks: after a
 * click it should be re-rendered with callCardFor (src/summary/gather.ts), not
 * replaced by the one task's progress card, or the other tasks' buttons go.
 * Items beyond MAX_BUTTON_ITEMS are listed without buttons (a card has a
 * size limit; the /进展 command covers them). Pure.
 */

export const MAX_BUTTON_ITEMS = 10;
export const MAX_LISTED = 40;
export const CALL_CARD = 'weekly-call';

export const CALL_BUTTONS = [
  { status: 'done', label: '已完成', style: 'primary' },
  { status: 'in-progress', label: '推进中', style: 'default' },
  { status: 'difficulty', label: '有困难', style: 'danger' },
] as const;

/** Open items of a unit worth asking about: everything not 已办结/待确认. */
export function openItems(items: readonly ItemStatus[], unit: string): ItemStatus[] {
  const rank = { red: 0, yellow: 1, green: 2 } as const;
  return items
    .filter((it) => it.assignment.unit === unit && !isDone(it.status.state))
    .map((it, i) => ({ it, i }))
    .sort((x, y) => rank[x.it.status.light] - rank[y.it.status.light] || (x.it.status.due?.date ?? '9999').localeCompare(y.it.status.due?.date ?? '9999') || x.i - y.i)
    .map((x) => x.it);
}

function line(it: ItemStatus): string {
  const s = it.status;
  const late = s.overdueDays !== undefined ? `，已逾期 ${s.overdueDays} 天` : '';
  return `${it.assignment.seq} ${shorten(it.assignment.title || it.assignment.taskId, 40)}｜${dueText(s)}${late}｜当前：${TASK_STATE_LABEL[s.state]}`;
}

export function callReply(unit: string, open: readonly ItemStatus[], opts: { weekName: string; summaryDay?: string }): Reply {
  const red = open.filter((it) => it.status.light === 'red').length;
  const yellow = open.filter((it) => it.status.light === 'yellow').length;
  const by = opts.summaryDay ? `请于${opts.summaryDay}前` : '请尽快';
  const blocks: Block[] = [
    {
      kind: 'text',
      text: `${unit}有 ${open.length} 项任务尚未办结${red ? `（其中 ${red} 项已逾期）` : ''}。${by}报送本周进展：点击事项下方按钮，或发送 /进展 <编号> <已完成|推进中|有困难> [说明]。`,
    },
  ];
  open.slice(0, MAX_BUTTON_ITEMS).forEach((it) => {
    blocks.push({ kind: 'text', text: line(it) });
    blocks.push({
      kind: 'actions',
      buttons: CALL_BUTTONS.map((b) => ({
        label: b.label,
        style: b.style,
        value: { action: 'progress', taskId: it.assignment.taskId, unit: it.assignment.unit, status: b.status, card: CALL_CARD },
      })),
      note: { placeholder: '说明（选填）', maxLength: 200 },
    });
  });
  const rest = open.slice(MAX_BUTTON_ITEMS, MAX_LISTED);
  if (rest.length > 0) {
    blocks.push({ kind: 'divider' }, { kind: 'text', text: '其余未办结事项（请用 /进展 命令报送）' }, { kind: 'list', items: rest.map(line) });
  }
  if (open.length > MAX_LISTED) blocks.push({ kind: 'note', text: `另有 ${open.length - MAX_LISTED} 项未列出，发送 /周报 查看本单位全部事项。` });
  if (open.length === 0) blocks.splice(0, blocks.length, { kind: 'text', text: `${unit}本周需报送的任务均已报告完成，谢谢！` });
  return { title: `请报送本周工作进展（${opts.weekName}）`, tone: toneOf(red, yellow), blocks };
}
