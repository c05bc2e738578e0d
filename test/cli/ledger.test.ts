import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/ledger.js';
import { memoryIO } from '../../src/cli/io.js';
import { joinPath } from '../../src/ledger/rows.js';
import { parsePlan } from '../../src/plan/parse.js';
import type { Task } from '../../src/plan/schema.js';
import { createProgressStore } from '../../src/progress/store.js';
import { isGenericUnit } from '../../src/reminders/targets.js';
import { useTestRedis } from '../support/redis.js';
import { createPlanLibrary } from '../../src/plans/library.js';
import { silentLogger } from '../../src/log.js';

/**
 * `cli ledger` against real Redis: plans from PLAN_FILES (one bundled seed),
 * progress written by the real store under this file's prefix.
 */

const t = useTestRedis('cli-ledger');
const seed = fileURLToPath(new URL('../../seeds/qingyuan-2022-zhengwu-gongkai.txt', import.meta.url));
const doc = parsePlan(await readFile(seed), 'qingyuan-2022-zhengwu-gongkai.txt');
// Some item one named unit leads, whatever its wording: the test follows the parser's ledger.
const task: Task = doc.tasks.find((x) => x.clauses.length < 2 && x.leads.length === 1 && !isGenericUnit(x.leads[0]!, x.genericUnits))!;
const unit = task.leads[0]!;
const NOW = new Date('2022-07-05T09:00:00+08:00');
let dir: string;

function io(env: Record<string, string> = {}) {
  return memoryIO({ cwd: dir, env: { PLAN_FILES: seed, UNITS_FILE: 'none.yaml', REDIS_URL: t.url, ...env }, clock: { now: () => NOW } });
}

async function rowsOf(path: string): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  const rows: string[][] = [];
  wb.worksheets[0]!.eachRow((r) => rows.push((r.values as unknown[]).slice(1).map((v) => (v == null ? '' : String(v)))));
  return rows;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'duban-cli-ledger-'));
  const store = createProgressStore(t.redis, { prefix: t.prefix });
  await store.append({ tenant: 'tn1', taskId: task.id, unit, kind: 'report', status: 'in-progress', note: '方案已起草', by: 'ou_x', chatId: 'oc_x', at: '2022-07-04T02:30:00.000Z' });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('cli ledger', () => {
  it('writes an .xlsx with the live columns; the reported row carries its state, note and time', async () => {
    const o = io();
    expect(await run(['--format', 'xlsx', '--out', '台账.xlsx', '--prefix', t.prefix], o)).toBe(0);
    expect(o.err()).toMatch(/^已写入 台账\.xlsx：1 份文件、\d+ 行，1 项有进展记录（租户 tn1）/u);
    const rows = await rowsOf(join(dir, '台账.xlsx'));
    expect(rows[0]).toEqual(['序号', '任务', '牵头单位', '责任单位', '时限', '来源', '状态', '最新进展', '更新时间']);
    const row = rows.find((r) => r[0] === joinPath(task.path))!;
    expect(row[2]).toBe(unit);
    expect(row.slice(7)).toEqual(['方案已起草', '2022-07-04 10:30']);
    expect(row[6]).toMatch(/^推进中（.灯）$/u);
    // Everything nobody reported on reads 未启动 (named leads) or stays blank (classes of units).
    expect(rows.slice(1).filter((r) => r[6]!.startsWith('推进中'))).toHaveLength(1);
  });

  it('--unit keeps that unit’s rows; markdown to stdout by default', async () => {
    const o = io();
    expect(await run(['--unit', unit, '--prefix', t.prefix], o)).toBe(0);
    const lines = o.out().split('\n').filter((l) => l.startsWith('|'));
    expect(lines[0]).toContain('状态');
    expect(lines.slice(2).every((l) => l.includes(unit))).toBe(true);
    expect(o.out()).toContain('方案已起草');
  });

  it('several tenants: asks which; --tenant picks one', async () => {
    const store = createProgressStore(t.redis, { prefix: t.prefix });
    await store.append({ tenant: 'tn2', taskId: task.id, unit, kind: 'report', status: 'difficulty', note: '缺经费', by: 'ou_y', chatId: 'oc_y', at: '2022-07-04T03:00:00.000Z' });
    const o = io();
    expect(await run(['--prefix', t.prefix], o)).toBe(2);
    expect(o.err()).toContain('Redis 中有多个租户的进展记录：tn1、tn2。请用 --tenant 指定其一。');
    const p = io();
    expect(await run(['--prefix', t.prefix, '--tenant', 'tn2', '--format', 'json'], p)).toBe(0);
    const json = JSON.parse(p.out()) as { tenant: string; documents: Array<{ rows: Array<{ ref: { taskId: string }; status?: string; progress?: string }> }> };
    expect(json.tenant).toBe('tn2');
    const row = json.documents[0]!.rows.find((r) => r.ref.taskId === task.id)!;
    expect(row).toMatchObject({ progress: '缺经费' });
    expect(row.status).toMatch(/^有困难/u);
  });

  it('includes plans imported into the library (what the bot serves), not only PLAN_FILES', async () => {
    const lib = createPlanLibrary(t.redis, { prefix: t.prefix, log: silentLogger() });
    const plan = '石门县2024年政务公开工作要点\n一、深化公开\n（一）推进预算公开，8月底前完成。（县财政局牵头负责）\n';
    await lib.put('shimen-2024.txt', Buffer.from(plan), 'ou_admin');
    const o = io();
    expect(await run(['--prefix', t.prefix, '--tenant', 'tn1', '--format', 'json'], o)).toBe(0);
    const titles = (JSON.parse(o.out()) as { documents: Array<{ title: string }> }).documents.map((d) => d.title);
    expect(titles).toContain('石门县2024年政务公开工作要点');
    expect(titles).toContain('2022年庆元县政务公开工作要点');
    await lib.remove('shimen-2024.txt');
  });

  it('no Redis: a clear message, exit 3, nothing written', async () => {
    const o = io({ REDIS_URL: 'redis://127.0.0.1:1' });
    expect(await run(['--out', 'x.xlsx'], o)).toBe(3);
    expect(o.err()).toContain('无法连接 Redis（redis://127.0.0.1:1');
    expect(o.err()).toContain('npm run -s cli -- parse');
    await expect(readFile(join(dir, 'x.xlsx'))).rejects.toThrow();
  });

  it('usage errors: xlsx to a terminal, unknown format, unknown unit', async () => {
    const a = io();
    expect(await run(['--format', 'xlsx'], a)).toBe(2);
    expect(a.err()).toContain('xlsx 格式必须用 --out 指定输出文件');
    const b = io();
    expect(await run(['--format', 'pdf'], b)).toBe(2);
    const c = io();
    expect(await run(['--unit', '火星办事处', '--prefix', t.prefix], c)).toBe(1);
    expect(c.err()).toContain('没有找到单位“火星办事处”');
  });
});
