import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { memoryIO, writeFileAtomic } from '../../src/cli/io.js';
import { runParse } from '../../src/cli/parse.js';
import { PlanError } from '../../src/plan/errors.js';
import { Ledger, type PlanDocument } from '../../src/plan/schema.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const seedDir = join(repo, 'seeds');
const seeds = readdirSync(seedDir)
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .map((f) => join(seedDir, f));
const fixtureLedger = Ledger.parse(JSON.parse(readFileSync(join(repo, 'test/fixtures/ledger/county-plan.json'), 'utf8')));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'duban-cli-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function io() {
  return memoryIO({ cwd: dir, clock: { now: () => new Date('2024-04-01T02:00:00Z') } });
}

/** The real CLI, as users run it. */
async function cli(...argv: string[]) {
  const m = io();
  const code = await main(argv, m);
  return { code, out: m.out(), err: m.err(), bytes: m.outBytes(), logs: m.log.lines };
}

function write(name: string, data: string | Uint8Array): string {
  writeFileSync(join(dir, name), data);
  return name;
}

function listDir(): string[] {
  return readdirSync(dir).sort();
}

/**
 * Stand-in parser for the CLI's own behaviour (ordering, atomic output):
 * files whose text is "ok" parse to the hand-made ledger, anything else is a
 * task-less document, as the real parser reports it.
 */
async function fakeParse(input: Uint8Array, file: string): Promise<{ document: PlanDocument; notes: string[] }> {
  if (Buffer.from(input).toString('utf8').trim() === 'ok') return { document: { ...fixtureLedger.documents[0]!, file }, notes: [] };
  throw new PlanError('no-tasks', `文件 ${file} 中没有找到编号的任务条目`, file);
}

async function fakeCli(...argv: string[]) {
  const m = io();
  const code = await runParse(argv, m, fakeParse);
  return { code, out: m.out(), err: m.err(), bytes: m.outBytes() };
}

describe('cli parse: bad input is refused whole, with a message naming the file', () => {
  // [case, make the file, a word the explanation must contain]
  const badInputs: Array<[string, () => string, string]> = [
    ['a missing file', () => 'missing.txt', '找不到'],
    ['an empty file', () => write('empty.txt', ''), '空'],
    ['a binary file', () => write('blob.txt', Buffer.concat([Buffer.from([0x00, 0x01, 0x02, 0x03, 0, 0, 0, 0x0d]), randomBytes(2048)])), '二进制'],
    ['a picture named .txt', () => write('scan.txt', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(2048)])), '图片'],
    ['a document without numbered tasks', () => write('prose.txt', '关于做好有关工作的通知\n\n请各单位认真贯彻落实，切实抓好工作。\n'), '没有找到'],
  ];

  for (const [label, make, why] of badInputs) {
    it(`rejects ${label}: non-zero exit, Chinese message on stderr, no output file`, async () => {
      const file = make();
      const r = await cli('parse', file, '--format', 'csv', '--out', 'ledger.csv');
      expect(r.code).not.toBe(0);
      expect(r.err).toContain(file);
      expect(r.err).toContain(why);
      expect(r.logs.some((l) => l.file === file && ['cli.parse.read_failed', 'cli.parse.rejected'].includes(String(l.event)))).toBe(true);
      expect(r.out).toBe('');
      expect(listDir()).not.toContain('ledger.csv');
      expect(listDir().filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });
  }

  it('prints nothing on stdout for json when any file fails', async () => {
    const r = await cli('parse', 'missing.txt', '--format', 'json');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('找不到文件');
  });

  it('rejects a directory given as a file', async () => {
    mkdirSync(join(dir, 'plans'));
    const r = await cli('parse', 'plans');
    expect(r.code).toBe(1);
    expect(r.err).toContain('目录');
  });

  it('reports every failing file, and leaves an existing --out file untouched when a later file fails', async () => {
    write('good.txt', 'ok');
    write('bad.txt', 'not a plan');
    write('ledger.csv', 'previous ledger');
    const r = await fakeCli('good.txt', 'bad.txt', 'missing.txt', '--format', 'csv', '--out', 'ledger.csv');
    expect(r.code).toBe(1);
    expect(r.err).toContain('bad.txt');
    expect(r.err).toContain('missing.txt');
    expect(r.err).not.toContain('good.txt');
    expect(readFileSync(join(dir, 'ledger.csv'), 'utf8')).toBe('previous ledger');
    expect(listDir()).toEqual(['bad.txt', 'good.txt', 'ledger.csv']);
  });
});

describe('cli parse: usage errors exit 2 and print help', () => {
  it('needs --out for xlsx, so binary never goes to a terminal', async () => {
    write('good.txt', 'ok');
    const r = await fakeCli('good.txt', '--format', 'xlsx');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('--out');
  });

  it('rejects an unknown format, an unknown option and a call without files', async () => {
    expect((await cli('parse', 'x.txt', '--format', 'pdf')).code).toBe(2);
    expect((await cli('parse', 'x.txt', '--bogus')).code).toBe(2);
    const none = await cli('parse');
    expect(none.code).toBe(2);
    expect(none.err).toContain('用法');
  });

  it('fails clearly when the --out directory does not exist', async () => {
    write('good.txt', 'ok');
    const r = await fakeCli('good.txt', '--format', 'md', '--out', 'no/such/dir/ledger.md');
    expect(r.code).toBe(1);
    expect(r.err).toContain('无法写入');
  });
});

describe('cli parse: output (CLI behaviour, stand-in parser)', () => {
  it('prints the {"documents":[…]} contract on stdout, file named by base name', async () => {
    mkdirSync(join(dir, 'in'));
    write('in/plan.txt', 'ok');
    const r = await fakeCli('in/plan.txt');
    expect(r.code).toBe(0);
    const ledger = Ledger.parse(JSON.parse(r.out));
    expect(ledger.documents.map((d) => d.file)).toEqual(['plan.txt']);
    expect(ledger.documents[0]!.tasks[0]!.path).toEqual(['一、', '（一）']);
  });

  it('writes csv, md and xlsx to --out with nothing on stdout and no temp files left', async () => {
    write('plan.txt', 'ok');
    for (const [format, name] of [['csv', 'l.csv'], ['md', 'l.md'], ['xlsx', 'l.xlsx']] as const) {
      const r = await fakeCli('plan.txt', '--format', format, '--out', name);
      expect(r.code).toBe(0);
      expect(r.out).toBe('');
      expect(r.err).toContain(`已写入 ${name}`);
    }
    expect(listDir()).toEqual(['l.csv', 'l.md', 'l.xlsx', 'plan.txt']);
    expect(readFileSync(join(dir, 'l.csv'), 'utf8').startsWith('\uFEFF序号,任务')).toBe(true);
    expect(readFileSync(join(dir, 'l.md'), 'utf8')).toContain('| 序号 | 任务 |');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(dir, 'l.xlsx'));
    expect(wb.worksheets[0]!.getRow(1).getCell(1).value).toBe('序号');
  });

  it('takes the format from the --out extension when --format is omitted', async () => {
    write('plan.txt', 'ok');
    expect((await fakeCli('plan.txt', '--out', 'l.xlsx')).code).toBe(0);
    expect(readFileSync(join(dir, 'l.xlsx')).subarray(0, 2).toString()).toBe('PK');
  });
});

describe('writeFileAtomic', () => {
  it('replaces the whole file', async () => {
    write('t.txt', 'old content that is longer');
    await writeFileAtomic(join(dir, 't.txt'), 'new');
    expect(readFileSync(join(dir, 't.txt'), 'utf8')).toBe('new');
    expect(listDir()).toEqual(['t.txt']);
  });

  it('leaves no temp file and no change when the final rename fails', async () => {
    mkdirSync(join(dir, 'target'));
    writeFileSync(join(dir, 'target', 'keep'), 'x');
    await expect(writeFileAtomic(join(dir, 'target'), 'data')).rejects.toThrow();
    expect(listDir()).toEqual(['target']);
    expect(readdirSync(join(dir, 'target'))).toEqual(['keep']);
  });
});

describe('cli dispatcher', () => {
  it('lists every subcommand with Chinese and English help', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    for (const name of ['parse', 'ask', 'schedule', 'ledger']) expect(r.out).toMatch(new RegExp(`^  ${name} +\\S*[\\u4e00-\\u9fff].* / [a-z]`, 'mu'));
  });

  it('rejects an unknown subcommand and a bare call with exit 2', async () => {
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli()).code).toBe(2);
  });

  it('says clearly when a subcommand module does not exist, and runs one that does', async () => {
    const mods = join(dir, 'mods');
    mkdirSync(mods);
    writeFileSync(join(mods, 'ask.js'), 'export async function run(argv, io) { io.stdout.write("ask:" + argv.join(",")); return 5; }\n');
    const moduleDir = pathToFileURL(`${mods}/`);

    const missing = io();
    expect(await main(['schedule'], missing, { moduleDir })).toBe(3);
    expect(missing.err()).toContain('schedule');
    expect(missing.err()).toContain('尚未提供');

    const present = io();
    expect(await main(['ask', '谁牵头', '--json'], present, { moduleDir })).toBe(5);
    expect(present.out()).toBe('ask:谁牵头,--json');
  });

  it('surfaces a broken subcommand (missing dependency) as an error, not as "not available"', async () => {
    const mods = join(dir, 'mods');
    mkdirSync(mods);
    writeFileSync(join(mods, 'ledger.js'), 'import "./nowhere.js";\nexport async function run() { return 0; }\n');
    await expect(main(['ledger'], io(), { moduleDir: pathToFileURL(`${mods}/`) })).rejects.toThrow(/nowhere/u);
  });
});

/*
 * Success path on the bundled seeds through the real parser. These fail while
 * src/plan/parse.ts is still the stub and pass once the real parser lands.
 */
describe('cli parse on the bundled seeds (real parser)', () => {
  it('npm run -s cli -- parse seeds/*.txt --format json prints one document per seed with numbered tasks', () => {
    const r = spawnSync('npm', ['run', '-s', 'cli', '--', 'parse', ...seeds, '--format', 'json'], {
      cwd: repo,
      encoding: 'utf8',
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    // stderr only says what to check (items without units…); nothing is refused.
    expect(r.stderr.replace(/^npm (?:warn|notice).*\n/gmu, '').replace(/^请核对 \/ check: .*\n/gmu, '')).toBe('');
    expect(r.status).toBe(0);
    const parsed = JSON.parse(r.stdout) as { documents: Array<Record<string, unknown>> };
    expect(Object.keys(parsed)).toEqual(['documents']);
    const ledger = Ledger.parse(parsed);
    expect(ledger.documents.map((d) => d.file)).toEqual(seeds.map((s) => s.split('/').at(-1)));
    for (const doc of ledger.documents) {
      expect(doc.tasks.length).toBeGreaterThan(0);
      for (const task of doc.tasks) {
        expect(task.path.length).toBeGreaterThan(0);
        expect(task.path.every((p) => typeof p === 'string' && p.length > 0)).toBe(true);
        expect(task.id).not.toBe('');
      }
      expect(new Set(doc.tasks.map((t) => t.id)).size).toBe(doc.tasks.length);
    }
  });

  it('writes an xlsx with one sheet per seed and at least one row per task', async () => {
    const r = await cli('parse', ...seeds, '--format', 'xlsx', '--out', 'seeds.xlsx');
    expect(r.err).toContain('已写入');
    expect(r.code).toBe(0);
    const json = await cli('parse', ...seeds);
    const ledger = Ledger.parse(JSON.parse(json.out));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(dir, 'seeds.xlsx'));
    expect(wb.worksheets).toHaveLength(seeds.length);
    wb.worksheets.forEach((sheet, i) => {
      expect(sheet.getRow(1).getCell(3).value).toBe('牵头单位');
      expect(sheet.rowCount - 1).toBeGreaterThanOrEqual(ledger.documents[i]!.tasks.length);
    });
  });

  it('writes csv and markdown for the seeds', async () => {
    expect((await cli('parse', ...seeds, '--format', 'csv', '--out', 'seeds.csv')).code).toBe(0);
    const md = await cli('parse', ...seeds, '--format', 'md');
    expect(md.code).toBe(0);
    expect(md.out.match(/^## /gmu)).toHaveLength(seeds.length);
    expect(readFileSync(join(dir, 'seeds.csv'), 'utf8').split('\r\n').length).toBeGreaterThan(seeds.length);
  });
});
