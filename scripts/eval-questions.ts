/**
 * Question eval: how often the top answer to each seed question is the one a
 * supervisor checked by hand (/work/shared/eval/seeds-questions.jsonl).
 * `evalQuestions(ledger)` is called by scripts/eval.ts; run directly it parses
 * the shared seeds and prints the figures.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { Ledger } from '../src/plan/schema.js';
import { foldTight } from '../src/search/fold.js';
import { PlanIndex, type BuildOptions } from '../src/search/index.js';
import type { Answer } from '../src/search/types.js';

/** The shared material beside the repository (../shared), or DUBAN_SHARED. */
const SHARED = process.env.DUBAN_SHARED ?? join(import.meta.dirname, '..', '..', 'shared');
export const QUESTIONS_FILE = join(SHARED, 'eval/seeds-questions.jsonl');
export const GOLD_FILE = join(SHARED, 'eval/seeds-gold.jsonl');

const QuestionRow = z.object({
  doc: z.string(),
  path: z.array(z.string()),
  /** 'none': a question the plans cannot answer; correct when nothing is returned. */
  kind: z.enum(['lead', 'deadline', 'recurring', 'none']),
  query: z.string(),
  expect_leads: z.array(z.string()).optional(),
  /** Where a plan names only 责任单位 (no lead), the units a person should be told. */
  expect_co: z.array(z.string()).optional(),
  expect_deadline: z.string().optional(),
  expect_rule: z.string().optional(),
  source: z.string().optional(),
});
export type QuestionRow = z.infer<typeof QuestionRow>;

export interface Failure {
  query: string;
  kind: QuestionRow['kind'];
  expected: { doc: string; path: string[]; leads?: string[]; deadline?: string; rule?: string };
  got?: { file: string; path: string[]; leads: string[]; deadlines: string[]; rules: string[] };
}

export interface EvalResult {
  total: number;
  /** Correct by the brief's rule: top answer at the expected item, or (lead questions) with the expected lead set. */
  correct: number;
  /** Stricter: expected item AND expected leads (explicit) / containing them (implied) / the date / the rule. */
  strict: number;
  byKind: Record<string, { total: number; correct: number; strict: number }>;
  failures: Failure[];
}

const normPath = (p: string[]) => p.map((s) => foldTight(s)).join('');
const sameSet = (a: string[], b: string[]) => {
  const fa = new Set(a.map(foldTight));
  const fb = new Set(b.map(foldTight));
  return fa.size === fb.size && [...fa].every((x) => fb.has(x));
};

export function loadQuestions(file = QUESTIONS_FILE): QuestionRow[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const r = QuestionRow.safeParse(JSON.parse(l));
      if (!r.success) throw new Error(`${file}:${i + 1}: ${r.error.issues[0]?.message}`);
      return r.data;
    });
}

/**
 * The ledger may name files differently from the questions (seeds/ has
 * descriptive names, the eval uses hashes): map each question file to the
 * ledger document holding most of its gold item headings.
 */
export function docMapping(ledger: Ledger, goldFile = GOLD_FILE): Map<string, string> {
  const titles = new Map<string, string[]>();
  try {
    for (const line of readFileSync(goldFile, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const row = JSON.parse(line) as { doc: string; title: string };
      titles.set(row.doc, [...(titles.get(row.doc) ?? []), foldTight(row.title)]);
    }
  } catch {
    // No gold file: fall back to names only.
  }
  const map = new Map<string, string>();
  for (const [doc, heads] of titles) {
    let best: string | undefined;
    let bestN = 0;
    for (const d of ledger.documents) {
      const have = new Set(d.tasks.map((t) => foldTight(t.title)));
      const n = heads.filter((h) => have.has(h)).length;
      if (n > bestN) [best, bestN] = [d.file, n];
    }
    if (best) map.set(doc, best);
  }
  return map;
}

export function judge(q: QuestionRow, top: Answer | undefined, fileFor: (doc: string) => string): { correct: boolean; strict: boolean } {
  if (q.kind === 'none') return { correct: !top, strict: !top };
  if (!top) return { correct: false, strict: false };
  const docOk = basename(top.file) === basename(fileFor(q.doc));
  const at = docOk && normPath(top.path) === normPath(q.path);
  if (q.kind === 'lead') {
    const leadsEqual = sameSet(top.leads, q.expect_leads ?? []);
    // An empty expected set would match every answer without a lead; only the item can confirm it then.
    const leadsOk = (q.expect_leads ?? []).length > 0 && leadsEqual;
    const containsOk = (q.expect_leads ?? []).every((e) => top.leads.some((l) => foldTight(l) === foldTight(e)));
    const coOk = q.expect_co === undefined || sameSet(top.co, q.expect_co);
    const strict = at && (q.source === 'implied' ? containsOk : leadsEqual) && coOk;
    return { correct: at || leadsOk, strict };
  }
  if (q.kind === 'deadline') {
    const ok = top.deadlines.some((d) => d.date === q.expect_deadline);
    return { correct: ok, strict: ok && at };
  }
  const ok = top.recurring.some((r) => r.rule === q.expect_rule);
  return { correct: ok, strict: ok && at };
}

export interface EvalOptions extends BuildOptions {
  /** Defaults to the shared seed questions. */
  questions?: readonly QuestionRow[];
  /** Gold items used to map question file names to ledger files; defaults to the shared gold when questions are the seeds'. */
  goldFile?: string;
}

export async function evalQuestions(ledger: Ledger, opts: EvalOptions = {}): Promise<EvalResult> {
  const questions = opts.questions ?? loadQuestions();
  const index = PlanIndex.build(ledger, undefined, opts);
  const gold = opts.goldFile ?? (opts.questions ? undefined : GOLD_FILE);
  const mapping = gold ? docMapping(ledger, gold) : new Map<string, string>();
  const fileFor = (doc: string) => mapping.get(doc) ?? doc;
  const result: EvalResult = { total: 0, correct: 0, strict: 0, byKind: {}, failures: [] };
  for (const q of questions) {
    const top = index.ask(q.query, 1)[0];
    const { correct, strict } = judge(q, top, fileFor);
    const k = (result.byKind[q.kind] ??= { total: 0, correct: 0, strict: 0 });
    result.total++;
    k.total++;
    if (correct) [result.correct, k.correct] = [result.correct + 1, k.correct + 1];
    if (strict) [result.strict, k.strict] = [result.strict + 1, k.strict + 1];
    if (!strict) {
      result.failures.push({
        query: q.query,
        kind: q.kind,
        expected: {
          doc: q.doc,
          path: q.path,
          ...(q.expect_leads ? { leads: q.expect_leads } : {}),
          ...(q.expect_deadline ? { deadline: q.expect_deadline } : {}),
          ...(q.expect_rule ? { rule: q.expect_rule } : {}),
        },
        ...(top
          ? { got: { file: top.file, path: top.path, leads: top.leads, deadlines: top.deadlines.map((d) => d.date), rules: top.recurring.map((r) => r.rule) } }
          : {}),
      });
    }
  }
  return result;
}

export function formatResult(name: string, r: EvalResult): string {
  const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(1) : '0.0');
  const lines = [`${name}: ${r.correct}/${r.total} = ${pct(r.correct, r.total)}% (strict ${r.strict}/${r.total} = ${pct(r.strict, r.total)}%)`];
  for (const [k, v] of Object.entries(r.byKind)) lines.push(`  ${k.padEnd(9)} ${v.correct}/${v.total} (strict ${v.strict}/${v.total})`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { parsedSeedsLedger } = await import('../test/fixtures/search/seed-ledgers.js');
  const { loadGoldLedger } = await import('../test/fixtures/search/gold-ledger.js');
  const { fixtureLedger, FIXTURE_QUESTIONS } = await import('../test/fixtures/search/fixture-ledger.js');
  const verbose = process.argv.includes('--verbose');
  const combined = (): Ledger => ({ documents: [...parsedSeedsLedger().documents, ...fixtureLedger().documents] });
  for (const [name, ledger, questions] of [
    ['seeds, parsed', parsedSeedsLedger(), undefined],
    ['seeds, gold ledger', loadGoldLedger(), undefined],
    ['fixtures (unseen plans), parsed', fixtureLedger(), loadQuestions(FIXTURE_QUESTIONS)],
    ['seeds + fixtures loaded together', combined(), [...loadQuestions(), ...loadQuestions(FIXTURE_QUESTIONS)]],
  ] as const) {
    const r = await evalQuestions(ledger, questions ? { questions, goldFile: GOLD_FILE } : {});
    console.log(formatResult(name, r));
    if (verbose) for (const f of r.failures) console.log('   ✗', JSON.stringify(f));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
