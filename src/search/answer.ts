import type { Deadline, PlanDocument, Recurring } from '../plan/schema.js';
import { fold } from './fold.js';
import type { Passage } from './passages.js';
import type { Answer } from './types.js';

/**
 * Turn a matched passage into what a person is told. `leads` follows the
 * contract: the clause's own leads, else the item's explicit leads, else the
 * units the text implies (labelled), else nothing.
 */

const EXCERPT_CHARS = 80;

export interface AnswerInput {
  passage: Passage;
  doc: PlanDocument;
  /** Answer for the whole item even though the passage is a clause (the question matched the heading). */
  wholeItem: boolean;
  score: number;
  matched: string[];
  /** Put the time limits nearest the asked words first (for "什么时候" questions). */
  rankDeadlines: boolean;
}

export function buildAnswer(a: AnswerInput): Answer {
  const { passage: p, doc } = a;
  const task = p.task;
  const clause = a.wholeItem ? undefined : p.clause;
  let leads: string[];
  let leadSource: Answer['leadSource'];
  if (clause && clause.leads.length > 0) [leads, leadSource] = [clause.leads, 'explicit'];
  else if (task.leads.length > 0) [leads, leadSource] = [task.leads, 'explicit'];
  else if (task.impliedLeads.length > 0) [leads, leadSource] = [task.impliedLeads, 'implied'];
  else [leads, leadSource] = [[], 'none'];
  const co = clause && clause.co.length > 0 ? clause.co : task.co;

  const scopeText = clause ? fold(clause.text) : '';
  const within = (t: string) => !clause || scopeText.includes(fold(t).replace(/\s+/g, ''));
  let deadlines: Deadline[] = clause && clause.deadlines.length > 0 ? clause.deadlines : task.deadlines.filter((d) => within(d.text));
  const recurring: Recurring[] = clause && clause.recurring.length > 0 ? clause.recurring : task.recurring.filter((r) => within(r.text));
  if (a.rankDeadlines && deadlines.length > 1) deadlines = rankByContext(deadlines, fold(task.text), a.matched);

  return {
    file: doc.file,
    path: task.path,
    title: task.title,
    excerpt: excerpt(p, a.matched),
    leads: [...leads],
    leadSource,
    co: [...co],
    deadlines: deadlines.map((d) => ({ text: d.text, date: d.date })),
    recurring: recurring.map((r) => ({ text: r.text, rule: r.rule })),
    taskId: task.id,
    docTitle: doc.title,
    score: a.score,
  };
}

/** Deadlines whose surrounding words share most with the question come first. */
function rankByContext(deadlines: Deadline[], text: string, matched: string[]): Deadline[] {
  const compact = text.replace(/\s+/g, '');
  const score = (d: Deadline) => {
    const at = compact.indexOf(fold(d.text).replace(/\s+/g, ''));
    if (at < 0) return 0;
    const window = compact.slice(Math.max(0, at - 40), at + d.text.length + 40);
    return matched.filter((t) => window.includes(t)).length;
  };
  return deadlines
    .map((d, i) => ({ d, i, s: score(d) }))
    .sort((x, y) => y.s - x.s || x.i - y.i)
    .map((x) => x.d);
}

/** A window of the passage around the densest run of matched terms. */
export function excerpt(p: Passage, matched: string[]): string {
  const text = p.display;
  if (text.length <= EXCERPT_CHARS) return text;
  let start = 0;
  if (p.foldedDisplay && matched.length > 0) {
    const f = p.foldedDisplay;
    const hits = new Array<number>(f.length).fill(0);
    for (const t of matched) for (let i = f.indexOf(t); i >= 0; i = f.indexOf(t, i + 1)) hits[i] = 1;
    let best = -1;
    let run = 0;
    for (let i = 0; i < f.length; i++) {
      run += hits[i]!;
      if (i >= EXCERPT_CHARS) run -= hits[i - EXCERPT_CHARS]!;
      if (run > best) {
        best = run;
        start = Math.max(0, i - EXCERPT_CHARS + 1);
      }
    }
    // Begin at a sentence start when one is close, so the excerpt reads naturally.
    const sentence = Math.max(text.lastIndexOf('。', start), text.lastIndexOf('；', start));
    if (sentence >= 0 && start - sentence < 30) start = sentence + 1;
  }
  const end = Math.min(text.length, start + EXCERPT_CHARS);
  return `${start > 0 ? '…' : ''}${text.slice(start, end).trim()}${end < text.length ? '…' : ''}`;
}
