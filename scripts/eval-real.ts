/**
 * Real-document eval: the published plans in shared/eval/real/docs, each
 * loaded ALONE (a search index over that one document, as a user who imports
 * one file gets), asked the questions in gold.jsonl. Scores the top answer:
 *   lead      its leads — or, where it names no lead, its 责任单位 — are the
 *             expected units (same set; a place prefix such as 区 may differ,
 *             since the gold keeps units as written); "exact" = same strings.
 *   deadline  the deadline the answer puts first is the expected date: answers to
 *             "什么时候" rank an item's deadlines by the question's words (and
 *             latest first for "最晚"), and the first one is what a person reads
 *             as the answer; the answer's latest date is reported too.
 *   recurring its rules include the expected rule.
 * Called by scripts/eval.ts; run directly with `tsx scripts/eval-real.ts [-v]`.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { parsePlan } from '../src/plan/parse.js';
import type { PlanDocument } from '../src/plan/schema.js';
import { PlanIndex } from '../src/search/index.js';
import { foldTight } from '../src/search/fold.js';
import type { Answer } from '../src/search/types.js';

const SHARED = process.env.DUBAN_SHARED ?? join(import.meta.dirname, '..', '..', 'shared');
export const REAL_DIR = join(SHARED, 'eval', 'real');

const RealQuestion = z.object({
  doc: z.string(),
  kind: z.enum(['lead', 'deadline', 'recurring']),
  query: z.string(),
  expect_leads: z.array(z.string()).optional(),
  expect_deadline: z.string().optional(),
  expect_rule: z.string().optional(),
  evidence: z.string().optional(),
  implied: z.boolean().optional(),
});
type RealQuestion = z.infer<typeof RealQuestion>;

export interface RealFailure {
  doc: string;
  kind: string;
  query: string;
  want: unknown;
  got?: { path: string[]; leads: string[]; leadSource: string; co: string[]; deadlines: string[]; rules: string[] };
}

interface Score {
  total: number;
  ok: number;
  /** Lead questions: the same unit strings, no prefix allowance; deadline questions: the latest date in the answer. */
  exact: number;
}

export interface RealResult {
  loaded: Array<{ doc: string; tasks: number; ms: number; error?: string }>;
  byKind: Record<string, Score>;
  byDoc: Record<string, Score>;
  failures: RealFailure[];
}

/** "区市场监督管理局" and "市场监督管理局": the same unit written with and without its place. */
const PLACE_PREFIX = /^(?:[\u4e00-\u9fa5]{0,4}[省市县区]|[省市县区])$/;
export function sameUnit(a: string, b: string): boolean {
  const x = foldTight(a);
  const y = foldTight(b);
  if (x === y) return true;
  const [long, short] = x.length > y.length ? [x, y] : [y, x];
  return short.length >= 2 && long.endsWith(short) && PLACE_PREFIX.test(long.slice(0, long.length - short.length));
}

export function sameUnits(got: string[], want: string[], exact = false): boolean {
  const eq = exact ? (a: string, b: string) => foldTight(a) === foldTight(b) : sameUnit;
  const g = [...new Set(got)];
  const w = [...new Set(want)];
  return g.length === w.length && w.every((u) => g.some((v) => eq(u, v))) && g.every((v) => w.some((u) => eq(u, v)));
}

/** Who a person is told answers for the item: its leads, or where it names none, its 责任单位. */
export function answerUnits(top: Answer): string[] {
  return top.leadSource === 'explicit' ? top.leads : top.co.length ? top.co : top.leads;
}

export function firstDeadline(top: Answer): string | undefined {
  return top.deadlines[0]?.date;
}

export function lastDeadline(top: Answer): string | undefined {
  return top.deadlines.map((d) => d.date).sort().at(-1);
}

export function loadRealQuestions(dir = REAL_DIR): RealQuestion[] {
  return readFileSync(join(dir, 'gold.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => RealQuestion.parse(JSON.parse(l)));
}

export function evalReal(dir = REAL_DIR): RealResult {
  const questions = loadRealQuestions(dir);
  const docs = new Map<string, PlanDocument>();
  const loaded: RealResult['loaded'] = [];
  for (const f of readdirSync(join(dir, 'docs')).sort()) {
    const t0 = performance.now();
    try {
      const doc = parsePlan(readFileSync(join(dir, 'docs', f)), f);
      docs.set(f, doc);
      loaded.push({ doc: f, tasks: doc.tasks.length, ms: performance.now() - t0 });
    } catch (e) {
      loaded.push({ doc: f, tasks: 0, ms: performance.now() - t0, error: e instanceof Error ? e.message : String(e) });
    }
  }
  const indexes = new Map<string, PlanIndex>();
  const result: RealResult = { loaded, byKind: {}, byDoc: {}, failures: [] };
  for (const q of questions) {
    const doc = docs.get(q.doc);
    let index = indexes.get(q.doc);
    if (doc && !index) indexes.set(q.doc, (index = PlanIndex.build({ documents: [doc] })));
    const top = index?.ask(q.query, 1)[0];
    let ok = false;
    let exact = false;
    if (top && q.kind === 'lead') {
      ok = sameUnits(answerUnits(top), q.expect_leads ?? []);
      exact = sameUnits(answerUnits(top), q.expect_leads ?? [], true);
    } else if (top && q.kind === 'deadline') {
      ok = firstDeadline(top) === q.expect_deadline;
      exact = lastDeadline(top) === q.expect_deadline;
    } else if (top && q.kind === 'recurring') {
      ok = top.recurring.some((r) => r.rule === q.expect_rule);
    }
    for (const s of [(result.byKind[q.kind] ??= { total: 0, ok: 0, exact: 0 }), (result.byDoc[q.doc] ??= { total: 0, ok: 0, exact: 0 })]) {
      s.total++;
      if (ok) s.ok++;
      if (q.kind === 'recurring' ? ok : exact) s.exact++;
    }
    if (!ok) {
      result.failures.push({
        doc: q.doc,
        kind: q.kind,
        query: q.query,
        want: q.expect_leads ?? q.expect_deadline ?? q.expect_rule,
        ...(top
          ? {
              got: {
                path: top.path,
                leads: top.leads,
                leadSource: top.leadSource,
                co: top.co,
                deadlines: top.deadlines.map((d) => d.date),
                rules: top.recurring.map((r) => r.rule),
              },
            }
          : {}),
      });
    }
  }
  return result;
}

const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(1) : '0.0');

export function printRealEval(r: RealResult, verbose = false): void {
  const n = r.loaded.filter((l) => !l.error).length;
  console.log(`真实文件 real plans (each loaded alone): ${n}/${r.loaded.length} load`);
  for (const l of r.loaded) {
    const s = r.byDoc[l.doc];
    const fig = s ? `${s.ok}/${s.total}` : '-';
    console.log(`  ${l.doc.padEnd(34)} ${l.error ? `refused: ${l.error.slice(0, 60)}` : `${String(l.tasks).padStart(3)} tasks ${l.ms.toFixed(0).padStart(4)} ms`}  ${fig}`);
  }
  let total = 0;
  let ok = 0;
  for (const [k, s] of Object.entries(r.byKind)) {
    total += s.total;
    ok += s.ok;
    const exact =
      k === 'lead'
        ? ` (exact strings ${s.exact}/${s.total} = ${pct(s.exact, s.total)}%)`
        : k === 'deadline'
          ? ` (latest date ${s.exact}/${s.total} = ${pct(s.exact, s.total)}%)`
          : '';
    console.log(`  ${k.padEnd(9)} ${s.ok}/${s.total} = ${pct(s.ok, s.total)}%${exact}`);
  }
  console.log(`  all       ${ok}/${total} = ${pct(ok, total)}%`);
  if (verbose) for (const f of r.failures) console.log('   ✗', JSON.stringify(f));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (!existsSync(join(REAL_DIR, 'gold.jsonl'))) {
    console.error(`找不到 ${REAL_DIR}/gold.jsonl（设置 DUBAN_SHARED）`);
    process.exitCode = 2;
  } else printRealEval(evalReal(), process.argv.includes('-v'));
}
