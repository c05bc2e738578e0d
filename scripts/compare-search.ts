/**
 * Compare retrieval approaches on the same questions and the same question
 * handling (place narrowing, clause choice, numbering, coverage floor):
 *   pairs     — BM25 over character pairs + single characters (src/search/engine.ts, the default)
 *   jieba     — the same BM25 over @node-rs/jieba search-mode words
 *   minisearch/jieba, minisearch/pairs — MiniSearch's BM25+ with those tokenisers
 *   minisearch/default — MiniSearch's own tokeniser (splits on spaces/punctuation only)
 * Prints accuracy per question set and in-process latency per question.
 * Run: npx tsx scripts/compare-search.ts
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import MiniSearch from 'minisearch';
import { pathToFileURL } from 'node:url';
import type { Ledger } from '../src/plan/schema.js';
import { Accumulator, Bm25 } from '../src/search/bm25.js';
import { lastQuery, pairDetails, pairEngine, prepareQuery, queryTerms, type Details, type EngineFactory, type PassageFields, type Scores } from '../src/search/engine.js';
import { PlanIndex } from '../src/search/index.js';
import { placesIn } from '../src/search/places.js';
import { counts, terms } from '../src/search/tokens.js';
import { evalQuestions, GOLD_FILE, loadQuestions, type QuestionRow } from './eval-questions.js';

/**
 * Whether a passage is an answer at all (coverage of the question's character
 * pairs, longest shared phrase) is judged the same way for every engine
 * (pairDetails over character-pair sets), so the comparison is about ranking.
 */
function pairGate(passages: PassageFields[]) {
  const sets = passages.map((p) => new Set([...terms(p.text).pairs, ...terms(p.title).pairs, ...terms(p.units).pairs]));
  const df = new Map<string, number>();
  for (const s of sets) for (const t of s) df.set(t, (df.get(t) ?? 0) + 1);
  const n = passages.length;
  const idf = (t: string) => Math.log(1 + (n - (df.get(t) ?? 0) + 0.5) / ((df.get(t) ?? 0) + 0.5));
  const prepared = lastQuery((subject, expansions) => prepareQuery(subject, queryTerms(subject, expansions, 0.6).pairs, idf, (t) => (df.get(t) ?? 0) <= n / 2));
  return (subject: string, expansions: string[], id: number): Details => pairDetails(prepared(subject, expansions), (t) => sets[id]!.has(t));
}

/** Map-based scores (as the other engines produce them) in the Scores shape PlanIndex reads. */
function toScores(n: number, content: Map<number, number>, title: Map<number, number>, allowed?: Uint8Array): Scores {
  const c = new Float64Array(n);
  const t = new Float64Array(n);
  const ids = new Set<number>();
  for (const [id, v] of content) if (!allowed || allowed[id]) (c[id] = v), ids.add(id);
  for (const [id, v] of title) if (!allowed || allowed[id]) (t[id] = v), ids.add(id);
  return { ids: Int32Array.from(ids), count: ids.size, content: c, title: t };
}

function mapScores(ix: Bm25, q: Map<string, number>, n: number): Map<number, number> {
  const acc = new Accumulator(n);
  ix.score(q, acc);
  const out = new Map<number, number>();
  for (let i = 0; i < acc.count; i++) out.set(acc.touched[i]!, acc.sums[acc.touched[i]!]!);
  return out;
}

const jieba = Jieba.withDict(dict);
const PUNCT = /^[\s\p{P}\p{S}]+$/u;
const jiebaWords = (s: string) => jieba.cutForSearch(s, true).filter((w) => !PUNCT.test(w));

/** BM25 (same implementation and weights as the pair engine) over jieba words. */
const jiebaEngine: EngineFactory = (passages) => {
  const n = passages.length;
  const text = new Bm25({ k1: 1.2, b: 0.6 });
  const title = new Bm25({ k1: 1.2, b: 0.6 });
  const units = new Bm25({ k1: 1.2, b: 0.6 });
  for (const p of passages) {
    text.add(counts(jiebaWords(p.text)));
    title.add(counts(jiebaWords(p.title)));
    units.add(counts(jiebaWords(p.units)));
  }
  text.seal();
  title.seal();
  units.seal();
  const gate = pairGate(passages);
  return {
    search(subject, expansions, allowed) {
      const q = counts([...new Set(jiebaWords(subject))]);
      for (const e of expansions) for (const w of jiebaWords(e)) if (!q.has(w)) q.set(w, 0.6);
      const c = mapScores(text, q, n);
      for (const [id, s] of mapScores(units, q, n)) c.set(id, (c.get(id) ?? 0) + 0.4 * s);
      return toScores(n, c, mapScores(title, q, n), allowed);
    },
    details: gate,
  };
};

function miniEngine(tokenize: ((s: string) => string[]) | undefined): EngineFactory {
  return (passages) => {
    const mk = (fields: string[]) => {
      const ms = new MiniSearch<{ id: number } & PassageFields>({ fields, ...(tokenize ? { tokenize } : {}) });
      ms.addAll(passages.map((p, id) => ({ id, ...p })));
      return ms;
    };
    const content = mk(['text', 'units']);
    const title = mk(['title']);
    const gate = pairGate(passages);
    return {
      search(subject, expansions, allowed) {
        const query = [subject, ...expansions].join(' ');
        const opts = { combineWith: 'OR' as const, boost: { units: 0.4 } };
        const c = new Map(content.search(query, opts).map((r) => [r.id as number, r.score]));
        const t = new Map(title.search(query, opts).map((r) => [r.id as number, r.score]));
        return toScores(passages.length, c, t, allowed);
      },
      details: gate,
    };
  };
}

const pairTokens = (s: string) => terms(s).pairs;

export const ENGINES: Record<string, EngineFactory> = {
  pairs: (p) => pairEngine(p),
  jieba: jiebaEngine,
  'minisearch/jieba': miniEngine(jiebaWords),
  'minisearch/pairs': miniEngine(pairTokens),
  'minisearch/default': miniEngine(undefined),
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main(): Promise<void> {
  const { parsedSeedsLedger } = await import('../test/fixtures/search/seed-ledgers.js');
  const { loadGoldLedger } = await import('../test/fixtures/search/gold-ledger.js');
  const { fixtureLedger, FIXTURE_QUESTIONS } = await import('../test/fixtures/search/fixture-ledger.js');
  const seeds = parsedSeedsLedger();
  const fixtures = fixtureLedger();
  const all: Ledger = { documents: [...seeds.documents, ...fixtures.documents] };
  const allQuestions = [...loadQuestions(), ...loadQuestions(FIXTURE_QUESTIONS)];
  // Stress: the same questions with every place name taken out, all plans loaded — ranking alone must find the item.
  const places = all.documents.flatMap((d) => placesIn(`${d.title} ${d.issuer}`)).sort((a, b) => b.length - a.length);
  const noPlace = allQuestions.map((q) => ({ ...q, query: places.reduce((s, p) => s.split(p).join(''), q.query).replace(/^[县区市州]\s*/, '') }));
  const sets: Array<[string, Ledger, QuestionRow[]]> = [
    ['seeds (parsed)', seeds, loadQuestions()],
    ['seeds (gold ledger)', loadGoldLedger(), loadQuestions()],
    ['unseen fixtures', fixtures, loadQuestions(FIXTURE_QUESTIONS)],
    ['all loaded together', all, allQuestions],
    ['all loaded, place names removed', all, noPlace],
  ];
  const rows: string[] = [];
  rows.push(`| engine | ${sets.map((s) => s[0]).join(' | ')} | build ms (all) | p50 ms | p99 ms |`);
  rows.push(`|---|${sets.map(() => '---').join('|')}|---|---|---|`);
  for (const [name, engine] of Object.entries(ENGINES)) {
    const cells: string[] = [];
    for (const [, ledger, questions] of sets) {
      const r = await evalQuestions(ledger, { engine, questions, goldFile: GOLD_FILE });
      cells.push(`${((100 * r.correct) / r.total).toFixed(1)}% / ${((100 * r.strict) / r.total).toFixed(1)}%`);
    }
    const t0 = performance.now();
    const index = PlanIndex.build(all, undefined, { engine });
    const build = performance.now() - t0;
    for (const q of allQuestions) index.ask(q.query); // warm-up
    const times: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (const q of allQuestions) {
        const s = performance.now();
        index.ask(q.query);
        times.push(performance.now() - s);
      }
    }
    times.sort((a, b) => a - b);
    rows.push(`| ${name} | ${cells.join(' | ')} | ${build.toFixed(1)} | ${percentile(times, 50).toFixed(3)} | ${percentile(times, 99).toFixed(3)} |`);
  }
  console.log('accuracy = top answer correct (brief\'s rule) / strict (right item AND right leads/date/rule); latency over all questions, all plans loaded');
  console.log(rows.join('\n'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
