import type { Ledger, Task } from '../plan/schema.js';
import { UnitDirectory } from '../units/directory.js';
import { buildAnswer } from './answer.js';
import { pairEngine, topByScore, type Details, type Engine, type EngineFactory, type Scores } from './engine.js';
import { fold } from './fold.js';
import { matchNumbers, segmentNumber, type Num } from './numbering.js';
import { passagesOf, type Passage } from './passages.js';
import { placesIn } from './places.js';
import { analyzeQuestion, type Question } from './question.js';
import { SYNONYM_GROUPS } from './synonyms.js';
import type { Answer } from './types.js';

export type { Answer } from './types.js';

/**
 * The index behind "谁牵头": one question in, the best-matching items or
 * clauses out, each already phrased as the answer (leads, co-units, time
 * limits, source). Pure and synchronous; build once per loaded ledger.
 */

export interface SearchTuning {
  /** Weight of the item heading next to the passage's own words. */
  titleWeight: number;
  /** A clause answers alone unless its own words score below this share of the heading match. */
  clauseShare: number;
  /** Least share of the question's information an answer must contain… */
  minCoverage: number;
  /** …or, for long conversational questions, a lower share plus a shared phrase of this many character pairs. */
  phraseCoverage: number;
  phraseRun: number;
  /** Multiplier for passages that have what a "when"/"how often" question asks about. */
  intentBoost: number;
  /**
   * For "who leads" questions, answers within this share of the best score (and as complete a match)
   * are ordered by how clearly they name a lead: stated, then implied, then none.
   */
  leadBand: number;
}

export const TUNING: SearchTuning = { titleWeight: 0.8, clauseShare: 0.5, minCoverage: 0.3, phraseCoverage: 0.12, phraseRun: 3, intentBoost: 1.3, leadBand: 0.5 };

export interface BuildOptions {
  engine?: EngineFactory;
  tuning?: Partial<SearchTuning>;
}

interface Candidate {
  passage: number;
  wholeItem: boolean;
  score: number;
  coverage: number;
  matched: string[];
}

export class PlanIndex {
  private readonly passages: Passage[];
  private readonly engine: Engine;
  private readonly places: Array<{ name: string; docs: Set<number> }>;
  private readonly passagesByDoc: Map<number, number[]>;
  /** First passage id of the item each passage belongs to (clauses of one item are contiguous). */
  private readonly groupStart: Int32Array;
  private readonly groupEnd: Int32Array;
  /** Each passage's item path as numbers, for numbering references. */
  private readonly pathNumbers: Array<Array<Num | undefined>>;
  private readonly tuning: SearchTuning;

  private constructor(
    private readonly ledger: Ledger,
    readonly units: UnitDirectory,
    opts: BuildOptions,
  ) {
    this.tuning = { ...TUNING, ...opts.tuning };
    this.passages = passagesOf(ledger);
    this.engine = (opts.engine ?? pairEngine)(this.passages.map((p) => p.fields));
    const places = new Map<string, Set<number>>();
    ledger.documents.forEach((doc, d) => {
      for (const name of placesIn(`${doc.title} ${doc.issuer}`)) {
        const f = fold(name);
        if (!places.has(f)) places.set(f, new Set());
        places.get(f)!.add(d);
      }
    });
    // Longest first, so 游仙区 is consumed before a shorter name inside it.
    this.places = [...places].map(([name, docs]) => ({ name, docs })).sort((a, b) => b.name.length - a.name.length);
    this.passagesByDoc = new Map();
    const byTask = new Map<Task, Array<Num | undefined>>();
    this.pathNumbers = this.passages.map((p) => {
      let nums = byTask.get(p.task);
      if (!nums) byTask.set(p.task, (nums = p.task.path.map(segmentNumber)));
      return nums;
    });
    const n = this.passages.length;
    this.groupStart = new Int32Array(n);
    this.groupEnd = new Int32Array(n);
    this.passages.forEach((p, i) => {
      const list = this.passagesByDoc.get(p.doc) ?? [];
      list.push(i);
      this.passagesByDoc.set(p.doc, list);
      const prev = this.passages[i - 1];
      this.groupStart[i] = prev && prev.task === p.task ? this.groupStart[i - 1]! : i;
    });
    for (let i = n - 1; i >= 0; i--) {
      const next = this.passages[i + 1];
      this.groupEnd[i] = next && next.task === this.passages[i]!.task ? this.groupEnd[i + 1]! : i + 1;
    }
  }

  static build(ledger: Ledger, units: UnitDirectory = UnitDirectory.empty(), opts: BuildOptions = {}): PlanIndex {
    return new PlanIndex(ledger, units, opts);
  }

  /** Best answers first; [] when nothing in the loaded plans matches. */
  ask(question: string, limit = 3): Answer[] {
    // A pasted page is not a question; its first lines say what it is about, and the cost stays bounded.
    const q = analyzeQuestion(question.slice(0, MAX_QUESTION_CHARS));
    const { subject, docs } = this.narrow(q.subject);
    let pool: number[] | undefined = docs ? docs.flatMap((d) => this.passagesByDoc.get(d) ?? []) : undefined;

    let numbered: number[] | undefined;
    if (q.numbering) {
      const ref = q.numbering;
      const exact: number[] = [];
      const child: number[] = [];
      // One comparison per item (its clauses share the path), in passage order.
      const consider = (i: number, how: 'exact' | 'child' | undefined) => {
        if (how === 'exact') exact.push(i);
        else if (how === 'child') child.push(i);
      };
      const each = pool ?? this.passages.map((_, i) => i);
      let lastGroup = -1;
      let lastHow: 'exact' | 'child' | undefined;
      for (const i of each) {
        const g = this.groupStart[i]!;
        if (g !== lastGroup) [lastGroup, lastHow] = [g, matchNumbers(ref, this.pathNumbers[i]!)];
        consider(i, lastHow);
      }
      numbered = exact.length > 0 ? exact : child;
      pool = numbered;
    }
    let allowed: Uint8Array | undefined;
    if (pool) {
      allowed = new Uint8Array(this.passages.length);
      for (const i of pool) allowed[i] = 1;
    }

    const expansions = synonymsOf(subject);
    let candidates = subject ? this.select(this.engine.search(subject, expansions, allowed), q, subject, expansions) : [];
    if (candidates.length === 0 && numbered && numbered.length > 0) {
      // "三（二）1谁牵头": the reference alone names the item.
      candidates = this.wholeItems(numbered, limit).map((passage, i) => ({ passage, wholeItem: true, score: 1 / (i + 1), coverage: 1, matched: [] }));
    }
    return candidates.slice(0, limit).map((c) =>
      buildAnswer({
        passage: this.passages[c.passage]!,
        doc: this.ledger.documents[this.passages[c.passage]!.doc]!,
        wholeItem: c.wholeItem,
        score: c.score,
        matched: c.matched,
        rankDeadlines: q.intent === 'deadline',
        latestFirst: /最晚|最迟|最后期限|截止日期/.test(q.raw),
      }),
    );
  }

  /** Documents whose title or issuer names a place the question mentions; the place words leave the subject. */
  private narrow(subject: string): { subject: string; docs?: number[] } {
    let s = subject;
    const hit = new Set<number>();
    for (const p of this.places) {
      if (!s.includes(p.name)) continue;
      for (const d of p.docs) hit.add(d);
      s = s.split(p.name).join(' ').replace(/(^|\s)[省市县区州](?=\s|$)/g, ' ');
    }
    s = s.replace(/\s+/g, ' ').trim();
    if (hit.size === 0 || hit.size === this.ledger.documents.length) return { subject: s };
    return { subject: s, docs: [...hit].sort((a, b) => a - b) };
  }

  /**
   * Decide item vs clause per item, apply the question's intent and the
   * coverage floor, rank. Only the best-scoring passages (and the other
   * clauses of their items) are looked at in detail, so a question costs the
   * same on ten plans as on a thousand.
   */
  private select(scores: Scores, q: Question, subject: string, expansions: string[]): Candidate[] {
    const t = this.tuning;
    const total = (id: number) => scores.content[id]! + t.titleWeight * scores.title[id]!;
    const top = topByScore(scores.ids, scores.count, total, SHORTLIST);
    const groups = new Set<number>();
    for (const id of top) groups.add(this.groupStart[id]!);

    const details = new Map<number, Details>();
    const detail = (id: number) => {
      let d = details.get(id);
      if (!d) details.set(id, (d = this.engine.details(subject, expansions, id)));
      return d;
    };
    const enough = (id: number) => {
      const d = detail(id);
      return d.coverage >= t.minCoverage || (d.coverage >= t.phraseCoverage && d.run >= t.phraseRun);
    };
    const push = (out: Candidate[], id: number, wholeItem: boolean) =>
      out.push({ passage: id, wholeItem, score: this.boost(total(id), id, q, wholeItem), coverage: detail(id).coverage, matched: detail(id).matched });

    const out: Candidate[] = [];
    for (const start of groups) {
      const end = this.groupEnd[start]!;
      if (!this.passages[start]!.clause) {
        if (enough(start)) push(out, start, false);
        continue;
      }
      // A multi-clause item: the heading is shared, so only a clause's own words can single it out.
      let best = start;
      let bestTotal = start;
      for (let id = start; id < end; id++) {
        if (scores.content[id]! > scores.content[best]!) best = id;
        if (total(id) > total(bestTotal)) bestTotal = id;
      }
      const shared = (id: number) => t.clauseShare * t.titleWeight * scores.title[id]!;
      if (scores.content[best]! < shared(best)) {
        if (enough(bestTotal)) push(out, bestTotal, true);
        continue;
      }
      for (let id = start; id < end; id++) {
        if (total(id) <= 0 || scores.content[id]! < shared(id) || !enough(id)) continue;
        push(out, id, false);
      }
    }
    out.sort((a, b) => b.score - a.score || a.passage - b.passage);
    return q.intent === 'lead' ? this.preferStatedLeads(out) : out;
  }

  /**
   * "谁牵头" is best answered by an item that names its lead. Among answers
   * about as good as the best one (as complete a match, score within the
   * band), stated leads come first, then implied ones, then none; the order
   * otherwise stays by score.
   */
  private preferStatedLeads(sorted: Candidate[]): Candidate[] {
    const best = sorted[0];
    if (!best) return sorted;
    const band = (c: Candidate) => c.score >= this.tuning.leadBand * best.score && c.coverage >= best.coverage - 0.1;
    const rank = (c: Candidate) => {
      const p = this.passages[c.passage]!;
      const own = !c.wholeItem && p.clause ? p.clause.leads : [];
      if (own.length > 0 || p.task.leads.length > 0) return 0;
      return p.task.impliedLeads.length > 0 || p.task.co.length > 0 ? 1 : 2;
    };
    const inBand = sorted.filter(band);
    const rest = sorted.filter((c) => !band(c));
    return [...inBand.sort((a, b) => rank(a) - rank(b) || b.score - a.score), ...rest];
  }

  private boost(score: number, id: number, q: Question, wholeItem: boolean): number {
    if (q.intent === 'lead') return score;
    const p = this.passages[id]!;
    const src = wholeItem || !p.clause ? p.task : p.clause;
    const has = q.intent === 'deadline' ? src.deadlines.length > 0 : src.recurring.length > 0;
    return has ? score * this.tuning.intentBoost : score;
  }

  /** The first `limit` items among passage ids given in order, one passage each (clauses collapse into their item). */
  private wholeItems(ids: number[], limit: number): number[] {
    const seen = new Set<number>();
    const out: number[] = [];
    for (const i of ids) {
      if (out.length >= limit) break;
      const g = this.groupStart[i]!;
      if (seen.has(g)) continue;
      seen.add(g);
      out.push(i);
    }
    return out;
  }
}

/** Passages looked at in detail per question. */
const SHORTLIST = 48;
const MAX_QUESTION_CHARS = 200;

/** Synonym phrases for the words in the subject, excluding ones already asked. */
export function synonymsOf(subject: string): string[] {
  const out: string[] = [];
  for (const group of SYNONYM_GROUPS) {
    if (!group.some((w) => subject.includes(w))) continue;
    for (const w of group) if (!subject.includes(w)) out.push(w);
  }
  return out;
}

/**
 * True when the top answers are too close to pick one: show alternatives.
 * Renderers use this to say "您要找的可能是以下几项".
 */
export function isAmbiguous(answers: Answer[], ratio = 0.8): boolean {
  const [a, b] = answers;
  if (!a || !b) return false;
  return b.score >= a.score * ratio && !(a.taskId === b.taskId && sameSet(a.leads, b.leads));
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
