import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isWorkday } from '../../src/calendar/workdays.js';
import { memoryIO } from '../../src/cli/io.js';
import { run } from '../../src/cli/schedule.js';
import { REMINDER_KINDS } from '../../src/reminders/types.js';
import { deadline, doc, ledger, task } from '../reminders/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'duban-schedule-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const county = ledger(
  doc({
    file: 'county-2022.txt',
    issuedOn: '2022-05-10',
    tasks: [
      task({ path: ['一、'], title: '惠民补贴公开', leads: ['县财政局'], deadlines: [deadline('2022-12-31', '年底前')] }),
      task({ path: ['二、'], title: '季度统计', leads: ['县府办'], recurring: [{ text: '每季度', rule: 'quarterly' }] }),
      task({ path: ['三、'], title: '规范性文件', leads: ['县司法局'], relative: [{ text: '签发后3个工作日内' }] }),
    ],
  }),
);
const ledgerFile = join(dir, 'county.json');
writeFileSync(ledgerFile, JSON.stringify(county));

interface Row {
  taskId: string;
  file: string;
  path: string[];
  unit: string;
  dueDate: string;
  kind: string;
  fireAt: string;
}

async function schedule(args: string[], env: Record<string, string> = {}) {
  const io = memoryIO({ cwd: dir, env });
  const code = await run(args, io);
  return { code, out: io.out(), err: io.err() };
}

async function json(args: string[], env: Record<string, string> = {}): Promise<Row[]> {
  const { code, out, err } = await schedule([...args, '--json'], env);
  expect(code, err).toBe(0);
  return (JSON.parse(out) as { reminders: Row[] }).reminders;
}

describe('cli schedule --json', () => {
  it('prints the contract fields with +08:00 fire times, from the issue date to the end of the plan year', async () => {
    const rows = await json(['--plan', ledgerFile]);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(Object.keys(r).sort()).toEqual(['dueDate', 'file', 'fireAt', 'kind', 'path', 'taskId', 'unit']);
      expect(r.fireAt).toMatch(/^\d{4}-\d{2}-\d{2}T09:00:00\+08:00$/);
      expect(REMINDER_KINDS).toContain(r.kind);
      expect(r.fireAt >= '2022-05-10' && r.fireAt <= '2022-12-31T23').toBe(true);
      expect(isWorkday(r.fireAt.slice(0, 10))).toBe(true);
    }
    // Quarter ends from the issue date on: Q1 is already over.
    expect([...new Set(rows.filter((r) => r.kind === 'recurring').map((r) => r.dueDate))]).toEqual(['2022-06-30', '2022-09-30', '2022-12-31']);
    // 年底前 (Saturday) is reminded on Friday.
    expect(rows.find((r) => r.kind === 'due')).toMatchObject({ unit: '县财政局', dueDate: '2022-12-31', fireAt: '2022-12-30T09:00:00+08:00', path: ['一、'] });
    // The relative limit is never scheduled; fire times ascend.
    expect(rows.some((r) => r.taskId.endsWith('三、'))).toBe(false);
    expect(rows.map((r) => r.fireAt)).toEqual([...rows.map((r) => r.fireAt)].sort());
  });

  it('honours --from/--to and shows the overdue ladder past the year end when asked', async () => {
    const rows = await json(['--plan', ledgerFile, '--from', '2022-12-29', '--to', '2023-01-10']);
    expect(rows.map((r) => `${r.fireAt.slice(0, 10)} ${r.kind}`)).toEqual([
      '2022-12-30 due',
      '2022-12-30 recurring',
      '2023-01-03 overdue',
      '2023-01-06 escalate',
      '2023-01-10 overdue',
    ]);
  });

  it('uses the configured reminder time', async () => {
    const rows = await json(['--plan', ledgerFile, '--from', '2022-12-01'], { REMINDER_TIME: '10:30' });
    expect(rows.every((r) => r.fireAt.endsWith('T10:30:00+08:00'))).toBe(true);
  });

  it('takes several files after one --plan', async () => {
    const other = ledger(doc({ file: 'other.txt', tasks: [task({ path: ['一、'], leads: ['县教育局'], deadlines: [deadline('2022-07-29')] })] }));
    const otherFile = join(dir, 'other.json');
    writeFileSync(otherFile, JSON.stringify(other));
    const rows = await json(['--plan', ledgerFile, otherFile]);
    expect(new Set(rows.map((r) => r.file))).toEqual(new Set(['county-2022.txt', 'other.txt']));
  });
});

describe('cli schedule on a work plan as received', () => {
  it('parses the text and schedules only working days, never the same reminder twice', async () => {
    const plan = join(process.cwd(), 'seeds', 'qingyuan-2022-zhengwu-gongkai.txt');
    const rows = await json(['--plan', plan]);
    expect(rows.length).toBeGreaterThan(0);
    const ids = new Set<string>();
    for (const r of rows) {
      expect(isWorkday(r.fireAt.slice(0, 10)), r.fireAt).toBe(true);
      expect(r.file).toBe('qingyuan-2022-zhengwu-gongkai.txt');
      const key = JSON.stringify(r);
      expect(ids.has(key), key).toBe(false);
      ids.add(key);
    }
  });
});

describe('cli schedule, readable calendar', () => {
  it('groups by date in Chinese and says when a deadline falls on a holiday', async () => {
    const { code, out } = await schedule(['--plan', ledgerFile, '--from', '2022-12-20']);
    expect(code).toBe(0);
    expect(out).toContain('2022-12-30 周五');
    expect(out).toMatch(/到期提醒\s+→ 县财政局/);
    expect(out).toContain('12月31日为非工作日，提前提醒');
    expect(out).toContain('常设时限');
    expect(out).toContain('签发后3个工作日内');
  });
});

describe('cli schedule, bad input', () => {
  it('rejects an impossible date with a Chinese usage message', async () => {
    const { code, err, out } = await schedule(['--plan', ledgerFile, '--from', '2022-02-30', '--json']);
    expect(code).toBe(2);
    expect(err).toContain('--from 应为有效日期');
    expect(out).toBe('');
  });

  it.each([
    ['--from', '2022-13-01'],
    ['--to', '2022-13-01'],
    ['--from', '2022-00-10'],
    ['--to', '2022-04-31'],
    ['--from', '2022-7-1'],
  ])('rejects %s %s with the usage message, not a stack trace', async (flag, value) => {
    const { code, err, out } = await schedule(['--plan', ledgerFile, flag, value]);
    expect(code).toBe(2);
    expect(err).toContain(`${flag} 应为有效日期 YYYY-MM-DD，收到“${value}”`);
    expect(err).toContain('用法 / usage');
    expect(err).not.toMatch(/RangeError|at .*\.ts:/u);
    expect(out).toBe('');
  });

  it('rejects --from after --to', async () => {
    const { code, err } = await schedule(['--plan', ledgerFile, '--from', '2022-12-01', '--to', '2022-11-01']);
    expect(code).toBe(2);
    expect(err).toContain('晚于');
  });

  it('names a missing file and prints nothing', async () => {
    const { code, err, out } = await schedule(['--plan', ledgerFile, 'missing.json', '--json']);
    expect(code).toBe(1);
    expect(err).toContain('missing.json');
    expect(err).toContain('找不到文件');
    expect(out).toBe('');
  });

  it('refuses JSON that is not a ledger', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ tasks: [] }));
    const { code, err } = await schedule(['--plan', bad]);
    expect(code).toBe(1);
    expect(err).toContain('不是台账 JSON');
  });

  it('rejects a malformed REMINDER_TIME', async () => {
    const { code, err } = await schedule(['--plan', ledgerFile], { REMINDER_TIME: '9点' });
    expect(code).toBe(2);
    expect(err).toContain('REMINDER_TIME');
  });
});
