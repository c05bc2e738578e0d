import { resolve } from 'node:path';
import { Ledger } from '../plan/schema.js';
import { exportCsv } from '../ledger/export/csv.js';
import { exportJson } from '../ledger/export/json.js';
import { exportMarkdown } from '../ledger/export/markdown.js';
import { exportXlsx } from '../ledger/export/xlsx.js';
import { ledgerRows } from '../ledger/rows.js';
import { writeFileAtomic, type CliIO } from './io.js';
import { chooseFormat } from './format.js';
import { readArgs, usageError } from './args.js';
import { describeFsError } from './input.js';
import { ingestFiles, reportLoad, type IngestFn } from './plans.js';

/**
 * `cli parse <files…> [--format json|csv|xlsx|md] [--out FILE]`.
 * Every file is read and parsed before anything is written: one bad document
 * means no output at all, so a script never picks up a partial ledger.
 */

export const FORMATS = ['json', 'csv', 'xlsx', 'md'] as const;
export type Format = (typeof FORMATS)[number];

/** Work plans are a few hundred KB at most; refuse to slurp anything absurd. */

const EXIT_OK = 0;
const EXIT_INPUT = 1;
const EXIT_INTERNAL = 70;

export const PARSE_HELP = [
  '用法 / usage: npm run -s cli -- parse <文件 files…> [--format json|csv|xlsx|md] [--out 输出文件]',
  '',
  '  解析工作要点文件，输出任务台账。按内容识别格式：Word（.docx/.doc）、Excel（.xlsx/.xls）、',
  '  带文字层的 PDF、网页（.html）、文本（.txt/.md，UTF-8 或 GBK/GB18030）。',
  '  任一文件无法解析时不输出任何内容（退出码 1）；可解析但需核对的地方写到标准错误。',
  '  Parse work-plan files into a task ledger.',
  '',
  '  -f, --format  json（默认，输出到标准输出）| csv | xlsx（必须配合 --out）| md',
  '                省略时按 --out 的扩展名推断 / inferred from --out when omitted',
  '  -o, --out     写入文件（全部解析成功后原子写入）/ write to FILE atomically, only if every file parsed',
  '  -h, --help    显示本帮助 / show this help',
  '',
].join('\n');

export function run(argv: string[], io: CliIO): Promise<number> {
  return runParse(argv, io);
}

/** `run` with the parser passed in, so the CLI's own behaviour can be tested apart from the parser's. */
export async function runParse(argv: string[], io: CliIO, parse?: IngestFn): Promise<number> {
  const args = readArgs<{ format?: string; out?: string }>(
    argv,
    { format: { type: 'string', short: 'f' }, out: { type: 'string', short: 'o' } },
    PARSE_HELP,
    io,
  );
  if (typeof args === 'number') return args;
  const { values, positionals: files } = args;
  if (files.length === 0) return usage(io, '缺少要解析的文件 / no input files');
  if (values.out !== undefined && values.out.trim() === '') return usage(io, '--out 需要一个文件名 / --out needs a file name');

  const format = chooseFormat(values.format, values.out, FORMATS, 'json');
  if (!format) {
    return usage(io, `不支持的格式：${values.format}（可选 ${FORMATS.join('、')}） / unsupported format`);
  }
  if (format === 'xlsx' && values.out === undefined) {
    return usage(io, 'xlsx 格式必须用 --out 指定输出文件 / xlsx needs --out FILE');
  }

  // Parse everything first; collect every failure so one run reports them all.
  let loaded;
  try {
    loaded = await ingestFiles(files, io, 'cli.parse', parse);
  } catch (error) {
    io.log.error({ event: 'cli.parse.crash', err: error }, 'parser threw');
    io.stderr.write(`解析器内部错误 / internal parser error: ${(error as Error)?.message ?? String(error)}\n`);
    return EXIT_INTERNAL;
  }
  const { documents } = loaded;
  reportLoad(io, loaded);
  if (loaded.failures.length > 0) {
    io.stderr.write(values.out !== undefined ? `未写入 ${values.out}（没有生成任何输出） / nothing written\n` : '没有生成任何输出 / no output\n');
    return EXIT_INPUT;
  }

  // The parser's output is the JSON contract other tools rely on: check it rather than print something malformed.
  const checked = Ledger.safeParse({ documents });
  if (!checked.success) {
    io.log.error({ event: 'cli.parse.contract_violation', issues: checked.error.issues.slice(0, 5) }, 'parser output breaks the ledger schema');
    io.stderr.write(`内部错误：解析结果不符合台账格式 / internal error: parser output breaks the ledger schema\n${checked.error.message}\n`);
    return EXIT_INTERNAL;
  }
  // Print the parser's objects, not zod's copy, so fields added to the parser but not yet to the schema survive.
  const ledger: Ledger = { documents };

  let output: string | Buffer;
  try {
    output = await render(ledger, format, io);
  } catch (error) {
    io.log.error({ event: 'cli.parse.render_failed', format, err: error }, 'render failed');
    io.stderr.write(`内部错误：生成 ${format} 失败 / internal error rendering ${format}: ${(error as Error).message}\n`);
    return EXIT_INTERNAL;
  }

  const rowsCount = ledger.documents.reduce((n, d) => n + d.tasks.length, 0);
  if (values.out === undefined) {
    io.stdout.write(output);
  } else {
    const target = resolve(io.cwd, values.out);
    try {
      await writeFileAtomic(target, output);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      io.log.warn({ event: 'cli.parse.write_failed', target, code }, 'cannot write output');
      io.stderr.write(`无法写入 ${values.out}：${describeFsError(error)} / cannot write output\n`);
      return EXIT_INPUT;
    }
    io.stderr.write(`已写入 ${values.out}：${ledger.documents.length} 个文件，${rowsCount} 项任务 / written\n`);
  }
  io.log.info({ event: 'cli.parse.done', files: files.length, tasks: rowsCount, format, out: values.out ?? 'stdout' }, 'parsed');
  return EXIT_OK;
}


async function render(ledger: Ledger, format: Format, io: CliIO): Promise<string | Buffer> {
  switch (format) {
    case 'json':
      return exportJson(ledger);
    case 'csv':
      return exportCsv(ledgerRows(ledger));
    case 'md':
      return exportMarkdown(ledgerRows(ledger));
    case 'xlsx':
      return exportXlsx(ledgerRows(ledger), { created: io.clock.now() });
  }
}

function usage(io: CliIO, message: string): number {
  return usageError(io, PARSE_HELP, message);
}
