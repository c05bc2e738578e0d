import { ledgerRows, type DocumentRows, type RowExtras } from '../ledger/rows.js';
import type { Ledger, Task } from '../plan/schema.js';
import { progressKey, TASK_STATE_LABEL } from '../progress/types.js';
import { isGenericUnit } from '../reminders/targets.js';
import { LIGHT_LABEL } from './lights.js';
import { shanghaiMinute } from './render.js';
import type { ItemStatus, WeeklySummary } from './weekly.js';

/**
 * The live ledger (台账 with 状态 / 最新进展 / 更新时间): the plan's rows
 * (src/ledger/rows.ts) joined with each row's lead units' status from a
 * summary. A row several units lead shows each unit's state. Pure.
 */

export interface LiveLedgerOptions {
  /** Canonical unit name; keep only rows this unit leads. */
  unit?: string;
  canonical: (name: string) => string;
}

export function liveLedgerRows(ledger: Ledger, summary: WeeklySummary, opts: LiveLedgerOptions): DocumentRows[] {
  const byKey = new Map<string, ItemStatus>();
  for (const it of summary.items) byKey.set(progressKey(it.assignment.taskId, it.assignment.unit), it);

  const leadsOf = (task: Task, clauseIndex: number | undefined): string[] => {
    const written = clauseIndex === undefined ? task.leads : (task.clauses[clauseIndex]?.leads ?? []);
    const named = written.filter((l) => l.trim() && !isGenericUnit(l, task.genericUnits ?? [])).map(opts.canonical);
    return [...new Set(named)];
  };

  const docs = ledgerRows(ledger, {
    extras: (ref, task): RowExtras => {
      const units = leadsOf(task, ref.clauseIndex);
      const items = units.map((u) => byKey.get(progressKey(task.id, u))).filter((x): x is ItemStatus => x !== undefined);
      if (items.length === 0) return { status: '', progress: '', updatedAt: '' };
      const one = items.length === 1;
      const state = (it: ItemStatus) => `${TASK_STATE_LABEL[it.status.state]}（${LIGHT_LABEL[it.status.light]}灯）`;
      const status = one ? state(items[0]!) : items.map((it) => `${it.assignment.unit}：${state(it)}`).join('；');
      const noted = items.filter((it) => it.note);
      const progress = one ? items[0]!.note : noted.map((it) => `${it.assignment.unit}：${it.note}`).join('；');
      const latest = items.map((it) => it.updatedAt ?? '').sort().at(-1) ?? '';
      return { status, progress, updatedAt: latest ? shanghaiMinute(latest) : '' };
    },
  });

  if (opts.unit === undefined) return docs;
  const unit = opts.unit;
  const taskOf = new Map<string, Task>();
  for (const d of ledger.documents) for (const t of d.tasks) taskOf.set(t.id, t);
  return docs
    .map((d) => ({ ...d, rows: d.rows.filter((r) => leadsOf(taskOf.get(r.ref.taskId)!, r.ref.clauseIndex).includes(unit)) }))
    .filter((d) => d.rows.length > 0);
}
