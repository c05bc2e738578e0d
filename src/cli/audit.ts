import { resolve } from 'node:path';
import { auditCsv, auditXlsx } from '../audit/export.js';
import { createAuditLog, type AuditEntry } from '../audit/log.js';
import { type AnyRedis } from '../redis/connection.js';
import { readArgs, usageError } from './args.js';
import { chooseFormat } from './format.js';
import { writeFileAtomic, type CliIO } from './io.js';
import { connectCli } from './redis.js';

/**
 * `cli audit [--format xlsx|csv|json] [--out FILE] [--tenant T] [--limit N]`:
 * the audit log (bindings, reports, confirmations, returns, plan loads) from
 * Redis, newest first, for keeping or handing to an inspector.
 */

export const FORMATS = ['xlsx', 'csv', 'json'] as const;
const MAX_ENTRIES = 10_000;

export const AUDIT_HELP = [
  '用法 / usage: npm run -s cli -- audit [--format xlsx|csv|json] [--out 输出文件] [--tenant 租户] [--limit 条数]',
  '',
  '  导出审计日志（谁、何时：绑定、解绑、报告进展、办结、退回、载入工作要点），新的在前。',
  '  Export the audit log from Redis (REDIS_URL, else 127.0.0.1:6379), newest first.',
  '',
  '  -f, --format  xlsx（必须配合 --out）| csv | json（默认，输出到标准输出）；省略时按 --out 的扩展名推断',
  '  -o, --out     写入文件（原子写入）/ write to FILE atomically',
  '  -t, --tenant  只导出该租户（飞书 tenant_key）；默认：全部租户',
  `  -n, --limit   每个租户最多导出的条数（默认 ${MAX_ENTRIES}，最多 ${MAX_ENTRIES}）`,
  '      --prefix  Redis 键前缀，与督办运行时一致（默认 duban） / key namespace the bot writes (default duban)',
  '  -h, --help',
  '',
].join('\n');

/** Tenants with an audit stream: keys "<ns>:{audit:<tenant>}:log" on every master. */
async function auditTenants(redis: AnyRedis, ns: string): Promise<string[]> {
  const cluster = (redis as { isCluster?: boolean }).isCluster === true;
  const nodes = cluster ? (redis as import('ioredis').Cluster).nodes('master') : [redis as import('ioredis').Redis];
  const found = new Set<string>();
  const pattern = `${ns.replace(/[*?[\]\\]/g, '\\$&')}:{audit:*}:log`;
  const re = /\{audit:(.*)\}:log$/u;
  for (const node of nodes) {
    let cursor = '0';
    // Bounded: 10k SCAN rounds.
    for (let i = 0; i < 10_000; i++) {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      for (const k of keys) {
        const m = re.exec(k);
        if (m) found.add(m[1]!);
      }
      cursor = next;
      if (cursor === '0') break;
    }
  }
  return [...found].sort();
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = readArgs<{ format?: string; out?: string; tenant?: string; limit?: string; prefix?: string }>(
    argv,
    {
      format: { type: 'string', short: 'f' },
      out: { type: 'string', short: 'o' },
      tenant: { type: 'string', short: 't' },
      limit: { type: 'string', short: 'n' },
      prefix: { type: 'string' },
    },
    AUDIT_HELP,
    io,
  );
  if (typeof args === 'number') return args;
  const { values, positionals } = args;
  const usage = (m: string) => usageError(io, AUDIT_HELP, m);
  if (positionals.length > 0) return usage(`多余的参数：${positionals.join(' ')} / unexpected arguments`);
  if (values.out !== undefined && values.out.trim() === '') return usage('--out 需要一个文件名 / --out needs a file name');
  const format = chooseFormat(values.format, values.out, FORMATS, 'json');
  if (!format) return usage(`不支持的格式：${values.format}（可选 ${FORMATS.join('、')}） / unsupported format`);
  if (format === 'xlsx' && values.out === undefined) return usage('xlsx 格式必须用 --out 指定输出文件 / xlsx needs --out FILE');
  const limit = values.limit === undefined ? MAX_ENTRIES : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ENTRIES) return usage(`--limit 应为 1 到 ${MAX_ENTRIES} 的整数 / --limit must be 1..${MAX_ENTRIES}`);

  const prefix = values.prefix?.trim() || 'duban';
  const connected = await connectCli(io, { command: 'audit', why: '审计日志存在 Redis 中：请设置 REDIS_URL，或先启动督办。' });
  if (typeof connected === 'number') return connected;
  const { conns } = connected;
  try {
    const audit = createAuditLog(conns.client, { prefix, log: io.log });
    const tenants = values.tenant ? [values.tenant] : await auditTenants(conns.client, prefix);
    const entries: AuditEntry[] = [];
    for (const t of tenants) entries.push(...(await audit.recent(t, limit)));
    entries.sort((a, b) => b.at.localeCompare(a.at) || b.id.localeCompare(a.id));
    io.stderr.write(`审计日志：${entries.length} 条，${tenants.length} 个租户 / ${entries.length} entries\n`);
    const body = format === 'json' ? `${JSON.stringify({ entries }, null, 2)}\n` : format === 'csv' ? auditCsv(entries) : await auditXlsx(entries);
    if (values.out !== undefined) await writeFileAtomic(resolve(io.cwd, values.out), body);
    else io.stdout.write(body);
    return 0;
  } finally {
    await conns.close();
  }
}
