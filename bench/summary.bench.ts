/**
 * The weekly summary at scale, against real Redis (REDIS_URL, else
 * 127.0.0.1:6379) under a throwaway prefix deleted afterwards: 200 units,
 * 10,000 tasks (some with two leads, some split by clause, some recurring),
 * 100,000 progress reports in the real store (Redis Stream + per-task index).
 *
 * Reports: Redis memory of the log; time to read the derived state (first
 * read folds the whole stream, later reads only what was appended); time to
 * build the summary (target < 200 ms), cold (assignments and unit names
 * computed) and warm (cached per loaded plans, what every /周报 and weekly job
 * after the first pays); rendering; the live ledger .xlsx.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { lastDayOfMonth } from '../src/calendar/shanghai.js';
import type { Plans } from '../src/chat/context.js';
import { exportXlsx } from '../src/ledger/export/xlsx.js';
import type { Ledger, Task } from '../src/plan/schema.js';
import { createProgressStore } from '../src/progress/store.js';
import type { ProgressEvent, ReportStatus } from '../src/progress/types.js';
import { PlanIndex } from '../src/search/index.js';
import { assignmentsOf } from '../src/summary/assignments.js';
import { weeklyChartSpec } from '../src/summary/chart.js';
import { liveLedgerRows } from '../src/summary/ledger.js';
import { weeklyReply } from '../src/summary/render.js';
import { assignmentsFor, unitNames } from '../src/summary/units.js';
import { buildWeeklySummary } from '../src/summary/weekly.js';
import { UnitDirectory } from '../src/units/directory.js';

const UNITS = 200;
const TASKS = 10_000;
const EVENTS = 100_000;
const DOCS = 10;
const TARGET_MS = 200;
const RUNS = 7;
const NOW = new Date('2024-10-18T16:00:00+08:00');

const unit = (i: number) => `县单位${String(i % UNITS).padStart(3, '0')}局`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function syntheticLedger(): Ledger {
  const perDoc = TASKS / DOCS;
  const documents = Array.from({ length: DOCS }, (_, d) => {
    const tasks: Task[] = [];
    for (let j = 0; j < perDoc; j++) {
      const i = d * perDoc + j;
      const month = 1 + (i % 12);
      const date = lastDayOfMonth(2024, month);
      const lead = unit(i);
      const base: Task = {
        id: `bench-${d}#${j}`,
        path: [`${Math.floor(j / 10) + 1}.`, `（${(j % 10) + 1}）`],
        title: `第${i}项重点工作`,
        text: `推进第${i}项重点工作，${month}月底前完成。`,
        leads: [lead],
        co: [unit(i + 7)],
        impliedLeads: [],
        deadlines: [{ text: `${month}月底前`, date, pastAtIssue: false }],
        recurring: [],
        relative: [],
        clauses: [],
        genericUnits: [],
      };
      if (i % 10 === 3) base.leads.push(unit(i + 1)); // two leads on one item
      if (i % 10 === 5) {
        // Split by clause: each clause its own lead and limit.
        const second = unit(i + 2);
        base.leads = [lead, second];
        base.clauses = [
          { text: `第${i}项的前半部分。`, leads: [lead], co: [], deadlines: [], recurring: [] },
          { text: `第${i}项的后半部分，年底前完成。`, leads: [second], co: [], deadlines: [{ text: '年底前', date: '2024-12-31', pastAtIssue: false }], recurring: [] },
        ];
      }
      if (i % 10 === 7) {
        base.deadlines = [];
        base.recurring = [{ text: '每季度', rule: 'quarterly' }];
      }
      tasks.push(base);
    }
    return { file: `bench-${d}.txt`, title: `基准工作要点${d + 1}`, issuer: '', docNumber: '', issuedOn: '2024-02-01', year: 2024, tasks };
  });
  return { documents };
}

function syntheticEvents(ledger: Ledger): Array<Omit<ProgressEvent, 'id'>> {
  const pairs = assignmentsOf(ledger).list.map((a) => [a.taskId, a.unit] as const);
  const statuses: ReportStatus[] = ['in-progress', 'in-progress', 'difficulty', 'done', 'not-started'];
  const out: Array<Omit<ProgressEvent, 'id'>> = [];
  // mulberry32: deterministic, and every pair gets picked (a float LCG loses precision and cycles).
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return Math.floor((((x ^ (x >>> 14)) >>> 0) / 4294967296) * n);
  };
  const start = Date.parse('2024-03-01T00:00:00+08:00');
  const span = NOW.getTime() - start;
  for (let k = 0; k < EVENTS; k++) {
    const [taskId, u] = pairs[rand(pairs.length)]!;
    const at = new Date(start + Math.floor((span * k) / EVENTS)).toISOString();
    const r = rand(20);
    const kind = r === 0 ? 'confirm' : r === 1 ? 'return' : 'report';
    out.push({
      tenant: 'bench',
      taskId,
      unit: u,
      kind,
      ...(kind === 'report' ? { status: statuses[rand(statuses.length)]! } : {}),
      note: kind === 'return' ? '请补充佐证材料' : `第${k}次报送：按计划推进，已完成阶段性工作。`,
      by: `ou_${rand(1000)}`,
      byName: '张三',
      chatId: `oc_${u}`,
      at,
    });
  }
  return out;
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
}

async function keysOf(redis: Redis, prefix: string): Promise<string[]> {
  const all: string[] = [];
  let cursor = '0';
  for (let i = 0; i < 100_000; i++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    all.push(...keys);
    cursor = next;
    if (cursor === '0') break;
  }
  return all;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const v = fn();
  return [v, performance.now() - t0];
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
}

export default async function bench(): Promise<void> {
  const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const redis = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: (n: number) => (n > 3 ? null : 200) });
  const prefix = `bench-summary-${randomBytes(4).toString('hex')}`;
  try {
    const ledger = syntheticLedger();
    const units = UnitDirectory.empty();
    const plans: Plans = { ledger, index: PlanIndex.build({ documents: [] }, units), units };
    const events = syntheticEvents(ledger);
    const pairs = assignmentsOf(ledger).list.length;
    console.log(`ledger: ${DOCS} documents, ${TASKS} tasks, ${UNITS} units, ${pairs} (task, unit) assignments; ${events.length} progress reports`);

    const store = createProgressStore(redis, { prefix });
    const before = await usedMemory(redis);
    const [, appendMs] = await timeAsync(() => store.appendMany(events));
    const after = await usedMemory(redis);
    const keys = await keysOf(redis, prefix);
    const stream = keys.find((k) => k.endsWith(':log'))!;
    const streamBytes = Number(await redis.memory('USAGE', stream, 'SAMPLES', '0'));
    const pipe = redis.pipeline();
    for (const k of keys) if (k !== stream) pipe.memory('USAGE', k, 'SAMPLES', '0');
    const indexBytes = ((await pipe.exec()) ?? []).reduce((n, [, v]) => n + Number(v ?? 0), 0);
    console.log(`append: ${events.length} events in ${(appendMs / 1000).toFixed(1)} s (${Math.round(events.length / (appendMs / 1000))}/s, pipelined)`);
    console.log(
      `redis memory of the log: stream ${mb(streamBytes)} (${Math.round(streamBytes / events.length)} B/event) + per-task id index ${mb(indexBytes)} in ${keys.length - 1} lists = ${mb(streamBytes + indexBytes)}; server used_memory ${mb(before)} → ${mb(after)} (+${mb(after - before)}, shared server: other clients move it too)`,
    );

    // Derived state: a fresh store (another replica) folds the whole stream once; later reads only fetch what is new.
    const fresh = createProgressStore(redis, { prefix });
    const [state, firstStateMs] = await timeAsync(() => fresh.state('bench'));
    const again: number[] = [];
    for (let i = 0; i < RUNS; i++) again.push((await timeAsync(() => fresh.state('bench')))[1]);
    const [all, allMs] = await timeAsync(() => fresh.all('bench'));
    console.log(`state from Redis: first read ${firstStateMs.toFixed(0)} ms (folds ${all.length} events into ${state.size} pairs), then ${median(again).toFixed(1)} ms (incremental); full log read (optional) ${allMs.toFixed(0)} ms`);

    // Cold: unit names and assignments computed for these plans.
    const [, coldMs] = time(() =>
      buildWeeklySummary({ ledger, progress: state, now: NOW, resolveUnit: unitNames(plans).canonical, assignments: assignmentsFor(plans) }),
    );
    const warm: number[] = [];
    let summary = buildWeeklySummary({ ledger, progress: state, now: NOW, resolveUnit: unitNames(plans).canonical, assignments: assignmentsFor(plans) });
    for (let i = 0; i < RUNS; i++) {
      const [s, ms] = time(() => buildWeeklySummary({ ledger, progress: state, now: NOW, resolveUnit: unitNames(plans).canonical, assignments: assignmentsFor(plans) }));
      summary = s;
      warm.push(ms);
    }
    const withLog: number[] = [];
    for (let i = 0; i < 3; i++) {
      withLog.push(time(() => buildWeeklySummary({ ledger, progress: state, events: all, now: NOW, resolveUnit: unitNames(plans).canonical, assignments: assignmentsFor(plans) }))[1]);
    }
    const w = median(warm);
    console.log(
      `build summary: cold ${coldMs.toFixed(0)} ms (unit names + assignments for the loaded plans), warm median ${w.toFixed(1)} ms over ${RUNS} runs (target < ${TARGET_MS} ms: ${w < TARGET_MS ? 'met' : 'MISSED'}); from the full log instead of lastReportAt ${median(withLog).toFixed(1)} ms`,
    );
    const t = summary.totals;
    console.log(`figures: ${t.units} units, ${t.total} items — 已办结 ${t.closed}, 待确认 ${t.pending}, 推进中 ${t.inProgress}, 有困难 ${t.difficulty}, 未启动 ${t.notStarted}; red ${t.overdue}, yellow ${t.yellow}; silent ${summary.silent.length}; due in 14 days ${summary.dueSoon.length}`);

    const renders: number[] = [];
    let reply = weeklyReply(summary);
    for (let i = 0; i < RUNS; i++) {
      const [r, ms] = time(() => weeklyReply(summary));
      reply = r;
      renders.push(ms);
    }
    const [chart, chartMs] = time(() => weeklyChartSpec(summary));
    console.log(`render: reply median ${median(renders).toFixed(1)} ms (${Buffer.byteLength(JSON.stringify(reply))} B), chart spec ${chartMs.toFixed(1)} ms (${Buffer.byteLength(JSON.stringify(chart))} B)`);

    const [docs, rowsMs] = time(() => liveLedgerRows(ledger, summary, { canonical: unitNames(plans).canonical }));
    const [xlsx, xlsxMs] = await timeAsync(() => exportXlsx(docs, { created: NOW }));
    console.log(`live ledger (/台账): rows ${rowsMs.toFixed(0)} ms, xlsx ${xlsxMs.toFixed(0)} ms, ${mb(xlsx.length)}`);
  } finally {
    const keys = await keysOf(redis, prefix);
    for (let i = 0; i < keys.length; i += 1000) await redis.unlink(...keys.slice(i, i + 1000));
    await redis.quit();
  }
}
