import type { PlanDocument } from './schema.js';

/**
 * What looks wrong in a parsed plan, in Chinese, for the import reply and
 * `cli parse`: a ledger that silently lacks units or swallowed a section is
 * worse than one that says so. Pure; every line names the items concerned.
 */

/** An item's text longer than this has probably swallowed its neighbours. */
export const LONG_ITEM_CHARS = 1500;

export function reviewPlan(doc: PlanDocument): string[] {
  const out: string[] = [];
  const label = (t: PlanDocument['tasks'][number]) => t.path.join('') || t.title.slice(0, 12);
  const list = (ts: PlanDocument['tasks']) => ts.slice(0, 5).map(label).join('；') + (ts.length > 5 ? ` 等 ${ts.length} 条` : '');

  const noUnit = doc.tasks.filter((t) => !t.leads.length && !t.co.length && !t.impliedLeads.length && !t.clauses.some((c) => c.leads.length || c.co.length));
  if (noUnit.length) out.push(`${noUnit.length} 条任务没有写明任何单位：${list(noUnit)}（提醒会发到督查室群）`);

  const long = doc.tasks.filter((t) => t.text.length > LONG_ITEM_CHARS);
  if (long.length) out.push(`${long.length} 条任务的正文超过 ${LONG_ITEM_CHARS} 字，可能把几项合成了一项，请核对：${list(long)}`);

  const seen = new Map<string, number>();
  for (const t of doc.tasks) seen.set(t.path.join(''), (seen.get(t.path.join('')) ?? 0) + 1);
  const dup = [...seen].filter(([p, n]) => p && n > 1).map(([p]) => p);
  if (dup.length) out.push(`编号重复：${dup.slice(0, 5).join('、')}${dup.length > 5 ? ` 等 ${dup.length} 处` : ''}（已分别列出）`);

  if (!doc.tasks.some((t) => t.deadlines.length || t.recurring.length || t.relative.length)) out.push('全文没有找到任何时限，不会安排截止提醒');
  return out;
}

/** Documents in one batch that carry the same 文号: the same document under two names. */
export function sameDocNumber(docs: readonly Pick<PlanDocument, 'file' | 'docNumber'>[]): Array<{ docNumber: string; files: string[] }> {
  const by = new Map<string, string[]>();
  for (const d of docs) if (d.docNumber) by.set(d.docNumber, [...(by.get(d.docNumber) ?? []), d.file]);
  return [...by].filter(([, files]) => files.length > 1).map(([docNumber, files]) => ({ docNumber, files }));
}
