import type { Deadline, PlanDocument, Recurring, RecurrenceRule, Relative, Task } from '../../src/plan/schema.js';

/** Shared wording for handler replies; pure. */

export const RULE_LABEL: Record<RecurrenceRule, string> = {
  weekly: '每周',
  monthly: '每月',
  quarterly: '每季度',
  semiannual: '每半年',
  annual: '每年',
};

/** ["三、", "（二）", "1."] -> "三、（二）1." as the document numbers it. */
export function pathText(path: readonly string[]): string {
  return path.join('');
}

export function unitList(units: readonly string[]): string {
  return units.join('、');
}

/** A unit list for one table cell or line: long lists of offices would drown it. */
export function fewUnits(units: readonly string[], max = 3): string {
  return units.length > max ? `${unitList(units.slice(0, max))}等${units.length}个单位` : unitList(units);
}

export function deadlineText(d: Pick<Deadline, 'text' | 'date'>): string {
  return d.text && d.text !== d.date ? `${d.text}（${d.date}）` : d.date;
}

export function recurringText(r: Recurring): string {
  const label = RULE_LABEL[r.rule];
  return r.text === label ? `周期：${label}` : `周期：${label}（${r.text}）`;
}

export function relativeText(r: Relative): string {
  return `${r.text}（自事项发生起算）`;
}

/** Every time limit of an answer on one line, or what the document says when there is none. */
export function timeLimitText(
  deadlines: ReadonlyArray<Pick<Deadline, 'text' | 'date'>>,
  recurring: readonly Recurring[],
  relative: readonly Relative[],
): string {
  const parts = [...deadlines.map(deadlineText), ...recurring.map(recurringText), ...relative.map(relativeText)];
  return parts.length ? parts.join('；') : '文件未写明时限';
}

export function shorten(text: string, max: number): string {
  const chars = [...text.replace(/\s+/gu, ' ').trim()];
  return chars.length > max ? chars.slice(0, max).join('') + '…' : chars.join('');
}

export interface Located {
  doc: PlanDocument;
  task: Task;
}

const taskMaps = new WeakMap<object, Map<string, Located>>();

/** Task by id across a ledger; memoised per ledger object since ledgers are immutable once loaded. */
export function taskById(ledger: { documents: PlanDocument[] }, id: string): Located | undefined {
  let map = taskMaps.get(ledger);
  if (!map) {
    map = new Map();
    for (const doc of ledger.documents) for (const task of doc.tasks) map.set(task.id, { doc, task });
    taskMaps.set(ledger, map);
  }
  return map.get(id);
}
