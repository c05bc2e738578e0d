import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ledger } from '../plan/schema.js';
import { PlanIndex } from '../search/index.js';
import type { Answer } from '../search/types.js';
import { UnitDirectory, UnitDirectoryError } from '../units/directory.js';
import type { CliIO } from './io.js';
import { describeFsError } from './input.js';
import { EXIT_PARTIAL, ingestFiles, reportLoad } from './plans.js';

/**
 * `cli ask --plan <files…> [--json] "<question>"` and `--questions FILE`.
 * The --json line is a contract other tools parse:
 * {"query","answers":[{"file","path","title","excerpt","leads","leadSource","co","deadlines":[{"text","date"}],"recurring":[{"text","rule"}]}]}
 */

const EXIT_OK = 0;
const EXIT_INPUT = 1;
const EXIT_USAGE = 2;

// src/cli/ask.ts, or dist/src/cli/ask.js once compiled: seeds/ is at the project root either way.
const BUNDLED_SEEDS = fileURLToPath(new URL(import.meta.url.includes('/dist/src/') ? '../../../seeds/' : '../../seeds/', import.meta.url));

export const ASK_HELP = [
  '用法 / usage: npm run -s cli -- ask [--plan 文件…] [--json] [--limit N] [--units units.yaml] "问题"',
  '              npm run -s cli -- ask [--plan 文件…] [--json] --questions 问题文件',
  '',
  '  按工作要点回答“谁牵头”“什么时候截止”“多久一次”等问题。',
  '  Answer questions from work plans.',
  '',
  '  -p, --plan       工作要点文件（可跟多个，Word/Excel/PDF/网页/文本均可；省略时用自带的 seeds/）/ plan files (default: bundled seeds)',
  '                   无法读取的文件会在标准错误中写明原因，其余照常回答，退出码 4（部分载入）',
  '  -j, --json       输出 JSON（每个问题一行）/ print one JSON object per question',
  '  -q, --questions  问题文件：每行一个问题（或含 "query" 字段的 JSON）/ one question per line',
  '  -n, --limit      最多几个答案（默认 3）/ answers per question (default 3)',
  '  -u, --units      单位目录 units.yaml / unit directory',
  '  -h, --help       显示本帮助 / show this help',
  '',
].join('\n');

interface Args {
  plans: string[];
  json: boolean;
  questionsFile?: string;
  limit: number;
  units?: string;
  help: boolean;
  question: string;
}

/** A plan argument: an existing file, or something named like one (so a missing file is reported, not asked about). */
function looksLikeFile(arg: string, cwd: string): boolean {
  if (/\.(txt|md|markdown|text|docx?|csv)$/i.test(arg) || arg.includes('/')) return true;
  try {
    return statSync(resolve(cwd, arg)).isFile();
  } catch {
    return false;
  }
}

export function parseAskArgs(argv: string[], cwd: string): Args | string {
  const a: Args = { plans: [], json: false, limit: 3, help: false, question: '' };
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('-') ? argv[++i] : undefined);
    switch (flag) {
      case '-p':
      case '--plan': {
        if (inline !== undefined) a.plans.push(...inline.split(',').filter(Boolean));
        let took = inline !== undefined;
        while (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('-') && looksLikeFile(argv[i + 1]!, cwd)) {
          a.plans.push(argv[++i]!);
          took = true;
        }
        if (!took) return '--plan 后面需要至少一个文件 / --plan needs at least one file';
        break;
      }
      case '-j':
      case '--json':
        a.json = true;
        break;
      case '-h':
      case '--help':
        a.help = true;
        break;
      case '-q':
      case '--questions': {
        const v = value();
        if (!v) return '--questions 需要一个文件名 / --questions needs a file';
        a.questionsFile = v;
        break;
      }
      case '-n':
      case '--limit': {
        const v = Number(value());
        if (!Number.isInteger(v) || v < 1 || v > 20) return '--limit 应为 1 到 20 的整数 / --limit must be 1..20';
        a.limit = v;
        break;
      }
      case '-u':
      case '--units': {
        const v = value();
        if (!v) return '--units 需要一个文件名 / --units needs a file';
        a.units = v;
        break;
      }
      default:
        if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) return `未知参数：${arg} / unknown option`;
        words.push(arg);
    }
  }
  a.question = words.join(' ').trim();
  return a;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseAskArgs(argv, io.cwd);
  if (typeof args === 'string') return usage(io, args);
  if (args.help) {
    io.stdout.write(ASK_HELP);
    return EXIT_OK;
  }
  if (!args.question && !args.questionsFile) return usage(io, '缺少问题 / no question given');
  if (args.question && args.questionsFile) return usage(io, '问题和 --questions 只能二选一 / give a question or --questions, not both');

  const plans = args.plans.length > 0 ? args.plans.map((p) => resolve(io.cwd, p)) : await bundledSeeds();
  if (plans.length === 0) return usage(io, '缺少 --plan 文件，且找不到自带的 seeds/ / no plans given and no bundled seeds');

  // One refused file is named and left out; the others are still loaded and answered from.
  const loaded = await ingestFiles(plans, io, 'cli.ask');
  reportLoad(io, loaded);
  const { documents } = loaded;
  if (documents.length === 0) return EXIT_INPUT;
  const partial = loaded.failures.length > 0;
  if (partial) io.stderr.write(`部分载入：${documents.length} 份已载入，${loaded.failures.length} 份未载入 / partly loaded\n`);

  let units = UnitDirectory.empty();
  if (args.units) {
    try {
      units = UnitDirectory.fromYaml(await readFile(resolve(io.cwd, args.units), 'utf8'));
    } catch (error) {
      const msg = error instanceof UnitDirectoryError ? error.message : describeFsError(error);
      io.log.warn({ event: 'cli.ask.units_rejected', file: args.units }, 'unit directory rejected');
      io.stderr.write(`单位目录 ${args.units} 无法使用：${msg}\n`);
      return EXIT_INPUT;
    }
  }

  let questions: string[];
  if (args.questionsFile) {
    try {
      questions = questionsFrom(await readFile(resolve(io.cwd, args.questionsFile), 'utf8'));
    } catch (error) {
      io.stderr.write(`无法读取问题文件 ${args.questionsFile}：${describeFsError(error)}\n`);
      return EXIT_INPUT;
    }
  } else questions = [args.question];

  const ledger: Ledger = { documents };
  const index = PlanIndex.build(ledger, units);
  for (const q of questions) {
    const answers = index.ask(q, args.limit);
    io.stdout.write(args.json ? `${JSON.stringify(contractJson(q, answers))}\n` : renderText(q, answers));
  }
  io.log.info({ event: 'cli.ask.done', plans: documents.length, refused: loaded.failures.length, questions: questions.length }, 'answered');
  return partial ? EXIT_PARTIAL : EXIT_OK;
}

/** Exactly the contract's fields, in the contract's order. */
export function contractJson(query: string, answers: Answer[]): unknown {
  return {
    query,
    answers: answers.map((a) => ({
      file: a.file,
      path: a.path,
      title: a.title,
      excerpt: a.excerpt,
      leads: a.leads,
      leadSource: a.leadSource,
      co: a.co,
      deadlines: a.deadlines.map((d) => ({ text: d.text, date: d.date })),
      recurring: a.recurring.map((r) => ({ text: r.text, rule: r.rule })),
    })),
  };
}

/** One question per line; a JSON line with a "query" field (like the eval files) counts as that query. Blank lines are skipped. */
export function questionsFrom(text: string): string[] {
  const out: string[] = [];
  for (const line of text.replace(/^\ufeff/, '').split(/\r?\n/)) {
    const t = line.trim();
    if (!t) continue;
    if (t.startsWith('{')) {
      try {
        const o = JSON.parse(t) as { query?: unknown };
        if (typeof o.query === 'string') {
          out.push(o.query);
          continue;
        }
      } catch {
        // Not JSON after all: a question that starts with "{".
      }
    }
    out.push(t);
  }
  return out;
}

const RULE_ZH: Record<string, string> = { weekly: '每周', monthly: '每月', quarterly: '每季度', semiannual: '每半年', annual: '每年' };

export function renderText(query: string, answers: Answer[]): string {
  const lines = [`问：${query}`];
  if (answers.length === 0) {
    lines.push('没有找到相关的任务。可以换个说法（如“减税降费谁牵头”），或用编号查询（如“三（二）1”）。', '');
    return lines.join('\n');
  }
  if (answers.length > 1) lines.push('找到以下相关任务（按相关程度排序）：');
  answers.forEach((a, i) => {
    const who =
      a.leadSource === 'explicit'
        ? `牵头：${a.leads.join('、')}`
        : a.leadSource === 'implied'
          ? `文件未明确牵头单位；据文意由 ${a.leads.join('、')} 负责（推断）`
          : '文件未明确牵头单位';
    lines.push(`${answers.length > 1 ? `${i + 1}. ` : ''}${who}`);
    if (a.co.length > 0) lines.push(`   配合：${a.co.join('、')}`);
    if (a.deadlines.length > 0) lines.push(`   时限：${a.deadlines.map((d) => `${d.text}（${d.date}）`).join('；')}`);
    if (a.recurring.length > 0) lines.push(`   周期：${a.recurring.map((r) => `${r.text}（${RULE_ZH[r.rule] ?? r.rule}）`).join('；')}`);
    lines.push(`   来源：${a.docTitle ? `《${a.docTitle}》` : a.file} ${a.path.join('')} ${a.title}`);
    lines.push(`   原文：${a.excerpt}`);
  });
  lines.push('');
  return lines.join('\n');
}

async function bundledSeeds(): Promise<string[]> {
  if (!existsSync(BUNDLED_SEEDS)) return [];
  return (await readdir(BUNDLED_SEEDS))
    .filter((f) => /\.(txt|md)$/i.test(f))
    .sort()
    .map((f) => join(BUNDLED_SEEDS, f));
}

function usage(io: CliIO, message: string): number {
  io.stderr.write(`${message}\n\n${ASK_HELP}`);
  return EXIT_USAGE;
}

