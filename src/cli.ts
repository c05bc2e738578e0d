import { realpathSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { processIO, type CliIO } from './cli/io.js';
import { nodeVersionProblem } from './node-version.js';

/**
 * `cli <subcommand> …`: a thin dispatcher. Each subcommand lives in
 * src/cli/<name>.ts and exports `run(argv, io): Promise<number>`; modules are
 * imported only when asked for, so a missing or broken one cannot stop the
 * others from working.
 */

export type SubcommandRun = (argv: string[], io: CliIO) => Promise<number>;

export const SUBCOMMANDS = {
  parse: '解析工作要点，输出任务台账（json/csv/xlsx/md） / parse work plans into a task ledger',
  ask: '按台账回答问题，如“减税降费谁牵头？” / answer a question from the ledger',
  schedule: '列出由截止时间生成的提醒计划 / show the reminder plan derived from deadlines',
  ledger: '查看或导出实时台账（含进展） / show or export the live ledger with progress',
  import: '把工作要点文件导入计划库，运行中的督办立即载入 / import plan files into the library in Redis',
  holidays: '读取国务院节假日安排通知，查看某年放假和调休及来源 / read a holiday notice, show a year\'s days off',
  audit: '导出审计日志（xlsx/csv/json） / export the audit log',
} as const;

export type SubcommandName = keyof typeof SUBCOMMANDS;

export const EXIT = { ok: 0, failure: 1, usage: 2, unavailable: 3 } as const;

export function helpText(): string {
  const width = Math.max(...Object.keys(SUBCOMMANDS).map((k) => k.length));
  const lines = Object.entries(SUBCOMMANDS).map(([name, help]) => `  ${name.padEnd(width)}  ${help}`);
  return [
    '督办命令行 / duban CLI',
    '',
    '用法 / usage: npm run -s cli -- <子命令 subcommand> [参数 args…]',
    '',
    '子命令 / subcommands:',
    ...lines,
    '',
    '查看子命令帮助 / subcommand help: npm run -s cli -- <subcommand> --help',
    '',
  ].join('\n');
}

function isSubcommand(name: string): name is SubcommandName {
  return Object.hasOwn(SUBCOMMANDS, name);
}

/** Load src/cli/<name>.ts; undefined when the file does not exist (yet). */
async function loadSubcommand(name: SubcommandName, moduleDir: URL): Promise<SubcommandRun | undefined> {
  // Built from a URL, not a literal, so typechecking does not require modules other people have yet to write.
  const url = new URL(`${name}.js`, moduleDir);
  let mod: { run?: unknown };
  try {
    mod = (await import(url.href)) as { run?: unknown };
  } catch (error) {
    if (isMissing(error, url)) return undefined;
    throw error;
  }
  if (typeof mod.run !== 'function') throw new Error(`${fileURLToPath(url)} does not export run(argv, io)`);
  return mod.run as SubcommandRun;
}

/** Only the subcommand's own file being absent counts as "not available"; a missing dependency inside it is a bug to surface. */
function isMissing(error: unknown, url: URL): boolean {
  const e = error as { code?: string; message?: string; url?: string };
  if (e?.code !== 'ERR_MODULE_NOT_FOUND') return false;
  const path = fileURLToPath(url);
  const wanted = new Set([url.href, path, path.replace(/\.js$/u, '.ts')]);
  if (e.url !== undefined) return wanted.has(e.url);
  const missing = /Cannot find module '([^']+)'/u.exec(e.message ?? '')?.[1];
  return missing !== undefined && wanted.has(missing);
}

const MODULE_DIR = new URL('./cli/', import.meta.url);

export interface MainOptions {
  /** Where subcommand modules live (a directory URL ending in "/"); tests point it elsewhere. */
  moduleDir?: URL;
}

export async function main(argv: string[], io: CliIO, options: MainOptions = {}): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first.startsWith('-')) {
    // Only global flags may come before the subcommand.
    let help = false;
    try {
      help = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' } }, strict: true }).values.help === true;
    } catch (error) {
      io.stderr.write(`${(error as Error).message}\n\n${helpText()}`);
      return EXIT.usage;
    }
    if (help) {
      io.stdout.write(helpText());
      return EXIT.ok;
    }
    io.stderr.write(`缺少子命令 / missing subcommand\n\n${helpText()}`);
    return EXIT.usage;
  }
  if (!isSubcommand(first)) {
    io.stderr.write(`未知子命令：${first} / unknown subcommand\n\n${helpText()}`);
    return EXIT.usage;
  }
  const run = await loadSubcommand(first, options.moduleDir ?? MODULE_DIR);
  if (!run) {
    io.stderr.write(`子命令 ${first} 尚未提供（缺少 src/cli/${first}.ts） / subcommand "${first}" is not available yet\n`);
    io.log.warn({ event: 'cli.subcommand_missing', subcommand: first }, 'subcommand module missing');
    return EXIT.unavailable;
  }
  return run(rest, io);
}

function invokedDirectly(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

const tooOld = invokedDirectly() ? nodeVersionProblem() : undefined;
if (tooOld) {
  process.stderr.write(`${tooOld}\n`);
  process.exitCode = 1;
} else if (invokedDirectly()) {
  const io = processIO();
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      io.log.error({ event: 'cli.crash', err: error }, 'unhandled error');
      io.stderr.write(`内部错误 / internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 70;
    },
  );
}
