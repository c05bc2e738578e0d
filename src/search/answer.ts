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
  /** The question asks for the last day ("最晚", "最迟"): among equally near limits, the latest first. */
  latestFirst?: boolean;
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
  if (a.rankDeadlines && deadlines.length > 1) deadlines = rankByContext(deadlines, fold(task.text), a.matched, a.latestFirst ?? false);

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

/**
 * Deadlines whose own words share most with the question come first: the
 * clause a deadline stands in ("11月30日前报区行政审批局") counts double,
 * the 40 characters around it once. Ties keep the document's order, or put
 * the latest first when the question asks for the last day.
 */
function rankByContext(deadlines: Deadline[], text: string, matched: string[], latestFirst: boolean): Deadline[] {
  const compact = text.replace(/\s+/g, '');
  const score = (d: Deadline) => {
    const at = compact.indexOf(fold(d.text).replace(/\s+/g, ''));
    if (at < 0) return 0;
    const window = compact.slice(Math.max(0, at - 40), at + d.text.length + 40);
    const from = Math.max(...[...'，。；：,;:'].map((m) => compact.lastIndexOf(m, at - 1))) + 1;
    const ends = [...'，。；,;'].map((m) => compact.indexOf(m, at + d.text.length)).filter((i) => i >= 0);
    const clause = compact.slice(from, ends.length ? Math.min(...ends) : compact.length);
    return matched.filter((t) => window.includes(t)).length + 2 * matched.filter((t) => clause.includes(t)).length;
  };
  return deadlines
    .map((d, i) => ({ d, i, s: score(d) }))
    .sort((x, y) => y.s - x.s || (latestFirst ? y.d.date.localeCompare(x.d.date) : 0) || x.i - y.i)
    .map((x) => x.d);
}

/** A window of the passage around the densest run of matched terms. */
export function excerpt(p: Passage, matched: string[]): string {
  const text = p.display;
  if (text.length <= EXCERPT_CHARS) return text;
  let start = 0;
  if (p.foldedDisplay && matched.length > 0) {
    const f = p.foldedDisplay;
    const hits = new Uint8Array(f.length);
    const places = matched.map((t) => {
      const at: number[] = [];
      for (let i = f.indexOf(t); i >= 0; i = f.indexOf(t, i + 1)) at.push(i);
      return at;
    });
    // Terms all over the passage (公开 in a plan on 政务公开) do not say where the answer is.
    const telling = places.filter((at) => at.length > 0 && at.length <= 3);
    for (const at of telling.length > 0 ? telling : places) for (const i of at) hits[i] = 1;
    // The window of EXCERPT_CHARS holding most matched terms…
    let best = -1;
    let bestEnd = 0;
    let run = 0;
    for (let i = 0; i < f.length; i++) {
      run += hits[i]!;
      if (i >= EXCERPT_CHARS) run -= hits[i - EXCERPT_CHARS]!;
      if (run > best) [best, bestEnd] = [run, i];
    }
    // …begun at its first match, or at the start of that sentence when it is close, so it reads naturally.
    let first = Math.max(0, bestEnd - EXCERPT_CHARS + 1);
    while (first < bestEnd && hits[first] === 0) first++;
    const before = (marks: string) => Math.max(...[...marks].map((m) => text.lastIndexOf(m, first - 1)));
    const sentence = before('。；！？;!?'); // -1: the passage's own start
    const phrase = before('，、：,:');
    start = first - sentence <= 30 ? sentence + 1 : first - phrase <= 12 ? phrase + 1 : first;
  }
  const end = Math.min(text.length, start + EXCERPT_CHARS);
  return `${start > 0 ? '…' : ''}${text.slice(start, end).trim()}${end < text.length ? '…' : ''}`;
}
