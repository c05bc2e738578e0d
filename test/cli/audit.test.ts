/**
 * `cli audit` against real Redis: entries written by the real audit log
 * under this file's prefix, exported as xlsx (read back with exceljs), CSV
 * and JSON; a formula-looking subject stays text.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../src/audit/log.js';
import { run } from '../../src/cli/audit.js';
import { memoryIO } from '../../src/cli/io.js';
import { silentLogger } from '../../src/log.js';
import { useTestRedis } from '../support/redis.js';

const t = useTestRedis('cli-audit');
let dir: string;
const io = () => memoryIO({ cwd: dir, env: { REDIS_URL: t.url } });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'duban-cli-audit-'));
  let tick = Date.parse('2024-07-01T01:00:00Z');
  const audit = createAuditLog(t.redis, { prefix: t.prefix, log: silentLogger(), now: () => new Date((tick += 60_000)) });
  await audit.record({ tenant: 'tn1', action: 'bind', by: 'ou_admin', byName: '王管理', chatId: 'oc_fin', subject: '县财政局' });
  await audit.record({ tenant: 'tn1', action: 'report', by: 'ou_fin', chatId: 'oc_fin', subject: 'doc#一、', detail: { status: 'done', note: '=HYPERLINK("x")' } });
  await audit.record({ tenant: 'tn2', action: 'confirm', by: 'ou_sup', subject: '=1+1' });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('cli audit', () => {
  it('writes every tenant’s entries to .xlsx, newest first, in Shanghai time', async () => {
    const o = io();
    expect(await run(['--out', '审计.xlsx', '--prefix', t.prefix], o)).toBe(0);
    expect(o.err()).toContain('审计日志：3 条，2 个租户');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(dir, '审计.xlsx'));
    const rows: string[][] = [];
    wb.worksheets[0]!.eachRow((r) => rows.push((r.values as unknown[]).slice(1).map((v) => (v == null ? '' : String(v)))));
    expect(rows[0]).toEqual(['时间', '租户', '操作', '操作人', '姓名', '群', '对象', '详情', '编号']);
    expect(rows.slice(1).map((r) => [r[0], r[1], r[2], r[6]])).toEqual([
      ['2024-07-01 09:03:00', 'tn2', '办结', '=1+1'],
      ['2024-07-01 09:02:00', 'tn1', '报告进展', 'doc#一、'],
      ['2024-07-01 09:01:00', 'tn1', '绑定', '县财政局'],
    ]);
    expect(rows[2]![7]).toBe('status=done; note==HYPERLINK("x")');
    expect(wb.worksheets[0]!.getCell('G2').type).toBe(ExcelJS.ValueType.String);
  });

  it('writes CSV with a BOM and formula-looking cells guarded, and JSON to stdout for one tenant', async () => {
    const o = io();
    expect(await run(['--format', 'csv', '--out', 'a.csv', '--prefix', t.prefix], o)).toBe(0);
    const csv = await readFile(join(dir, 'a.csv'), 'utf8');
    expect(csv.startsWith('\uFEFF时间,租户,操作')).toBe(true);
    expect(csv).toContain(",'=1+1,");
    const j = io();
    expect(await run(['--tenant', 'tn1', '--prefix', t.prefix], j)).toBe(0);
    const parsed = JSON.parse(j.out()) as { entries: Array<{ action: string; tenant: string }> };
    expect(parsed.entries.map((e) => [e.tenant, e.action])).toEqual([
      ['tn1', 'report'],
      ['tn1', 'bind'],
    ]);
  });

  it('refuses xlsx to stdout and a bad limit with the usage', async () => {
    const o = io();
    expect(await run(['--format', 'xlsx', '--prefix', t.prefix], o)).toBe(2);
    expect(o.err()).toContain('xlsx 格式必须用 --out');
    expect(await run(['--limit', '0'], io())).toBe(2);
  });
});
