import { staticNotices, type HolidayNotice } from '../calendar/notice.js';
import { setNoticeProvider, yearHolidays } from '../calendar/workdays.js';
import { ConfigError, loadConfig } from '../config.js';
import { createHolidayBook } from '../holidays/book.js';
import { readNoticeSet } from '../holidays/files.js';
import { SOURCE_LABEL, ranges } from '../holidays/replies.js';
import { createHolidayStore } from '../holidays/store.js';
import type { CliIO } from './io.js';
import { connectCli } from './redis.js';
import { EXIT, readArgs, usageError } from './args.js';

/**
 * `cli holidays`: read a State Council holiday notice the way the bot does
 * (`--notice FILE…`), show a year's days off with their source (`--year`),
 * and store notices for the running bots (`--notice FILE… --save`).
 */

export const HOLIDAYS_HELP = [
  '用法 / usage: npm run -s cli -- holidays --notice <文件…> [--json] [--save] | --year <年份> [--notice <文件…>] [--json]',
  '',
  '  读取国务院办公厅《关于20XX年部分节假日安排的通知》，列出每个放假日和调休上班日；',
  '  或列出某年的节假日安排及来源（官方内置 official > 已导入通知 notice > 法定假日估算 estimate）。',
  '  Read a State Council holiday notice; or show a year\'s days off and where they come from.',
  '',
  '  --notice  通知文本文件（可多个；延长假期等补充通知放在原通知之后）',
  '  --year    年份：按 --notice、HOLIDAY_NOTICE_FILES 和 --save 存入的通知列出该年安排',
  '  --json    输出 JSON：{"year":2027,"off":[…],"work":[…]}（--year 时另有 "source"）',
  '  --save    存入 Redis（REDIS_URL，默认 127.0.0.1:6379）：运行中的督办立即采用并重新安排提醒',
  '  --prefix  Redis 键前缀（默认 duban）',
  '  -h, --help',
  '',
].join('\n');

async function settingNotices(io: CliIO): Promise<HolidayNotice[] | string> {
  let files: string[];
  try {
    files = loadConfig(io.env).holidays.noticeFiles;
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  const r = await readNoticeSet(files, io.cwd);
  return typeof r === 'string' ? `HOLIDAY_NOTICE_FILES：${r}` : r.notices;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = readArgs<{ notice?: string[]; year?: string; json?: boolean; save?: boolean; prefix?: string }>(
    argv,
    {
      notice: { type: 'string', multiple: true },
      year: { type: 'string' },
      json: { type: 'boolean' },
      save: { type: 'boolean' },
      prefix: { type: 'string' },
    },
    HOLIDAYS_HELP,
    io,
  );
  if (typeof args === 'number') return args;
  const { values, positionals } = args;
  // `--notice a.txt b.txt`: parseArgs gives the first to --notice, the rest as positionals.
  const paths = [...(values.notice ?? []), ...positionals];
  if (values.year === undefined && paths.length === 0) return usageError(io, HOLIDAYS_HELP, '请给出 --notice 文件或 --year 年份 / nothing to do');
  if (values.year !== undefined && !/^\d{4}$/u.test(values.year)) return usageError(io, HOLIDAYS_HELP, `--year 应为四位年份，收到“${values.year}”`);
  if (values.save && values.year !== undefined) return usageError(io, HOLIDAYS_HELP, '--save 与 --year 不能同时使用');

  const read = await readNoticeSet(paths, io.cwd);
  if (typeof read === 'string') {
    io.stderr.write(`未能读取通知 / refused: ${read}。未作任何更改。\n`);
    io.log.warn({ event: 'cli.holidays.refused', reason: read }, 'notice refused');
    return EXIT.input;
  }

  if (values.year !== undefined) {
    const year = Number(values.year);
    if (year < 1901 || year > 2099) return usageError(io, HOLIDAYS_HELP, `--year 超出可处理的范围（1901–2099）：${year}`);
    const setting = await settingNotices(io);
    if (typeof setting === 'string') {
      io.stderr.write(`${setting}\n`);
      return EXIT.input;
    }
    const stored = await storedNotices(io, values.prefix);
    // Precedence among notices: --notice files, then stored imports, then the setting.
    setNoticeProvider(staticNotices([...setting, ...stored, ...read.notices]));
    const h = yearHolidays(year);
    setNoticeProvider(undefined);
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ year, source: h.source, off: h.off.map((e) => e.date), work: h.work.map((e) => e.date) })}\n`);
    } else {
      io.stdout.write(`${year} 年节假日安排 — 来源：${SOURCE_LABEL[h.source]}\n`);
      io.stdout.write(`放假（${h.off.length} 天）：${ranges(h.off.map((e) => e.date), year).join('、') || '无'}\n`);
      io.stdout.write(`调休上班（${h.work.length} 天）：${ranges(h.work.map((e) => e.date), year).join('、') || '无'}\n`);
    }
    return EXIT.ok;
  }

  for (const n of read.notices) {
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ year: n.year, off: n.off, work: n.work })}\n`);
    } else {
      io.stdout.write(`${n.year} 年节假日安排（读自通知）：放假 ${n.off.length} 天，调休上班 ${n.work.length} 天\n`);
      for (const s of n.sections) {
        io.stdout.write(`  ${s.names.join('、')}：放假 ${ranges(s.off, n.year).join('、')}${s.work.length ? `；上班 ${ranges(s.work, n.year).join('、')}` : ''}\n`);
      }
    }
  }
  if (values.save) return save(io, read.texts, values.prefix);
  return EXIT.ok;
}

async function connect(io: CliIO, quiet: boolean) {
  const connected = await connectCli(io, { command: 'holidays', why: '请先启动督办，或设置 REDIS_URL。', quiet });
  return typeof connected === 'number' ? undefined : connected.conns;
}

/** Notices imported into Redis, when Redis answers (the CLI works without it). */
async function storedNotices(io: CliIO, prefix: string | undefined): Promise<HolidayNotice[]> {
  if (!io.env.REDIS_URL && !io.env.REDIS_SENTINELS && !io.env.REDIS_CLUSTER_NODES) return [];
  const conns = await connect(io, true).catch(() => undefined);
  if (!conns) return [];
  try {
    const book = createHolidayBook({ store: createHolidayStore(conns.client, { prefix: prefix?.trim() || 'duban', log: io.log }), log: io.log });
    await book.load();
    return book.years().map((y) => book.noticeOf(y)!);
  } finally {
    await conns.close();
  }
}

async function save(io: CliIO, texts: string[], prefix: string | undefined): Promise<number> {
  let conns;
  try {
    conns = await connect(io, false);
  } catch (e) {
    if (e instanceof ConfigError) {
      io.stderr.write(`${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  if (!conns) return EXIT.unavailable;
  try {
    const book = createHolidayBook({ store: createHolidayStore(conns.client, { prefix: prefix?.trim() || 'duban', log: io.log, now: () => io.clock.now() }), log: io.log, now: () => io.clock.now() });
    await book.load();
    for (const text of texts) {
      const r = await book.importText(text, { by: 'cli' });
      if (!r.ok) {
        io.stderr.write(`未保存 / refused: ${r.reason}\n`);
        return EXIT.input;
      }
      io.stderr.write(`已保存 ${r.notice.year} 年节假日安排；运行中的督办会立即采用并重新安排提醒。 / saved\n`);
    }
    return EXIT.ok;
  } finally {
    await conns.close();
  }
}
