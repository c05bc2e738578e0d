import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/ask.js';
import { memoryIO } from '../../src/cli/io.js';

const ROOT = join(import.meta.dirname, '../..');
const QINGYUAN = 'seeds/qingyuan-2022-zhengwu-gongkai.txt';
const YOUXIAN = 'seeds/youxian-2018-zhengwu-gongkai.txt';

async function ask(argv: string[]) {
  const io = memoryIO({ cwd: ROOT });
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const ANSWER_KEYS = ['file', 'path', 'title', 'excerpt', 'leads', 'leadSource', 'co', 'deadlines', 'recurring'];

describe('cli ask --json', () => {
  it('prints exactly the contract: query and answers with the agreed fields, best first', async () => {
    const { code, out, err } = await ask(['--plan', QINGYUAN, YOUXIAN, '--json', '减税降费谁牵头？']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const o = JSON.parse(lines[0]!) as { query: string; answers: Array<Record<string, unknown>> };
    expect(Object.keys(o)).toEqual(['query', 'answers']);
    expect(o.query).toBe('减税降费谁牵头？');
    expect(o.answers.length).toBeGreaterThan(0);
    for (const a of o.answers) {
      expect(Object.keys(a)).toEqual(ANSWER_KEYS);
      expect(['explicit', 'implied', 'none']).toContain(a.leadSource);
      for (const d of a.deadlines as Array<Record<string, unknown>>) expect(Object.keys(d)).toEqual(['text', 'date']);
      for (const r of a.recurring as Array<Record<string, unknown>>) expect(Object.keys(r)).toEqual(['text', 'rule']);
    }
    expect(o.answers[0]).toMatchObject({ file: 'qingyuan-2022-zhengwu-gongkai.txt', path: ['一、', '（二）'], leads: ['县税务局'], leadSource: 'explicit' });
  });

  it('answers a questions file one JSON object per line, in order (plain lines or JSON lines with "query")', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duban-ask-'));
    const file = join(dir, 'q.txt');
    writeFileSync(file, ['12345热线整合谁牵头？', '', '{"query": "庆元 网站找错留言谁来办", "kind": "lead"}', '今天食堂吃什么'].join('\n'));
    const { code, out } = await ask(['--plan', QINGYUAN, YOUXIAN, '--json', '--questions', file]);
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n').map((l) => JSON.parse(l) as { query: string; answers: Array<{ leads: string[] }> });
    expect(lines.map((l) => l.query)).toEqual(['12345热线整合谁牵头？', '庆元 网站找错留言谁来办', '今天食堂吃什么']);
    expect(lines[0]!.answers[0]!.leads).toEqual(['区应急调度中心']);
    expect(lines[1]!.answers[0]!.leads).toEqual(['县大数据发展中心']);
    expect(lines[2]!.answers).toEqual([]);
  });

  it('uses the bundled seeds when no --plan is given', async () => {
    const { code, out } = await ask(['--json', 'IPv6改造归谁管']);
    expect(code).toBe(0);
    expect(JSON.parse(out).answers[0]).toMatchObject({ leads: ['市营商局'], leadSource: 'implied' });
  });
});

describe('cli ask, readable', () => {
  it('prints the lead, the source and an excerpt in Chinese', async () => {
    const { code, out } = await ask(['--plan', QINGYUAN, '庆元 减税降费 哪个单位负责']);
    expect(code).toBe(0);
    expect(out).toContain('牵头：县税务局');
    expect(out).toContain('来源：《2022年庆元县政务公开工作要点》 一、（二）');
    expect(out).toContain('减税降费');
  });

  it('says so when nothing matches', async () => {
    const { code, out } = await ask(['--plan', QINGYUAN, '今天食堂吃什么']);
    expect(code).toBe(0);
    expect(out).toContain('没有找到');
  });
});

describe('cli ask, bad input', () => {
  it('reports a missing plan file in Chinese and prints no answer', async () => {
    const { code, out, err } = await ask(['--plan', 'seeds/nope.txt', '--json', '减税降费谁牵头']);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain('找不到文件');
  });

  it('loads the plans it can: a refused file is named with its reason, the others are answered from, exit 4 says partly loaded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duban-ask-'));
    const empty = join(dir, '空文件.txt');
    writeFileSync(empty, '');
    const { code, out, err } = await ask(['--plan', empty, QINGYUAN, 'seeds/nope.txt', YOUXIAN, '--json', '减税降费谁牵头？']);
    expect(code).toBe(4);
    expect(err).toContain('空文件.txt：文件 空文件.txt 是空的');
    expect(err).toContain('seeds/nope.txt：找不到文件');
    expect(err).toContain('部分载入：2 份已载入，2 份未载入');
    const o = JSON.parse(out.trim()) as { answers: Array<{ file: string; leads: string[] }> };
    expect(o.answers[0]).toMatchObject({ file: 'qingyuan-2022-zhengwu-gongkai.txt', leads: ['县税务局'] });
  });

  it('rejects a call without a question, with usage', async () => {
    const { code, err } = await ask(['--plan', QINGYUAN]);
    expect(code).toBe(2);
    expect(err).toContain('缺少问题');
    expect(err).toContain('用法');
  });

  it('rejects an unusable unit directory, naming the line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duban-ask-'));
    const units = join(dir, 'units.yaml');
    writeFileSync(units, 'units:\n  - name: 县财政局\n  - aliases: [x]\n');
    const { code, out, err } = await ask(['--plan', QINGYUAN, '--units', units, '--json', '减税降费谁牵头']);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain('第 3 行');
  });
});
