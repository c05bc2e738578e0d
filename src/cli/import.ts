import { userInfo } from 'node:os';
import { basename } from 'node:path';
import { createAuditLog } from '../audit/log.js';
import { expandPlanFiles, } from '../config.js';
import type { PlanDocument } from '../plan/schema.js';
import { planFigures } from '../plans/diff.js';
import { createPlanLibrary, libraryName, LibraryInputError } from '../plans/library.js';
import { scanTenants } from '../../jobs/weekly-tenants.js';
import type { CliIO } from './io.js';
import { connectCli } from './redis.js';
import { readArgs, usageError } from './args.js';
import { EXIT_PARTIAL, ingestFiles, reportLoad } from './plans.js';

/**
 * `cli import <files…>`: put plan files into the library in Redis (the same
 * one /导入 writes), so a running bot reloads them at once (pub/sub) and the
 * next start serves them. A file with the same name as a bundled or earlier
 * imported plan replaces it. Every file is parsed first: one the parser
 * refuses is reported with its message and not stored.
 *
 * `--list` shows the imported files; `--remove <name>` removes one.
 */

const EXIT_OK = 0;
const EXIT_INPUT = 1;

export const IMPORT_HELP = [
  '用法 / usage: npm run -s cli -- import <文件…> | --list | --remove <文件名>',
  '',
  '  把工作要点文件（Word、Excel、带文字的 PDF、网页或 .txt/.md，按内容识别）导入 Redis 中的计划库：运行中的督办立即重新载入，重启后仍然有效；',
  '  与已载入文件同名时替换旧版（提醒随之重新安排）。解析失败的文件不会导入。',
  '  Put plan files into the library in Redis (REDIS_URL, else 127.0.0.1:6379); running bots reload them.',
  '',
  '  -l, --list            列出已导入的文件 / list imported files',
  '  -r, --remove <名称>   删除一份导入的文件 / remove an imported file',
  '      --prefix          Redis 键前缀，与督办运行时一致（默认 duban） / key namespace (default duban)',
  '  -h, --help',
  '',
].join('\n');

function usage(io: CliIO, message: string): number {
  return usageError(io, IMPORT_HELP, message);
}

interface Checked {
  name: string;
  data: Uint8Array;
  doc: PlanDocument;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = readArgs<{ list?: boolean; remove?: string; prefix?: string }>(
    argv,
    {
      list: { type: 'boolean', short: 'l' },
      remove: { type: 'string', short: 'r' },
      prefix: { type: 'string' },
    },
    IMPORT_HELP,
    io,
  );
  if (typeof args === 'number') return args;
  const { values, positionals } = args;
  const modes = [positionals.length > 0, values.list === true, values.remove !== undefined].filter(Boolean).length;
  if (modes === 0) return usage(io, '请给出要导入的文件 / no files given');
  if (modes > 1) return usage(io, '导入、--list、--remove 一次只能用一种 / use one of: files, --list, --remove');

  // Parse before touching Redis: a bad file is reported even where Redis is down.
  const checked: Checked[] = [];
  const named: string[] = [];
  let refused = 0;
  for (const file of positionals) {
    try {
      libraryName(basename(file));
      named.push(file);
    } catch (e) {
      if (!(e instanceof LibraryInputError)) throw e;
      refused += 1;
      io.stderr.write(`未导入 / refused: ${file}：${e.message}\n`);
    }
  }
  const loaded = await ingestFiles(named, io, 'cli.import');
  reportLoad(io, loaded);
  refused += loaded.failures.length;
  for (const f of loaded.failures) io.log.warn({ event: 'cli.import.refused', file: basename(f.file), reason: f.reason }, 'plan refused');
  loaded.documents.forEach((doc, i) => checked.push({ name: libraryName(doc.file), data: loaded.bytes[i]!, doc }));
  if (positionals.length > 0 && checked.length === 0) return EXIT_INPUT;

  const prefix = values.prefix?.trim() || 'duban';
  const connected = await connectCli(io, { command: 'import', why: '导入的文件保存在 Redis 中：请先启动督办（npm start 会自动寻找或启动 Redis），或设置 REDIS_URL。' });
  if (typeof connected === 'number') return connected;
  const { config, conns } = connected;
  try {
    const library = createPlanLibrary(conns.client, { prefix, log: io.log, now: () => io.clock.now() });

    if (values.list) {
      const entries = await library.info();
      if (entries.length === 0) io.stdout.write('还没有导入的文件。 / nothing imported\n');
      for (const e of entries) io.stdout.write(`${e.name}\t${e.bytes} 字节\t${e.at}\t${e.byName ?? e.by}\n`);
      return EXIT_OK;
    }

    const who = cliUser();
    const audit = createAuditLog(conns.client, { prefix, log: io.log, now: () => io.clock.now() });
    const found = await scanTenants(conns.client, prefix);
    const tenants = found.length ? found : ['local'];

    if (values.remove !== undefined) {
      let name: string;
      try {
        name = libraryName(values.remove);
      } catch (e) {
        if (e instanceof LibraryInputError) return usage(io, `文件名不能使用：${e.message}`);
        throw e;
      }
      if (!(await library.remove(name))) {
        io.stderr.write(`没有导入过名为“${name}”的文件，未作更改。 / not imported\n`);
        return EXIT_INPUT;
      }
      for (const tenant of tenants) await audit.record({ tenant, action: 'plan-load', by: 'cli', byName: who, subject: name, detail: { change: 'removed' } });
      io.stderr.write(`已删除导入的文件 ${name}；运行中的督办会重新载入。 / removed\n`);
      return EXIT_OK;
    }

    const before = new Set((await library.info()).map((e) => e.name));
    const bundled = new Set((await expandPlanFiles(config.plans.files, io.cwd).catch(() => [])).map((f) => basename(f)));
    for (const c of checked) {
      const f = planFigures(c.doc);
      await library.put(c.name, c.data, 'cli', { byName: who });
      const replaced = before.has(c.name) ? 'imported' : bundled.has(c.name) ? 'bundled' : 'none';
      for (const tenant of tenants) {
        await audit.record({ tenant, action: 'plan-load', by: 'cli', byName: who, subject: c.name, detail: { tasks: String(f.tasks), title: c.doc.title, replaced } });
      }
      const note = replaced === 'imported' ? '；替换了此前导入的同名文件' : replaced === 'bundled' ? '；替换了随程序载入的同名文件' : '';
      io.stderr.write(`已导入 ${c.name}：${c.doc.title}，${f.tasks} 项任务（明确牵头 ${f.withLeads} 项、明确时限 ${f.withDeadlines} 项）${note} / imported\n`);
      io.log.info({ event: 'cli.import.done', file: c.name, tasks: f.tasks, replaced }, 'plan imported');
    }
    io.stderr.write('运行中的督办会立即重新载入并重新安排提醒；下次启动时也会载入。\n');
    return refused > 0 ? EXIT_PARTIAL : EXIT_OK;
  } finally {
    await conns.close();
  }
}

function cliUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'cli';
  }
}
