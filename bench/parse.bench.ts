import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlan } from '../src/plan/parse.js';
import { generatePlan } from './gen-plans.js';

/** A plan of about `bytes` UTF-8 bytes: numbered items with annotations and deadlines, one a line or flattened into one line. */
function bigPlan(bytes: number, flattened: boolean): string {
  const items: string[] = [];
  let size = 0;
  for (let i = 1; size < bytes; i++) {
    const s = `${i}.推进第${i}项重点工作，完善有关制度，2024年${(i % 12) + 1}月底前完成。（责任单位：市发改委牵头，市财政局、市住建局按职责分工负责）`;
    items.push(s);
    size += Buffer.byteLength(s) + 1;
  }
  return flattened ? `某市2024年重点任务清单 具体如下：一、重点任务${items.join('')}二、保障措施` : `某市2024年重点任务清单\n一、重点任务\n${items.join('\n')}`;
}

/** Parser throughput: each bundled seed once warm, a generated corpus of 1,000 plans, and one 5 MB text. */
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
  for (const layout of ['tabs', 'pipes', 'cell-per-line'] as const) {
    parsePlan(tableText(500, layout), 'warm.txt'); // warm-up
    const text = tableText(5000, layout);
    const t1 = timer();
    const n = parsePlan(text, `table-${layout}.txt`).tasks.length;
    console.log(`parse: 5,000-row table as ${layout} (${(Buffer.byteLength(text) / 1024 / 1024).toFixed(2)} MB, ${n} tasks) in ${t1()}`);
  }
  // A 5 MB text that is one long table: layout recovery and the table reader must stay linear.
  const big = tableText(5000 * 6, 'pipes');
  const t2 = timer();
  const n = parsePlan(big, 'table-5mb.txt').tasks.length;
  console.log(`parse: ${(Buffer.byteLength(big) / 1024 / 1024).toFixed(1)} MB pipe table (${n} tasks) in ${t2()}`);
  for (const flattened of [false, true]) {
    const text = bigPlan(4_900_000, flattened);
    const t1 = timer();
    const doc = parsePlan(text, 'big.txt');
    console.log(`parse: one ${(Buffer.byteLength(text) / 1024 / 1024).toFixed(1)} MB plan, ${flattened ? 'flattened into one line' : 'one item a line'}: ${doc.tasks.length} tasks in ${t1()}`);
  }
  // The same kind of table copied from a web page with every cell glued into one line.
  const glued = gluedText(5 * 1024 * 1024);
  const t3 = timer();
  const g = parsePlan(glued, 'glued-5mb.txt').tasks.length;
  console.log(`parse: ${(Buffer.byteLength(glued) / 1024 / 1024).toFixed(1)} MB table glued into one line (${g} tasks) in ${t3()}`);
}

/** Wall and CPU time of what follows: on a shared machine the CPU time is the figure that does not depend on the neighbours. */
function timer(): () => string {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return `${(performance.now() - wall).toFixed(0)} ms (cpu ${((used.user + used.system) / 1000).toFixed(0)} ms)`;
  };
}

/** "序号主要工作任务具体工作措施完成时限主要责任单位任务来源1第1项重点任务1、落实…3月区经发局区环土局1、…" up to `bytes`. */
function gluedText(bytes: number): string {
  const units = ['区经发局', '区环土局', '区农发局', '区交建局', '相关乡镇人民政府'];
  const parts = ['某区2025年生态环境保护工作要点分工表 序号主要工作任务具体工作措施完成时限主要责任单位任务来源'];
  let size = 0;
  for (let a = 1, k = 0; size < bytes / 3; a++) {
    let s = `${a}第${a}项重点任务`;
    for (let r = 0; r < 5; r++) {
      k++;
      s += `${k}、落实第${k}项措施，完成建设任务${(k % 12) + 1}月${units[k % 5]}${units[(k + 1) % 5]}`;
      if (r === 0) s += '1、省政府工作报告2、省委经济工作会议';
    }
    parts.push(s);
    size += s.length;
  }
  return parts.join('') + ' 注：主要责任单位第一个为牵头单位。';
}

/** A task-division table of `rows` rows flattened to text, with a merged area every 5 rows and a section every 50. */
function tableText(rows: number, layout: 'tabs' | 'pipes' | 'cell-per-line'): string {
  const header = ['序号', '重点任务', '具体措施', '牵头单位', '配合单位', '完成时限'];
  const units = ['县发展和改革局', '县财政局', '县教育局', '县民政局', '县住房和城乡建设局', '县交通运输局'];
  const out: string[] = ['某县2025年重点任务分工表', ''];
  const row = (cs: string[]) => (layout === 'tabs' ? [cs.join('\t')] : layout === 'pipes' ? [`|  ${cs.join('  |  ')}  |`] : cs);
  out.push(...row(header));
  for (let i = 0; i < rows; i++) {
    if (i % 50 === 0) out.push(`${'一二三四五六七八九'[(i / 50) % 9]}、第${i / 50 + 1}部分重点工作`);
    const area = i % 5 === 0 ? `第${i / 5 + 1}项重点任务` : layout === 'cell-per-line' ? null : '';
    const cells = [String(i + 1), area, `落实第${i + 1}项具体措施，按期完成建设并公开进展情况`, units[i % 6]!, `${units[(i + 1) % 6]}、${units[(i + 2) % 6]}`, `${(i % 12) + 1}月底前`];
    out.push(...row(cells.filter((c): c is string => c !== null)));
  }
  return out.join('\n');
}
