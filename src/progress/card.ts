import { formatShanghai, shanghaiDate } from '../calendar/shanghai.js';
import type { Block, NoteInput, Reply, Tone } from '../chat/types.js';
import { chineseDate } from '../reminders/message.js';
import { taskLabel, type TaskHit } from './resolve-task.js';
import { REPORT_STATUS_LABEL, TASK_STATE_LABEL, type ProgressEvent, type ReportStatus, type TaskProgress, type TaskState } from './types.js';

/**
 * Progress cards (pure): the card a unit's button click turns into, the
 * confirmation card for the supervisors' chat, and the buttons both carry.
 * Button values: {action:'progress', taskId, unit, status} for units,
 * {action:'confirm'|'return', taskId, unit} for supervisors.
 *
 * Both button rows carry a short text box (`note`): on Lark a form whose
 * buttons submit it, so a unit's click brings its 说明 and a supervisor's 退回
 * its reason. Replying to the card with "/进展 推进中 说明" or "/退回 原因"
 * works too, the card's message id naming the task and unit.
 */

/** Longest note a card's text box takes; card-actions caps what arrives again. */
export const CARD_NOTE_MAX = 200;
export const PROGRESS_NOTE: NoteInput = { placeholder: '说明（选填）', maxLength: CARD_NOTE_MAX };
/** Not `required`: 办结销号 shares the form and needs no reason; the handler insists for 退回. */
export const RETURN_NOTE: NoteInput = { placeholder: '退回原因（退回时必填）', maxLength: CARD_NOTE_MAX };

export const STATE_TONE: Record<TaskState, Tone> = {
  'not-started': 'grey',
  'in-progress': 'blue',
  difficulty: 'orange',
  'pending-confirm': 'blue',
  closed: 'green',
};

/** "2024年7月10日 09:00" in Asia/Shanghai. */
export function whenText(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${chineseDate(shanghaiDate(d))} ${formatShanghai(d).slice(11, 16)}`;
}

export function deadlineText(hit: TaskHit): string {
  const t = hit.task;
  const parts = [...t.deadlines.map((d) => `${d.text}（${chineseDate(d.date)}）`), ...t.recurring.map((r) => r.text)];
  return parts.join('；');
}

export function progressButtons(taskId: string, unit: string): Block {
  const value = (status: ReportStatus) => ({ action: 'progress', taskId, unit, status });
  return {
    kind: 'actions',
    buttons: [
      { label: REPORT_STATUS_LABEL.done, value: value('done'), style: 'primary' },
      { label: REPORT_STATUS_LABEL['in-progress'], value: value('in-progress'), style: 'default' },
      { label: REPORT_STATUS_LABEL.difficulty, value: value('difficulty'), style: 'danger' },
    ],
    note: PROGRESS_NOTE,
  };
}

export function supervisorButtons(taskId: string, unit: string): Block {
  return {
    kind: 'actions',
    buttons: [
      { label: '办结销号', value: { action: 'confirm', taskId, unit }, style: 'primary' },
      { label: '退回', value: { action: 'return', taskId, unit }, style: 'danger' },
    ],
    note: RETURN_NOTE,
  };
}

function who(p: { updatedBy?: string; updatedByName?: string }): string {
  return p.updatedByName || (p.updatedBy === 'console' ? '本机管理员' : '') || '';
}

function taskFields(hit: TaskHit, unit: string): Array<{ label: string; value: string }> {
  const items = [
    { label: '责任单位', value: unit },
    { label: '任务', value: taskLabel(hit.task) },
  ];
  const due = deadlineText(hit);
  if (due) items.push({ label: '时限', value: due });
  items.push({ label: '来源', value: hit.doc.title ? `${hit.doc.title}（${hit.doc.file}）` : hit.doc.file });
  return items;
}

/** The state of one (task, unit), with the buttons while it is open: what a clicked card becomes. */
export function progressCard(hit: TaskHit, unit: string, p: TaskProgress | undefined): Reply {
  const state: TaskState = p?.state ?? 'not-started';
  const items = taskFields(hit, unit);
  items.push({ label: '当前状态', value: TASK_STATE_LABEL[state] });
  if (p?.note) items.push({ label: p.lastKind === 'return' ? '退回原因' : '说明', value: p.note });
  if (p) items.push({ label: '更新', value: `${whenText(p.updatedAt)}${who(p) ? ` ${who(p)}` : ''}` });
  const blocks: Block[] = [{ kind: 'fields', items }];
  if (state === 'closed') {
    blocks.push({ kind: 'note', text: '督办员已确认办结，此任务不再提醒。' });
  } else {
    if (state === 'pending-confirm') blocks.push({ kind: 'note', text: '已报告完成，等待督办员确认办结。' });
    blocks.push({ kind: 'note', text: '说明可填在下方输入框后点按钮，或回复本卡片发送“/进展 推进中 说明”。' });
    blocks.push(progressButtons(hit.task.id, unit));
  }
  return { title: `工作进展：${TASK_STATE_LABEL[state]}`, tone: STATE_TONE[state], blocks };
}

/** To the supervisors' chat when a unit reports 已完成. */
export function confirmRequestCard(hit: TaskHit, unit: string, event: ProgressEvent): Reply {
  const items = taskFields(hit, unit);
  items.push({ label: '报告', value: `${REPORT_STATUS_LABEL.done}（${whenText(event.at)}${event.byName ? ` ${event.byName}` : ''}）` });
  if (event.note) items.push({ label: '说明', value: event.note });
  return {
    title: `待确认：${unit}报告已完成`,
    tone: 'blue',
    blocks: [
      { kind: 'fields', items },
      { kind: 'note', text: '核实后点“办结销号”；如需退回，请在下方输入框写明原因后点“退回”（或回复本卡片发送“/退回 原因”）。' },
      supervisorButtons(hit.task.id, unit),
    ],
  };
}

/** What the supervisors' card becomes once someone confirmed or returned. */
export function decidedCard(hit: TaskHit, unit: string, event: ProgressEvent): Reply {
  const items = taskFields(hit, unit);
  const by = event.byName ? ` ${event.byName}` : '';
  if (event.kind === 'confirm') {
    items.push({ label: '结果', value: `已办结销号（${whenText(event.at)}${by}）` });
    return { title: `已办结：${unit}`, tone: 'green', blocks: [{ kind: 'fields', items }] };
  }
  items.push({ label: '结果', value: `已退回（${whenText(event.at)}${by}）` }, { label: '退回原因', value: event.note });
  return { title: `已退回：${unit}`, tone: 'orange', blocks: [{ kind: 'fields', items }] };
}

/** To the unit's group after a supervisor decided. */
export function decisionNotice(hit: TaskHit, unit: string, event: ProgressEvent): Reply {
  const items = taskFields(hit, unit);
  if (event.kind === 'confirm') {
    return {
      title: '督办员已确认办结',
      tone: 'green',
      blocks: [{ kind: 'fields', items }, { kind: 'note', text: '此任务已销号，不再提醒。' }],
    };
  }
  items.push({ label: '退回原因', value: event.note });
  return {
    title: '任务被退回，请继续办理',
    tone: 'orange',
    blocks: [{ kind: 'fields', items }, { kind: 'note', text: '办理后请再次报告：点下方按钮（可在输入框附说明），或回复本卡片发送“/进展 已完成 说明”。' }, progressButtons(hit.task.id, unit)],
  };
}
