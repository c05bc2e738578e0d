/**
 * Search latency in-process: one question -> answers, p50/p99 (target p99 < 5 ms).
 *   1. the five seed plans, the 86 seed questions;
 *   2. 10,000 tasks mixed from real plans' sentences (seeds + test fixtures), so
 *      term frequencies look like real documents; questions cut from task text;
 *   3. 10,000 tasks from bench/gen-plans.ts through the real parser: a tiny
 *      vocabulary, so every common term's posting list spans the corpus (worst case).
 * Also index build time. Run: npm run bench -- search
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parsePlan } from '../src/plan/parse.js';
import type { Ledger, PlanDocument, Task } from '../src/plan/schema.js';
import { PlanIndex } from '../src/search/index.js';
import { loadQuestions } from '../scripts/eval-questions.js';
import { SEED_QUESTIONS } from '../test/fixtures/search/seed-ledgers.js';
import { generatePlan } from './gen-plans.js';

const ROOT = join(import.meta.dirname, '..');

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

function planFiles(dir: string): PlanDocument[] {
  return readdirSync(dir)
    .filter((f) => /\.(txt|md)$/.test(f))
    .sort()
    .map((f) => parsePlan(readFileSync(join(dir, f)), f));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function measure(name: string, ledger: Ledger, questions: string[], rounds = 3): void {
  const tasks = ledger.documents.reduce((n, d) => n + d.tasks.length, 0);
  const t0 = performance.now();
  const index = PlanIndex.build(ledger);
  const build = performance.now() - t0;
  for (const q of questions.slice(0, 200)) index.ask(q); // warm-up (JIT, OpenCC dictionaries)
  const wall: number[] = [];
  const cpu: number[] = [];
  let answered = 0;
  for (let r = 0; r < rounds; r++) {
    for (const q of questions) {
      const c = process.cpuUsage();
      const s = performance.now();
      const a = index.ask(q);
      wall.push(performance.now() - s);
      const d = process.cpuUsage(c);
      cpu.push((d.user + d.system) / 1000);
      if (r === 0 && a.length > 0) answered++;
    }
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(2);
  console.log(
    `${name}: ${tasks} tasks, ${questions.length} questions × ${rounds}, build ${build.toFixed(0)} ms, answered ${answered}/${questions.length}\n` +
      `  ask wall p50 ${f(percentile(wall, 50))} ms, p99 ${f(percentile(wall, 99))} ms, max ${f(wall.at(-1) ?? 0)} ms; ` +
      `cpu p50 ${f(percentile(cpu, 50))} ms, p99 ${f(percentile(cpu, 99))} ms`,
  );
}

/** Tasks whose sentences come from real plans, shuffled into new items. */
function mixedLedger(source: Task[], count: number, seed: number): { ledger: Ledger; questions: string[] } {
  const r = rng(seed);
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)]!;
  const sentences = source.flatMap((t) => t.text.split(/(?<=[。；])/).filter((s) => s.length > 8));
  const units = [...new Set(source.flatMap((t) => t.leads))];
  // Unique two-character place names, so a place in a question narrows to exactly one plan.
  const A = '青白临东南西北长石云松柏桃李梅竹兰菊';
  const B = '山河江岭湖川宁门溪林谷源泉阳安平丰和';
  const places = [...A].flatMap((a) => [...B].map((b) => a + b));
  const documents: PlanDocument[] = [];
  const questions: string[] = [];
  const perDoc = 25;
  for (let d = 0; d * perDoc < count; d++) {
    const place = places[d % places.length]!;
    const file = `mix-${d}.txt`;
    const tasks: Task[] = [];
    for (let i = 0; i < perDoc && d * perDoc + i < count; i++) {
      const body = Array.from({ length: 2 + Math.floor(r() * 3) }, () => pick(sentences)).join('');
      const title = body.slice(0, 8 + Math.floor(r() * 8)).replace(/[，。；、]/g, '');
      const leads = [pick(units)];
      const path = [`${'一二三四五六七八九十'[Math.floor(i / 5)]}、`, `（${'一二三四五'[i % 5]}）`];
      tasks.push({ id: `${file}#${path.join('')}`, path, title, text: `${title}。${body}`, leads, co: [], impliedLeads: [], deadlines: [], recurring: [], relative: [], clauses: [], genericUnits: [] });
      if (r() < 0.05) {
        const at = Math.floor(r() * Math.max(1, body.length - 12));
        questions.push(`${r() < 0.5 ? `${place} ` : ''}${body.slice(at, at + 6 + Math.floor(r() * 8))}谁牵头？`);
      }
    }
    documents.push({ file, title: `${place}县2023年工作要点`, issuer: `${place}县人民政府办公室`, docNumber: '', issuedOn: '2023-03-01', year: 2023, tasks });
  }
  return { ledger: { documents }, questions };
}

export default async function bench(): Promise<void> {
  // Other processes on a shared machine stretch wall-clock tails; CPU time shows what the search itself costs.
  console.log(`load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
  const seeds = planFiles(join(ROOT, 'seeds'));
  const seedQuestions = loadQuestions(SEED_QUESTIONS).map((q) => q.query);
  measure('seeds', { documents: seeds }, seedQuestions, 20);

  const fixtures = planFiles(join(ROOT, 'test/fixtures/search/plans'));
  const source = [...seeds, ...fixtures].flatMap((d) => d.tasks);
  const mixed = mixedLedger(source, 10_000, 7);
  measure('10,000 tasks mixed from real plan sentences', mixed.ledger, [...mixed.questions, ...seedQuestions]);

  const generated: PlanDocument[] = [];
  for (let i = 0, n = 0; n < 10_000; i++) {
    const doc = parsePlan(generatePlan(1000 + i, 20), `gen-${i}.txt`);
    generated.push({ ...doc, tasks: doc.tasks.slice(0, 10_000 - n) });
    n += doc.tasks.length;
  }
  const genQuestions = ['政务公开谁牵头', '青山 营商环境 什么时候', '数据共享专项检查归谁管', '三（二）谁负责', '白河县 财政预决算 多久一次', ...seedQuestions];
  measure('10,000 generated tasks (tiny vocabulary, worst case)', { documents: generated }, genQuestions);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) await bench();
