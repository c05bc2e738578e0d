import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlan } from '../src/plan/parse.js';
import { generatePlan } from './gen-plans.js';

/** Parser throughput: each bundled seed once warm, and a generated corpus of 1,000 plans. */
export default async function bench(): Promise<void> {
  const dir = join(import.meta.dirname, '..', 'seeds');
  const seeds = readdirSync(dir).filter((f) => f.endsWith('.txt')).map((f) => ({ f, bytes: readFileSync(join(dir, f)) }));
  for (let i = 0; i < 20; i++) for (const s of seeds) parsePlan(s.bytes, s.f); // warm-up
  console.log('parse: seeds (median of 50 runs, warm)');
  for (const s of seeds) {
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      parsePlan(s.bytes, s.f);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(`  ${s.f.padEnd(40)} ${(s.bytes.length / 1024).toFixed(1).padStart(5)} KB  ${times[25]!.toFixed(2)} ms`);
  }
  const corpus = Array.from({ length: 1000 }, (_, i) => Buffer.from(generatePlan(i + 1, 20 + (i % 30))));
  const mb = corpus.reduce((a, b) => a + b.length, 0) / 1024 / 1024;
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  let tasks = 0;
  for (let i = 0; i < corpus.length; i++) tasks += parsePlan(corpus[i]!, `gen-${i}.txt`).tasks.length;
  const ms = performance.now() - t0;
  console.log(`parse: generated corpus 1,000 plans (${mb.toFixed(1)} MB, ${tasks} tasks) in ${ms.toFixed(0)} ms on one core; heap +${((process.memoryUsage().heapUsed - heap0) / 1024 / 1024).toFixed(0)} MB`);
}
