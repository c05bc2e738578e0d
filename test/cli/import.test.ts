import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIO } from '../../src/cli/io.js';
import { run } from '../../src/cli/import.js';
import { main } from '../../src/cli.js';
import { createAuditLog } from '../../src/audit/log.js';
import { silentLogger } from '../../src/log.js';
import { createPlanLibrary } from '../../src/plans/library.js';
import { createPlanRegistry } from '../../src/plans/registry.js';
import { UnitDirectory } from '../../src/units/directory.js';
import { waitFor } from '../jobs/helpers.js';
import { GARBLED, PLAN_NAME, PLAN_V1, PLAN_V2 } from '../plans/fixtures.js';
import { useTestRedis } from '../support/redis.js';

/** `cli import` against real Redis, with a running registry listening as a bot would. */

const t = useTestRedis('cli-import');
const log = silentLogger('debug');
let dir: string;

function io(env: Record<string, string> = {}) {
  return memoryIO({ cwd: dir, env: { PLAN_FILES: 'none/*.txt', REDIS_URL: t.url, ...env } });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'duban-cli-import-'));
  await writeFile(join(dir, PLAN_NAME), PLAN_V1);
  await writeFile(join(dir, 'garbled.txt'), GARBLED);
  await writeFile(join(dir, '要点.docx'), 'PK');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('cli import', () => {
  it('is listed by the dispatcher', async () => {
    const o = io();
    expect(await main(['--help'], o)).toBe(0);
    expect(o.out()).toMatch(/import\s+把工作要点文件导入计划库/u);
  });

  it('puts a plan into the library; a running bot picks it up at once, and the import is audited', async () => {
    const prefix = `${t.prefix}:run`;
    const registry = createPlanRegistry({ bundled: [], units: UnitDirectory.empty(), library: createPlanLibrary(t.redis, { prefix, log }), log });
    await registry.load();
    await registry.listen();
    try {
      const o = io();
      expect(await run([PLAN_NAME, '--prefix', prefix], o)).toBe(0);
      expect(o.err()).toContain(`已导入 ${PLAN_NAME}：2025年青禾县数字政府建设工作要点，4 项任务（明确牵头 3 项、明确时限 3 项）`);
      await waitFor('the running registry to load it', () => registry.current().ledger.documents.some((d) => d.file === PLAN_NAME) || undefined, 5000);
      const [entry] = await createAuditLog(t.redis, { prefix, log }).recent('local');
      expect(entry).toMatchObject({ action: 'plan-load', by: 'cli', subject: PLAN_NAME, detail: { tasks: '4', replaced: 'none' } });

      // The same name again replaces it, and the running bot follows.
      await writeFile(join(dir, PLAN_NAME), PLAN_V2);
      const again = io();
      expect(await run([PLAN_NAME, '--prefix', prefix], again)).toBe(0);
      expect(again.err()).toContain('替换了此前导入的同名文件');
      await waitFor('the revision', () => registry.current().ledger.documents.some((d) => d.tasks.some((x) => x.title === '建设智慧农机调度平台')) || undefined, 5000);

      const list = io();
      expect(await run(['--list', '--prefix', prefix], list)).toBe(0);
      expect(list.out()).toMatch(new RegExp(`^${PLAN_NAME}\\t${Buffer.byteLength(PLAN_V2)} 字节\\t`, 'u'));

      const removed = io();
      expect(await run(['--remove', PLAN_NAME, '--prefix', prefix], removed)).toBe(0);
      await waitFor('the removal', () => registry.current().ledger.documents.length === 0 || undefined, 5000);
      expect(await run(['--remove', PLAN_NAME, '--prefix', prefix], io())).toBe(1);
    } finally {
      await registry.close();
      await writeFile(join(dir, PLAN_NAME), PLAN_V1);
    }
  });

  it('refuses garbled and non-text files with the parser’s message and stores nothing of them', async () => {
    const prefix = `${t.prefix}:bad`;
    const o = io();
    expect(await run(['garbled.txt', '要点.docx', 'missing.txt', '--prefix', prefix], o)).toBe(1);
    // Read by content, whatever the names say: a broken zip package, and two bytes of text.
    expect(o.err()).toContain('文件 garbled.txt 的压缩结构已损坏，无法读取');
    expect(o.err()).toContain('文件 要点.docx 中没有找到编号的任务条目');
    expect(o.err()).toContain('missing.txt：找不到文件或目录');
    expect(await createPlanLibrary(t.redis, { prefix, log }).list()).toEqual([]);
    // Good files alongside bad ones still go in; the exit code (4) says not all did.
    expect(await run([PLAN_NAME, 'garbled.txt', '--prefix', prefix], io())).toBe(4);
    expect((await createPlanLibrary(t.redis, { prefix, log }).info()).map((e) => e.name)).toEqual([PLAN_NAME]);
  });

  it('says what is wrong without Redis or without files', async () => {
    const o = io({ REDIS_URL: 'redis://127.0.0.1:1' });
    expect(await run([PLAN_NAME], o)).toBe(3);
    expect(o.err()).toContain('无法连接 Redis');
    const none = io();
    expect(await run([], none)).toBe(2);
    expect(none.err()).toContain('请给出要导入的文件');
  });
});
