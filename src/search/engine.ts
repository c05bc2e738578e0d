import { Accumulator, Bm25 } from './bm25.js';
import { counts, terms } from './tokens.js';

/**
 * The retrieval step behind PlanIndex, kept behind a small interface so the
 * approaches compared in scripts/compare-search.ts (character pairs, a word
 * segmenter, MiniSearch) plug into the same question handling and are judged
 * on the same questions.
 */

/** A searchable piece of a plan, already folded (see fold.ts). */
export interface PassageFields {
  /** Heading of the item the passage belongs to. */
  title: string;
  /** The passage's own words: the item's text, or one clause of it. */
  text: string;
  /** Unit names attached to the passage, space-separated. */
  units: string;
}

/** Scores of every passage that matched, by passage id. */
export interface Scores {
  /** Ids of the passages with a non-zero score, `count` of them. */
  ids: Int32Array;
  count: number;
  /** Match on the passage's own text and unit names, indexed by passage id. */
  content: Float64Array;
  /** Match on the item heading (shared by all clauses of an item), indexed by passage id. */
  title: Float64Array;
}

export interface Details {
  /** Share (0..1) of the question's information the passage contains, idf-weighted. */
  coverage: number;
  /** Longest run of consecutive question character pairs found, counting only distinctive ones (a shared phrase). */
  run: number;
  /** Question terms found in the passage, for excerpts. */
  matched: string[];
}

export interface Engine {
  /**
   * `subject` is folded; `expansions` are folded synonym phrases, weighted
   * lower; `allowed` (1 = searchable) restricts passages. The result is valid
   * until the next call.
   */
  search(subject: string, expansions: string[], allowed?: Uint8Array): Scores;
  /** Coverage, phrase run and matched terms of one passage for the same question. */
  details(subject: string, expansions: string[], id: number): Details;
}

export type EngineFactory = (passages: PassageFields[]) => Engine;

export interface PairEngineOptions {
  /** Weight of single characters next to character pairs. */
  charWeight: number;
  /** Weight of unit names next to text. */
  unitWeight: number;
  /** Weight of synonym expansions next to the words asked. */
  synonymWeight: number;
  k1: number;
  b: number;
}

/** Passages refined with common pairs and characters per question. */
const REFINE = 256;

/**
 * The `k` ids with the highest score, best first: linear selection, then a
 * sort of the k. `scratch` (two arrays of at least `count`) saves allocating
 * per question on a big index.
 */
export function topByScore(ids: Int32Array, count: number, score: (id: number) => number, k: number, scratch?: [Float64Array, Float64Array]): number[] {
  const vals = scratch ? scratch[0].subarray(0, count) : new Float64Array(count);
  for (let i = 0; i < count; i++) vals[i] = score(ids[i]!);
  let chosen: number[];
  if (count <= k) chosen = Array.from(ids.subarray(0, count));
  else {
    const copy = scratch ? scratch[1].subarray(0, count) : new Float64Array(count);
    copy.set(vals);
    const cut = kthLargest(copy, k);
    chosen = [];
    for (let i = 0; i < count && chosen.length < k; i++) if (vals[i]! > cut) chosen.push(ids[i]!);
    for (let i = 0; i < count && chosen.length < k; i++) if (vals[i] === cut) chosen.push(ids[i]!);
  }
  return chosen.sort((a, b) => score(b) - score(a) || a - b);
}

/** The k-th largest value (1-based) by quickselect; reorders `a`. */
function kthLargest(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  const want = k - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (want <= j) hi = j;
    else if (want >= i) lo = i;
    else return a[want]!;
  }
  return a[want]!;
}

export const PAIR_DEFAULTS: PairEngineOptions = { charWeight: 0.25, unitWeight: 0.4, synonymWeight: 0.6, k1: 1.2, b: 0.6 };

/** Query terms with weights: the words asked at 1, synonym expansions lower. */
export function queryTerms(subject: string, expansions: string[], synonymWeight: number): { pairs: Map<string, number>; chars: Map<string, number> } {
  const q = terms(subject);
  const pairs = counts([...new Set(q.pairs)]);
  const chars = counts([...new Set(q.chars)]);
  for (const phrase of expansions) {
    const e = terms(phrase);
    for (const t of new Set(e.pairs)) if (!pairs.has(t)) pairs.set(t, synonymWeight);
    for (const t of new Set(e.chars)) if (!chars.has(t)) chars.set(t, synonymWeight);
  }
  return { pairs, chars };
}

/** A question prepared once for judging many passages: its pairs with weight and idf, and its phrases. */
export interface PreparedQuery {
  terms: Array<{ t: string; w: number; idf: number; distinctive: boolean }>;
  total: number;
  /** Pair sequences of each space-separated chunk of the subject, for phrase runs. */
  chunks: string[][];
}

export function prepareQuery(subject: string, weights: Map<string, number>, idf: (t: string) => number, distinctive: (t: string) => boolean): PreparedQuery {
  const list = [...weights].map(([t, w]) => ({ t, w, idf: idf(t), distinctive: distinctive(t) }));
  const total = list.reduce((a, x) => a + (x.w === 1 ? x.idf : 0), 0);
  return { terms: list, total, chunks: subject.split(' ').map((c) => terms(c).pairs) };
}

/**
 * Coverage and phrase run of a passage, given which question pairs it
 * contains. Shared by every engine so "is this an answer at all" is judged
 * the same way whatever ranks the passages.
 */
export function pairDetails(q: PreparedQuery, contains: (t: string) => boolean): Details {
  const matched: string[] = [];
  const distinct = new Set<string>();
  let got = 0;
  for (const x of q.terms) {
    if (!contains(x.t)) continue;
    matched.push(x.t);
    got += x.w * x.idf;
    if (x.distinctive) distinct.add(x.t);
  }
  let run = 0;
  for (const pairs of q.chunks) {
    let cur = 0;
    for (const t of pairs) {
      cur = distinct.has(t) ? cur + 1 : 0;
      if (cur > run) run = cur;
    }
  }
  return { coverage: q.total > 0 ? Math.min(1, got / q.total) : 0, run, matched };
}

/** Remembers the prepared form of the last question, which every details() call of one ask() shares. */
export function lastQuery<T>(prepare: (subject: string, expansions: string[]) => T): (subject: string, expansions: string[]) => T {
  let key = '';
  let value: T | undefined;
  return (subject, expansions) => {
    const k = `${subject}\u0000${expansions.join('\u0001')}`;
    if (value === undefined || k !== key) [key, value] = [k, prepare(subject, expansions)];
    return value;
  };
}

/** BM25 over character pairs with single characters as back-off: the default engine. */
export function pairEngine(passages: PassageFields[], opts: Partial<PairEngineOptions> = {}): Engine {
  const o = { ...PAIR_DEFAULTS, ...opts };
  const bm = { k1: o.k1, b: o.b };
  const textPairs = new Bm25(bm);
  const textChars = new Bm25(bm);
  const titlePairs = new Bm25(bm);
  const titleChars = new Bm25(bm);
  const unitPairs = new Bm25(bm);
  // Any-field document frequency: how informative a question term is, wherever it occurs.
  const anyDf = new Map<string, number>();
  for (const p of passages) {
    const tx = terms(p.text);
    const ti = terms(p.title);
    const un = terms(p.units);
    textPairs.add(counts(tx.pairs));
    textChars.add(counts(tx.chars));
    titlePairs.add(counts(ti.pairs));
    titleChars.add(counts(ti.chars));
    unitPairs.add(counts(un.pairs));
    for (const t of new Set([...tx.pairs, ...ti.pairs, ...un.pairs])) anyDf.set(t, (anyDf.get(t) ?? 0) + 1);
  }
  for (const ix of [textPairs, textChars, titlePairs, titleChars, unitPairs]) ix.seal();
  const n = passages.length;
  const idfAny = (t: string) => Math.log(1 + (n - (anyDf.get(t) ?? 0) + 0.5) / ((anyDf.get(t) ?? 0) + 0.5));
  const distinctive = (t: string) => (anyDf.get(t) ?? 0) <= n / 2;
  const content = new Accumulator(n);
  const title = new Accumulator(n);
  const union = new Accumulator(n);
  const both = new Uint8Array(n);
  const scratch: [Float64Array, Float64Array] = [new Float64Array(n), new Float64Array(n)];
  const refined = new Int32Array(Math.min(n, REFINE));
  const prepared = lastQuery((subject, expansions) => prepareQuery(subject, queryTerms(subject, expansions, o.synonymWeight).pairs, idfAny, distinctive));

  return {
    search(subject, expansions, allowed) {
      const q = queryTerms(subject, expansions, o.synonymWeight);
      content.reset();
      title.reset();
      union.reset();
      // Pairs found in most passages (政务, 公开 in a plan about 政务公开) say little; they only add to
      // passages a distinctive pair already found, which keeps a question cheap on a big, uniform corpus.
      const rare = new Map<string, number>();
      const common = new Map<string, number>();
      for (const [t, w] of q.pairs) (distinctive(t) ? rare : common).set(t, w);
      const scorePairs = (query: Map<string, number>) => {
        textPairs.score(query, content, 1, allowed);
        unitPairs.score(query, content, o.unitWeight, allowed);
        titlePairs.score(query, title, 1, allowed);
      };
      scorePairs(rare);
      const collect = () => {
        for (let i = 0; i < content.count; i++) union.add(content.touched[i]!, 1);
        for (let i = 0; i < title.count; i++) union.add(title.touched[i]!, 1);
      };
      collect();
      if (union.count === 0) {
        // Nothing distinctive found: score the common words everywhere ("政务公开"; and on a plan of
        // a few items every word found is "common", since it is in over half of them). Stop only when
        // none of the words asked occurs anywhere, so no passage could cover the question.
        let found = false;
        for (const [t, w] of q.pairs) if (w === 1 && anyDf.has(t)) found = true;
        if (!found) return { ids: union.touched, count: 0, content: content.sums, title: title.sums };
        scorePairs(common);
        collect();
      }
      // Common pairs and single characters refine the ranking; on a big corpus only the passages the
      // distinctive pairs ranked best can still reach the answers, so only those are refined.
      let ids = union.touched;
      let count = union.count;
      if (count > REFINE) {
        const best = topByScore(union.touched, union.count, (id) => content.sums[id]! + title.sums[id]!, REFINE, scratch);
        refined.set(best);
        ids = refined;
        count = best.length;
      }
      for (let i = 0; i < count; i++) both[ids[i]!] = 1;
      if (rare.size > 0 && common.size > 0) {
        textPairs.scoreOnto(common, content, 1, ids, count, both);
        titlePairs.scoreOnto(common, title, 1, ids, count, both);
        unitPairs.scoreOnto(common, content, o.unitWeight, ids, count, both);
      }
      // Characters alone never make a match: they only add to passages a pair already found.
      if (o.charWeight > 0) {
        textChars.scoreOnto(q.chars, content, o.charWeight, ids, count, both);
        titleChars.scoreOnto(q.chars, title, o.charWeight, ids, count, both);
      }
      for (let i = 0; i < count; i++) both[ids[i]!] = 0;
      return { ids, count, content: content.sums, title: title.sums };
    },
    details(subject, expansions, id) {
      const contains = (t: string) => textPairs.has(t, id) || titlePairs.has(t, id) || unitPairs.has(t, id);
      return pairDetails(prepared(subject, expansions), contains);
    },
  };
}
