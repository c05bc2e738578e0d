import type { Clause, Ledger, PlanDocument, Task } from '../plan/schema.js';
import { fold } from './fold.js';
import { digitsForCounts } from './numerals.js';

/**
 * Plans cut into what a question can be answered with: an item, or, where an
 * item carries several lead annotations, each clause on its own, because
 * "减税降费谁牵头" must name the clause's lead, not the whole item's.
 */

export interface Passage {
  doc: number;
  task: Task;
  /** Present when the passage is one clause of a multi-clause item. */
  clause?: Clause;
  clauseIndex?: number;
  /** Text shown in excerpts: annotations removed, whitespace collapsed. */
  display: string;
  /** fold(display) when it keeps character positions (usually), else undefined. */
  foldedDisplay?: string;
  fields: { title: string; text: string; units: string };
}

/** "（县发改局牵头负责）", "(牵头单位：…；责任单位：…)", "责任单位：…": who, not what. */
const ANNOTATION = /[（(][^（）()]{0,160}?(牵头|负责|责任单位|配合单位|协办单位|主办单位)[^（）()]{0,160}?[)）]|(牵头单位|责任单位|配合单位)[:：][^。\n]*/g;

export function cleanText(text: string, title: string): string {
  let s = text.replace(ANNOTATION, ' ').replace(/[*#]+/g, '').replace(/\s+/g, ' ').trim();
  // The heading is indexed separately; repeating it in the text would count it twice.
  const t = title.trim();
  if (t && s.startsWith(t)) s = s.slice(t.length).replace(/^[。．.，,：:\s]+/, '');
  return s;
}

function unitsOf(names: string[]): string {
  return fold(names.join(' '));
}

function make(doc: number, task: Task, display: string, units: string[], clause?: Clause, clauseIndex?: number): Passage {
  const f = fold(display);
  return {
    doc,
    task,
    ...(clause ? { clause, clauseIndex } : {}),
    display,
    ...(f.length === display.length ? { foldedDisplay: f } : {}),
    fields: { title: digitsForCounts(fold(task.title)), text: digitsForCounts(f), units: unitsOf(units) },
  };
}

export function passagesOf(ledger: Ledger): Passage[] {
  const out: Passage[] = [];
  ledger.documents.forEach((doc: PlanDocument, d) => {
    for (const task of doc.tasks) {
      if (task.clauses.length >= 2) {
        task.clauses.forEach((c, i) => out.push(make(d, task, cleanText(c.text, task.title), [...c.leads, ...c.co], c, i)));
      } else {
        out.push(make(d, task, cleanText(task.text, task.title), [...task.leads, ...task.co, ...task.impliedLeads]));
      }
    }
  });
  return out;
}
