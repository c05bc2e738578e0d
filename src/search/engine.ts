import { Bm25 } from './bm25.js';
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

export interface Hit {
  id: number;
  /** Match on the passage's own text (and unit names). */
  content: number;
  /** Match on the item heading, shared by all clauses of an item. */
  title: number;
  /** Share (0..1) of the question's information the passage contains, idf-weighted. */
  coverage: number;
  /** Question terms found in the passage, for excerpts. */
  matched: string[];
  /** Longest run of consecutive question character pairs found, counting only distinctive ones (a shared phrase). */
  run: number;
}

export interface Engine {
  /** `subject` is folded; `expansions` are folded synonym phrases, weighted lower. */
  search(subject: string, expansions: string[], allowed?: ReadonlySet<number>): Hit[];
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

export const PAIR_DEFAULTS: PairEngineOptions = { charWeight: 0.25, unitWeight: 0.4, synonymWeight: 0.6, k1: 1.2, b: 0.6 };

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
    const all = new Set([...tx.pairs, ...ti.pairs, ...un.pairs]);
    for (const t of all) anyDf.set(t, (anyDf.get(t) ?? 0) + 1);
  }
  for (const ix of [textPairs, textChars, titlePairs, titleChars, unitPairs]) ix.seal();
  const n = passages.length;
  const idfAny = (t: string) => Math.log(1 + (n - (anyDf.get(t) ?? 0) + 0.5) / ((anyDf.get(t) ?? 0) + 0.5));

  return {
    search(subject, expansions, allowed) {
      const q = terms(subject);
      const qPairs = counts([...new Set(q.pairs)]);
      const qChars = counts([...new Set(q.chars)]);
      for (const phrase of expansions) {
        const e = terms(phrase);
        for (const t of new Set(e.pairs)) if (!qPairs.has(t)) qPairs.set(t, o.synonymWeight);
        for (const t of new Set(e.chars)) if (!qChars.has(t)) qChars.set(t, o.synonymWeight);
      }
      const content = new Map<number, number>();
      const matched = new Map<number, Set<string>>();
      textPairs.score(qPairs, content, matched);
      const chars = textChars.score(qChars);
      for (const [id, s] of chars) if (content.has(id) || o.charWeight > 0) content.set(id, (content.get(id) ?? 0) + o.charWeight * s);
      const units = unitPairs.score(qPairs, new Map(), matched);
      for (const [id, s] of units) content.set(id, (content.get(id) ?? 0) + o.unitWeight * s);
      const title = titlePairs.score(qPairs, new Map(), matched);
      for (const [id, s] of titleChars.score(qChars)) title.set(id, (title.get(id) ?? 0) + o.charWeight * s);

      // Coverage is measured on the words asked; a synonym found stands in for its phrase at reduced weight.
      let total = 0;
      for (const [t, w] of qPairs) if (w === 1) total += idfAny(t);
      // Consecutive pairs of the subject, per space-separated chunk, for phrase runs.
      const chunks = subject.split(' ').map((c) => terms(c).pairs);
      const distinctive = (t: string) => (anyDf.get(t) ?? 0) <= n / 2;
      const ids = new Set([...content.keys(), ...title.keys()]);
      const hits: Hit[] = [];
      for (const id of ids) {
        if (allowed && !allowed.has(id)) continue;
        const m = matched.get(id);
        if (!m) continue; // characters alone never make a match
        let got = 0;
        for (const t of m) got += (qPairs.get(t) ?? 0) * idfAny(t);
        let run = 0;
        for (const pairs of chunks) {
          let cur = 0;
          for (const t of pairs) {
            cur = m.has(t) && distinctive(t) ? cur + 1 : 0;
            if (cur > run) run = cur;
          }
        }
        hits.push({ id, content: content.get(id) ?? 0, title: title.get(id) ?? 0, coverage: total > 0 ? Math.min(1, got / total) : 0, matched: [...m], run });
      }
      return hits;
    },
  };
}
