import { resolve } from 'node:path';
import { ConfigError, expandPlanFiles, } from '../config.js';
import { exportCsv } from '../ledger/export/csv.js';
import { exportMarkdown } from '../ledger/export/markdown.js';
import { exportXlsx } from '../ledger/export/xlsx.js';
import type { DocumentRows } from '../ledger/rows.js';
import { loadServedPlans } from '../plans/served.js';
import { createProgressStore } from '../progress/store.js';
import { gatherSummary } from '../summary/gather.js';
import { liveLedgerRows } from '../summary/ledger.js';
import { unitNames } from '../summary/units.js';
import { scanTenants } from '../../jobs/weekly-tenants.js';
import { writeFileAtomic, type CliIO } from './io.js';
import { connectCli } from './redis.js';
import { readArgs, usageError } from './args.js';
import { chooseFormat } from './format.js';

/**
 * `cli ledger [--format xlsx|csv|md|json] [--out FILE] [--tenant T] [--unit U]`:
 * the live ledger (台账 with 状态 / 最新进展 / 更新时间) from the plans in
 * PLAN_FILES and the progress log in Redis (REDIS_URL, else 127.0.0.1:6379),
 * the same rows /台账 sends.
 */

export const FORMATS = ['xlsx', 'csv', 'md', 'json'] as const;
type Format = (typeof FORMATS)[number];

const EXIT_OK = 0;
const EXIT_INPUT = 1;
const EXIT_USAGE = 2;

/** Progress keys' namespace, as the bot writes them (createProgressStore's default). */
const STORE_PREFIX = 'duban';

export const LEDGER_HELP = [
  '用法 / usage: npm run -s cli -- ledger [--format xlsx|csv|md|json] [--out 输出文件] [--tenant 租户] [--unit 单位]',
  '',
  '  导出实时台账：PLAN_FILES 中的工作要点 + Redis 中的进展记录（状态、最新进展、更新时间）。',
  '  Export the live ledger: plans from PLAN_FILES, progress from Redis (REDIS_URL, else 127.0.0.1:6379).',
  '',
  '  -f, --format  xlsx（必须配合 --out）| csv | md（默认，输出到标准输出）| json；省略时按 --out 的扩展名推断',
  '  -o, --out     写入文件（原子写入）/ write to FILE atomically',
  '  -t, --tenant  租户（飞书 tenant_key）；默认：Redis 中唯一的租户，没有进展记录时为 local',
  '  -u, --unit    只导出该单位牵头的事项 / only rows this unit leads',
  '      --prefix  Redis 键前缀，与督办运行时一致（默认 duban） / key namespace the bot writes (default duban)',
  '  -h, --help',
  '',
].join('\n');

function usage(io: CliIO, message: string): number {
  return usageError(io, LEDGER_HELP, message);
}


export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = readArgs<{ format?: string; out?: string; tenant?: string; unit?: string; prefix?: string }>(
    argv,
    {
      format: { type: 'string', short: 'f' },
      out: { type: 'string', short: 'o' },
      tenant: { type: 'string', short: 't' },
      unit: { type: 'string', short: 'u' },
      prefix: { type: 'string' },
    },
    LEDGER_HELP,
    io,
  );
  if (typeof args === 'number') return args;
  const { values, positionals } = args;
  if (positionals.length > 0) return usage(io, `多余的参数：${positionals.join(' ')} / unexpected arguments`);
  if (values.out !== undefined && values.out.trim() === '') return usage(io, '--out 需要一个文件名 / --out needs a file name');
  const format = chooseFormat(values.format, values.out, FORMATS, 'md');
  if (!format) return usage(io, `不支持的格式：${values.format}（可选 ${FORMATS.join('、')}） / unsupported format`);
  if (format === 'xlsx' && values.out === undefined) return usage(io, 'xlsx 格式必须用 --out 指定输出文件 / xlsx needs --out FILE');

  const prefix = values.prefix?.trim() || STORE_PREFIX;
  const connected = await connectCli(io, {
    command: 'ledger',
    why:
      '实时台账需要读取进展记录：请先启动督办（npm start 会自动寻找或启动 Redis），或设置 REDIS_URL。' +
      '只需要计划台账（不含进展）时可用：npm run -s cli -- parse <文件> --format xlsx --out 台账.xlsx',
  });
  if (typeof connected === 'number') return connected;
  const { config, conns } = connected;
  try {
    let files: string[];
    try {
      files = await expandPlanFiles(config.plans.files, io.cwd);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      io.stderr.write(`${e.message}\n`);
      return EXIT_USAGE;
    }
    // What the bot serves: PLAN_FILES overlaid with plans imported through /导入 or `cli import`.
    const { plans, rejected } = await loadServedPlans({
      files,
      unitsFile: resolve(io.cwd, config.plans.unitsFile),
      redis: conns.client,
      prefix,
      log: io.log,
    });
    for (const r of rejected) io.stderr.write(`未导入 / skipped: ${r.reason}\n`);
    if (plans.ledger.documents.length === 0) {
      io.stderr.write(`没有可用的工作要点（PLAN_FILES=${config.plans.files.join(',')}），请检查文件路径。 / no plans loaded\n`);
      return EXIT_INPUT;
    }

    let unit: string | undefined;
    if (values.unit !== undefined) {
      const names = unitNames(plans);
      const r = names.lookup(values.unit);
      if (!r.unit) {
        const hint = r.suggestions.length > 0 ? `，您要找的是不是：${r.suggestions.join('、')}` : '';
        io.stderr.write(`没有找到单位“${values.unit}”${hint} / unknown unit\n`);
        return EXIT_INPUT;
      }
      unit = names.canonical(r.unit.name);
    }
    let tenant = values.tenant;
    if (tenant === undefined) {
      const found = await scanTenants(conns.client, prefix, ['progress']);
      if (found.length > 1) {
        io.stderr.write(`Redis 中有多个租户的进展记录：${found.join('、')}。请用 --tenant 指定其一。 / several tenants, pick one with --tenant\n`);
        return EXIT_USAGE;
      }
      tenant = found[0] ?? 'local';
    }
    const store = createProgressStore(conns.client, { prefix, log: io.log });
    const now = io.clock.now();
    const summary = await gatherSummary({ plans, tenant, store, now });
    const docs = liveLedgerRows(plans.ledger, summary, { canonical: unitNames(plans).canonical, ...(unit ? { unit } : {}) });
    const rows = docs.reduce((n, d) => n + d.rows.length, 0);
    const reported = [...summary.items].filter((it) => it.updatedAt).length;

    const output = await render(docs, format, { tenant, at: now });
    if (values.out === undefined) {
      io.stdout.write(output);
    } else {
      const path = resolve(io.cwd, values.out);
      try {
        await writeFileAtomic(path, output);
      } catch (error) {
        io.stderr.write(`无法写入 ${values.out}：${(error as Error).message} / cannot write output\n`);
        return EXIT_INPUT;
      }
      io.stderr.write(`已写入 ${values.out}：${docs.length} 份文件、${rows} 行，${reported} 项有进展记录（租户 ${tenant}） / written\n`);
    }
    io.log.info({ event: 'cli.ledger.done', tenant, rows, reported, format, out: values.out ?? 'stdout' }, 'ledger exported');
    return EXIT_OK;
  } finally {
    await conns.close();
  }
}

async function render(docs: DocumentRows[], format: Format, meta: { tenant: string; at: Date }): Promise<string | Buffer> {
  switch (format) {
    case 'xlsx':
      return exportXlsx(docs, { created: meta.at });
    case 'csv':
      return exportCsv(docs);
    case 'md':
      return exportMarkdown(docs);
    case 'json':
      return `${JSON.stringify({ tenant: meta.tenant, at: meta.at.toISOString(), documents: docs }, null, 2)}\n`;
  }
}
