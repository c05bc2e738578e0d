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

  for (const gap of numberingGaps(doc.tasks).slice(0, 5)) out.push(`编号不连续：${gap}（中间的条目可能没有识别出来，请核对原文）`);

  if (!doc.tasks.some((t) => t.deadlines.length || t.recurring.length || t.relative.length)) out.push('全文没有找到任何时限，不会安排截止提醒');
  return out;
}

/** Siblings whose number jumps ("3." then "5."): something between them was not read as an item. */
function numberingGaps(tasks: PlanDocument['tasks']): string[] {
  const bySection = new Map<string, Array<[number, string]>>();
  const order: string[] = [];
  for (const t of tasks) {
    const last = t.path.at(-1) ?? '';
    const n = ordinalOf(last);
    if (n === undefined) continue;
    const key = `${t.path.slice(0, -1).join('')}|${last.replace(/[\d一二三四五六七八九十百零〇]+/g, '#')}`;
    if (!bySection.has(key)) order.push(key);
    const group = bySection.get(key) ?? [];
    group.push([n, last]);
    bySection.set(key, group);
  }
  const gaps: string[] = [];
  for (const key of order) {
    const ns = bySection.get(key)!;
    const parent = key.split('|')[0]!;
    for (let i = 1; i < ns.length; i++) {
      if (ns[i]![0] > ns[i - 1]![0] + 1) gaps.push(`${parent}${ns[i - 1]![1]} 之后是 ${parent}${ns[i]![1]}`);
    }
  }
  return gaps;
}

const CN: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** The number of a path label: 3. / （3） / 三、 / 一百零一、 (outline numbers like 1.2 are left out). */
function ordinalOf(label: string): number | undefined {
  if (/\d+\.\d+/.test(label)) return undefined;
  const d = /\d+/.exec(label);
  if (d) return Number(d[0]);
  const c = /[一二三四五六七八九十百]+/.exec(label)?.[0];
  if (!c) return undefined;
  let n = 0;
  let cur = 0;
  for (const ch of c) {
    if (ch === '百') [n, cur] = [n + (cur || 1) * 100, 0];
    else if (ch === '十') [n, cur] = [n + (cur || 1) * 10, 0];
    else cur = CN[ch] ?? 0;
  }
  return n + cur;
}

/** Documents in one batch that carry the same 文号: the same document under two names. */
export function sameDocNumber(docs: readonly Pick<PlanDocument, 'file' | 'docNumber'>[]): Array<{ docNumber: string; files: string[] }> {
  const by = new Map<string, string[]>();
  for (const d of docs) if (d.docNumber) by.set(d.docNumber, [...(by.get(d.docNumber) ?? []), d.file]);
  return [...by].filter(([, files]) => files.length > 1).map(([docNumber, files]) => ({ docNumber, files }));
}
