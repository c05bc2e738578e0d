import type { Ledger } from '../plan/schema.js';
import { UnitDirectory } from '../units/directory.js';
import { buildAnswer } from './answer.js';
import { pairEngine, type Engine, type EngineFactory, type Hit } from './engine.js';
import { fold } from './fold.js';
import { matchPath } from './numbering.js';
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

export const TUNING: SearchTuning = { titleWeight: 0.8, clauseShare: 0.35, minCoverage: 0.3, phraseCoverage: 0.12, phraseRun: 3, intentBoost: 1.3, leadBand: 0.5 };

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
    this.passages.forEach((p, i) => {
      const list = this.passagesByDoc.get(p.doc) ?? [];
      list.push(i);
      this.passagesByDoc.set(p.doc, list);
    });
  }

  static build(ledger: Ledger, units: UnitDirectory = UnitDirectory.empty(), opts: BuildOptions = {}): PlanIndex {
    return new PlanIndex(ledger, units, opts);
  }

  /** Best answers first; [] when nothing in the loaded plans matches. */
  ask(question: string, limit = 3): Answer[] {
    const q = analyzeQuestion(question);
    const { subject, docs } = this.narrow(q.subject);
    let allowed = docs ? new Set(docs.flatMap((d) => this.passagesByDoc.get(d) ?? [])) : undefined;

    let numbered: number[] | undefined;
    if (q.numbering) {
      const ref = q.numbering;
      const pool = allowed ? [...allowed] : this.passages.map((_, i) => i);
      const exact = pool.filter((i) => matchPath(ref, this.passages[i]!.task.path) === 'exact');
      const child = pool.filter((i) => matchPath(ref, this.passages[i]!.task.path) === 'child');
      numbered = exact.length > 0 ? exact : child;
      allowed = new Set(numbered);
    }

    const expansions = synonymsOf(subject);
    const hits = subject ? this.engine.search(subject, expansions, allowed) : [];
    let candidates = this.select(hits, q);
    if (candidates.length === 0 && numbered && numbered.length > 0) {
      // "三（二）1谁牵头": the reference alone names the item.
      candidates = this.wholeItems(numbered).map((passage, i) => ({ passage, wholeItem: true, score: 1 / (i + 1), coverage: 1, matched: [] }));
    }
    return candidates.slice(0, limit).map((c) =>
      buildAnswer({
        passage: this.passages[c.passage]!,
        doc: this.ledger.documents[this.passages[c.passage]!.doc]!,
        wholeItem: c.wholeItem,
        score: c.score,
        matched: c.matched,
        rankDeadlines: q.intent === 'deadline',
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
      s = s.split(p.name).join(' ').replace(/(^|\s)[省市县区](?=\s|$)/g, ' ');
    }
    s = s.replace(/\s+/g, ' ').trim();
    if (hit.size === 0 || hit.size === this.ledger.documents.length) return { subject: s };
    return { subject: s, docs: [...hit].sort((a, b) => a - b) };
  }

  /** Decide item vs clause per item, apply the question's intent and the coverage floor, rank. */
  private select(hits: Hit[], q: Question): Candidate[] {
    const t = this.tuning;
    const byTask = new Map<string, Hit[]>();
    for (const h of hits) {
      const p = this.passages[h.id]!;
      const key = `${p.doc}\u0000${p.task.id}`;
      const list = byTask.get(key);
      if (list) list.push(h);
      else byTask.set(key, [h]);
    }
    const out: Candidate[] = [];
    for (const group of byTask.values()) {
      const first = this.passages[group[0]!.id]!;
      const total = (h: Hit) => h.content + t.titleWeight * h.title;
      const enough = (h: Hit) => h.coverage >= t.minCoverage || (h.coverage >= t.phraseCoverage && h.run >= t.phraseRun);
      if (!first.clause) {
        const h = group[0]!;
        if (enough(h)) out.push({ passage: h.id, wholeItem: false, score: this.boost(total(h), h.id, q, false), coverage: h.coverage, matched: h.matched });
        continue;
      }
      // A multi-clause item: the heading is shared, so only a clause's own words can single it out.
      const best = group.reduce((a, b) => (b.content > a.content ? b : a));
      const headingOnly = best.content < t.clauseShare * t.titleWeight * best.title;
      if (headingOnly) {
        const h = group.reduce((a, b) => (total(b) > total(a) ? b : a));
        if (enough(h)) out.push({ passage: h.id, wholeItem: true, score: this.boost(total(h), h.id, q, true), coverage: h.coverage, matched: h.matched });
        continue;
      }
      for (const h of group) {
        if (!enough(h) || h.content < t.clauseShare * t.titleWeight * h.title) continue;
        out.push({ passage: h.id, wholeItem: false, score: this.boost(total(h), h.id, q, false), coverage: h.coverage, matched: h.matched });
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
    const p = this.passages[id]!;
    const src = wholeItem || !p.clause ? p.task : p.clause;
    if (q.intent === 'lead') return score;
    const has = q.intent === 'deadline' ? src.deadlines.length > 0 : src.recurring.length > 0;
    return has ? score * this.tuning.intentBoost : score;
  }

  /** One passage per item, in document order (clauses collapse into their item). */
  private wholeItems(ids: number[]): number[] {
    const seen = new Set<string>();
    const out: number[] = [];
    for (const i of [...ids].sort((a, b) => a - b)) {
      const p = this.passages[i]!;
      const key = `${p.doc}\u0000${p.task.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(i);
    }
    return out;
  }
}

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
export function isAmbiguous(answers: Answer[], ratio = 0.9): boolean {
  const [a, b] = answers;
  if (!a || !b) return false;
  return b.score >= a.score * ratio && !(a.taskId === b.taskId && sameSet(a.leads, b.leads));
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
