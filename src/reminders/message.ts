import { daysBetween } from '../calendar/shanghai.js';
import { ESTIMATE_NOTE } from '../calendar/statutory.js';
import { holidayName, holidaySource } from '../calendar/workdays.js';
import type { Block, Reply, Tone } from '../chat/types.js';
import type { RecurrenceRule } from '../plan/schema.js';
import type { CoDuty, ReminderKind, ReminderTarget } from './types.js';

/**
 * The reminder card, built when the reminder fires (so "days left" is counted
 * from the day it is actually sent). Pure: plain strings; the adapter escapes.
 */

export interface ReminderFacts {
  taskId: string;
  unit: string;
  path: string[];
  title: string;
  docTitle: string;
  file: string;
  dueDate: string;
  deadlineText: string;
  kind: ReminderKind;
  offsetDays?: number;
  repeat: number;
  rule?: RecurrenceRule;
  movedFrom?: string;
  target: ReminderTarget;
  also?: CoDuty[];
}

export interface MessageContext {
  /** Shanghai date the message is sent. */
  today: string;
  /** Set when the unit has no usable group and the reminder went to the supervisors instead. */
  unboundUnit?: string;
}

/** The values the progress buttons carry (wired by the progress-report handler). */
export type ProgressStatus = 'done' | 'in-progress' | 'blocked';

const RULE: Record<RecurrenceRule, string> = {
  weekly: '每周',
  monthly: '每月',
  quarterly: '每季度',
  semiannual: '每半年',
  annual: '每年',
};

export function chineseDate(date: string): string {
  return `${Number(date.slice(0, 4))}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}

function shortDate(date: string): string {
  return `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}

function titleAndTone(f: ReminderFacts, left: number): { title: string; tone: Tone } {
  switch (f.kind) {
    case 'before-7':
    case 'before-3':
    case 'before-1':
      return { title: `截止提醒：距截止还有 ${left} 天`, tone: left <= 3 ? 'orange' : 'blue' };
    case 'due':
      return left > 0 ? { title: `截止提醒：${shortDate(f.dueDate)}截止（节假日前最后一个工作日）`, tone: 'orange' } : { title: '截止提醒：今日截止', tone: 'orange' };
    case 'overdue':
      return { title: `催办：已逾期 ${-left} 天`, tone: 'red' };
    case 'escalate':
      return { title: `逾期通报：${f.unit}`, tone: 'red' };
    case 'recurring': {
      const rule = f.rule ? RULE[f.rule] : '周期';
      return left > 0
        ? { title: `${rule}任务提醒：本期 ${left} 天后截止`, tone: 'blue' }
        : { title: `${rule}任务提醒：本期今日截止`, tone: 'orange' };
    }
  }
}

function remaining(left: number): string {
  if (left > 0) return `还有 ${left} 天`;
  if (left === 0) return '今日截止';
  return `已逾期 ${-left} 天`;
}

export function reminderReply(f: ReminderFacts, ctx: MessageContext): Reply {
  const left = daysBetween(ctx.today, f.dueDate);
  const { title, tone } = titleAndTone(f, left);
  const task = `${f.path.join('')} ${f.title}`.trim();
  const blocks: Block[] = [];

  if (f.kind === 'escalate') {
    blocks.push({ kind: 'text', text: `${f.unit}牵头的以下任务已过时限 ${-left} 天，尚未报告完成，特此通报。` });
  } else if (f.kind === 'overdue') {
    blocks.push({ kind: 'text', text: `以下任务已过时限，请抓紧办理并报告进展。` });
  }

  blocks.push({
    kind: 'fields',
    items: [
      { label: '责任单位', value: f.unit },
      { label: '任务', value: task },
      { label: '时限', value: `${f.deadlineText}（${chineseDate(f.dueDate)}）` },
      { label: f.kind === 'escalate' || f.kind === 'overdue' ? '逾期' : '剩余', value: remaining(left) },
      { label: '来源', value: f.docTitle ? `${f.docTitle}（${f.file}）` : f.file },
    ],
  });

  if (f.also?.length) {
    // One message for every duty of this task due now (e.g. 每季度 and 每半年 both ending 30 June).
    const line = (d: Pick<CoDuty, 'deadlineText' | 'dueDate'>) => `${d.deadlineText}（${chineseDate(d.dueDate)}，${remaining(daysBetween(ctx.today, d.dueDate))}）`;
    blocks.push({ kind: 'text', text: `该任务同时有 ${f.also.length + 1} 项时限需要办理：` });
    blocks.push({ kind: 'list', items: [f, ...f.also].map(line) });
  }

  if (f.movedFrom && (f.kind === 'due' || (f.kind === 'recurring' && (f.offsetDays ?? 0) === 0))) {
    const holiday = holidayName(f.movedFrom);
    blocks.push({
      kind: 'note',
      text: `截止日${shortDate(f.movedFrom)}为非工作日${holiday ? `（${holiday}）` : ''}，提前至今日提醒。`,
    });
  }
  // Dates in a year without the State Council's arrangement were planned on the statutory days alone.
  const years = [...new Set([ctx.today, f.dueDate].map((d) => Number(d.slice(0, 4))))];
  if (years.some((y) => holidaySource(y) === 'estimate')) {
    blocks.push({ kind: 'note', text: `提醒日期${ESTIMATE_NOTE}（调休安排公布前不含调休上班日）。` });
  }
  if (ctx.unboundUnit) {
    blocks.push({
      kind: 'note',
      text: `${ctx.unboundUnit}尚未绑定工作群（或机器人已无法在该群发言），本提醒转至督办群。请在该单位的工作群发送“/绑定 ${ctx.unboundUnit}”。`,
    });
  }
  if (f.kind !== 'escalate') {
    const value = (status: ProgressStatus) => ({ action: 'progress', taskId: f.taskId, unit: f.unit, status });
    blocks.push({
      kind: 'actions',
      buttons: [
        { label: '已完成', value: value('done'), style: 'primary' },
        { label: '推进中', value: value('in-progress'), style: 'default' },
        { label: '有困难', value: value('blocked'), style: 'danger' },
      ],
      // Same box as progressButtons (src/progress/card.ts imports this module, so not shared by import).
      note: { placeholder: '说明（选填）', maxLength: 200 },
    });
  }
  return { title, tone, blocks };
}
