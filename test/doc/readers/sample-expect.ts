import type { PlanDocument } from '../../../src/plan/schema.js';
import { SAMPLE } from '../../fixtures/formats/sample-plan.js';

/**
 * What the ledger of the sample plan must say, derived from the sample itself
 * (not from any reader's output): one task per prose item under 一、/（一）
 * numbering and one per table row, with leads, co-units and due dates.
 */
const CN = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

export interface TaskView {
  leads: string[];
  co: string[];
  due: string[];
}

export function expectedItems(): Array<TaskView & { path: string[]; text: string }> {
  return SAMPLE.sections.flatMap((s, si) =>
    s.items.map((it, ii) => ({ path: [`${CN[si]}、`, `（${CN[ii]}）`], text: it.text, leads: [...it.leads], co: [...it.co], due: [...it.due] })),
  );
}

export function expectedRows(): Array<TaskView & { measure: string }> {
  return SAMPLE.rows.map((r) => ({ measure: r.measure, leads: [r.lead], co: r.co ? r.co.split('、') : [], due: [...r.due] }));
}

export const view = (t: PlanDocument['tasks'][number]): TaskView => ({ leads: t.leads, co: t.co, due: t.deadlines.map((d) => d.date) });

/** The ledger in document order: the prose items first (when the fixture has them), then one task per table row. */
export function split(doc: PlanDocument, withItems = true) {
  const n = withItems ? expectedItems().length : 0;
  return { items: doc.tasks.slice(0, n), rows: doc.tasks.slice(n) };
}
