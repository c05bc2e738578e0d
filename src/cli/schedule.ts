import { basename, extname, resolve } from 'node:path';
import { formatShanghai, isCalendarDate, weekday } from '../calendar/shanghai.js';
import { staticNotices } from '../calendar/notice.js';
import { onUncoveredYear, resetUncoveredWarnings, setNoticeProvider } from '../calendar/workdays.js';
import { readNoticeSet } from '../holidays/files.js';
import { PlanError } from '../plan/errors.js';
import { parseDocument } from '../plan/parse.js';
import { Ledger, type PlanDocument } from '../plan/schema.js';
import { reminderConfigFromEnv } from '../reminders/config.js';
import { oneMessageEach, planDocument, planStart, sortReminders, standingRules } from '../reminders/plan.js';
import type { Reminder } from '../reminders/types.js';
import type { CliIO } from './io.js';
import { readArgs, usageError } from './args.js';
import { readInput } from './input.js';

/**
 * `cli schedule --plan <files…> [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]`:
 * the reminder calendar the bot would run for these plans, computed without
 * Redis. Each document is planned as if loaded on --from (default: its issue
 * date, so the whole plan year shows) up to --to (default: 31 December of its
 * plan year). Files are work plans (parsed) or ledger JSON from `cli parse`.
 */

const EXIT_OK = 0;
const EXIT_INPUT = 1;
const EXIT_USAGE = 2;


export const SCHEDULE_HELP = [
  '用法 / usage: npm run -s cli -- schedule --plan <文件 files…> [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]',
  '',
  '  列出提醒计划（不连接 Redis）：提前 7/3/1 天、到期当日、逾期催办、通报，以及周期性任务。',
  '  Show the reminder calendar the bot would run, without Redis.',
  '',
  '  --plan   工作要点文件（.txt 等）或 `cli parse` 输出的台账 JSON，可多个',
  '  --from   起始日期，默认各文件的印发日期 / default: each document\'s issue date',
  '  --to     截止日期，默认该计划年度的 12 月 31 日 / default: 31 Dec of the plan year',
  '  --json   输出 JSON：{"reminders":[{taskId,file,path,unit,dueDate,kind,fireAt,also?}]}（also：同一条消息里一并提醒的其他时限）',
  '  --holidays  国务院节假日安排通知文件（可多个），按其放假和调休安排提醒；',
  '           没有官方安排也没有通知的年份按法定节假日估算 / holiday notices to plan with',
  '  -h, --help',
  '',
  '  提醒时间与提前天数取自 REMINDER_TIME、REMINDER_OFFSETS_DAYS、ESCALATE_AFTER_WORKDAYS。',
  '',
].join('\n');

type ParseFn = (input: Uint8Array, file: string) => PlanDocument | Promise<PlanDocument>;

export function run(argv: string[], io: CliIO): Promise<number> {
  return runSchedule(argv, io, parseDocument);
}


export async function runSchedule(argv: string[], io: CliIO, parse: ParseFn): Promise<number> {
  const args = readArgs<{ plan?: string[]; from?: string; to?: string; json?: boolean; holidays?: string[] }>(
    argv,
    {
      plan: { type: 'string', multiple: true },
      holidays: { type: 'string', multiple: true },
      from: { type: 'string' },
      to: { type: 'string' },
      json: { type: 'boolean' },
    },
    SCHEDULE_HELP,
    io,
  );
  if (typeof args === 'number') return args;
  const { values, positionals } = args;
  // `--plan a.txt b.txt`: parseArgs gives the first to --plan, the rest as positionals.
  const files = [...(values.plan ?? []), ...positionals];
  if (files.length === 0) return usage(io, '缺少 --plan 文件 / no plan files');
  for (const [flag, v] of [['--from', values.from], ['--to', values.to]] as const) {
    if (v !== undefined && !isCalendarDate(v)) return usage(io, `${flag} 应为有效日期 YYYY-MM-DD，收到“${v}” / bad date`);
  }
  if (values.from && values.to && values.from > values.to) {
    return usage(io, `--from（${values.from}）晚于 --to（${values.to}） / --from is after --to`);
  }

  const config = reminderConfigFromEnv(io.env);
  if (typeof config === 'string') {
    io.stderr.write(`提醒配置有误：${config} / bad reminder settings\n`);
    return EXIT_USAGE;
  }

  const holidays = await readNoticeSet(values.holidays ?? [], io.cwd);
  if (typeof holidays === 'string') {
    io.stderr.write(`节假日通知未能读取 / holiday notice refused: ${holidays}\n没有生成任何输出 / no output\n`);
    return EXIT_INPUT;
  }

  const documents: PlanDocument[] = [];
  const failures: string[] = [];
  for (const file of files) {
    const result = await loadOne(file, io, parse);
    if (typeof result === 'string') failures.push(`${file}：${result}`);
    else documents.push(...result);
  }
  if (failures.length > 0) {
    for (const f of failures) io.stderr.write(`读取失败 / failed: ${f}\n`);
    io.stderr.write('没有生成任何输出 / no output\n');
    return EXIT_INPUT;
  }

  // Years with neither an official schedule nor a notice: say so once, on stderr (stdout may be JSON).
  const uncovered = new Set<number>();
  resetUncoveredWarnings();
  setNoticeProvider(staticNotices(holidays.notices));
  onUncoveredYear((year) => {
    uncovered.add(year);
    io.log.warn({ event: 'calendar.uncovered_year', year }, 'no holiday schedule or notice for year; statutory estimate');
  });

  const planned: Reminder[] = [];
  const windows: Array<{ file: string; from: string; to: string }> = [];
  for (const doc of documents) {
    const from = values.from ?? planStart(doc);
    const to = values.to ?? `${doc.year}-12-31`;
    windows.push({ file: doc.file, from, to });
    if (from > to) continue;
    planned.push(...planDocument(doc, { today: from, until: to, config }));
  }
  // As the bot sends them: duties of one task due to one chat at the same minute are one message.
  const reminders = sortReminders(oneMessageEach(planned));
  setNoticeProvider(undefined);
  for (const y of [...uncovered].sort()) {
    io.stderr.write(`注意：${y} 年没有国务院节假日安排（程序内置或 --holidays 给出），提醒按法定节假日估算、不含调休，待国务院通知 / ${y}: statutory estimate\n`);
  }

  if (values.json) {
    const out = {
      reminders: reminders.map((r) => ({
        taskId: r.taskId,
        file: r.file,
        path: r.path,
        unit: r.unit,
        dueDate: r.dueDate,
        kind: r.kind,
        fireAt: formatShanghai(r.fireAt),
        ...(r.also ? { also: r.also.map((a) => ({ dueDate: a.dueDate, kind: a.kind })) } : {}),
      })),
    };
    io.stdout.write(`${JSON.stringify(out)}\n`);
  } else {
    io.stdout.write(renderCalendar(reminders, windows, standingRules({ documents })));
  }
  io.log.info({ event: 'cli.schedule.done', files: files.length, reminders: reminders.length }, 'schedule printed');
  return EXIT_OK;
}

function usage(io: CliIO, message: string): number {
  return usageError(io, SCHEDULE_HELP, message);
}

/** Documents from one file: a ledger JSON (`cli parse` output) or a plan to parse; else the Chinese reason. */
async function loadOne(file: string, io: CliIO, parse: ParseFn): Promise<PlanDocument[] | string> {
  const path = resolve(io.cwd, file);
  const bytes = await readInput(file, io, 'cli.schedule.read_failed');
  if (typeof bytes === 'string') return bytes;
  if (extname(path).toLowerCase() === '.json') {
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch (error) {
      return `不是有效的 JSON：${(error as Error).message} / invalid JSON`;
    }
    const ledger = Ledger.safeParse(json);
    if (!ledger.success) {
      io.log.warn({ event: 'cli.schedule.bad_ledger', file, issues: ledger.error.issues.slice(0, 3) }, 'not a ledger');
      return `不是台账 JSON（应为 cli parse 的输出）：${ledger.error.issues[0]?.message ?? ''} / not a ledger`;
    }
    return ledger.data.documents;
  }
  try {
    return [await parse(bytes, basename(file))];
  } catch (error) {
    if (error instanceof PlanError) {
      io.log.warn({ event: 'cli.schedule.rejected', file, code: error.code }, 'document rejected');
      return error.message;
    }
    io.log.error({ event: 'cli.schedule.parser_crash', file, err: error }, 'parser threw');
    return `解析器内部错误 / internal parser error: ${(error as Error)?.message ?? String(error)}`;
  }
}

const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

const RULE_LABEL: Record<string, string> = {
  weekly: '每周',
  monthly: '每月',
  quarterly: '每季度',
  semiannual: '每半年',
  annual: '每年',
};

export function kindLabel(r: Reminder): string {
  switch (r.kind) {
    case 'before-7':
    case 'before-3':
    case 'before-1':
      return `提前${r.offsetDays}天`;
    case 'due':
      return '到期提醒';
    case 'overdue':
      return r.repeat === 0 ? '逾期催办' : `逾期催办（第${r.repeat + 1}次）`;
    case 'escalate':
      return r.repeat === 0 ? '逾期通报' : `逾期通报（第${r.repeat + 1}次）`;
    case 'recurring': {
      const rule = r.rule ? RULE_LABEL[r.rule] : '周期';
      return r.offsetDays ? `${rule}任务·提前${r.offsetDays}天` : `${rule}任务·到期`;
    }
  }
}

function md(date: string): string {
  return `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}

function renderCalendar(
  reminders: Reminder[],
  windows: Array<{ file: string; from: string; to: string }>,
  standing: ReturnType<typeof standingRules>,
): string {
  const lines: string[] = [];
  lines.push(`提醒日历：共 ${reminders.length} 条`);
  for (const w of windows) lines.push(`  ${w.file}：${w.from} 至 ${w.to}`);
  lines.push('');
  let current = '';
  for (const r of reminders) {
    if (r.fireDate !== current) {
      current = r.fireDate;
      lines.push(`${current} ${WEEKDAYS[weekday(current)]}`);
    }
    const time = formatShanghai(r.fireAt).slice(11, 16);
    const to =
      r.kind === 'escalate'
        ? `督办群：通报 ${r.unit} 逾期`
        : r.target.kind === 'unit'
          ? r.unit
          : `督办群（${r.unit}）`;
    let limit = `时限：${[r, ...(r.also ?? [])].map((d) => `${d.deadlineText}（${md(d.dueDate)}）`).join('、')}`;
    if (r.movedFrom && (r.kind === 'due' || r.offsetDays === 0)) limit += `，${md(r.movedFrom)}为非工作日，提前提醒`;
    const task = `${r.path.join('')} ${r.title}`.trim();
    lines.push(`  ${time}  ${kindLabel(r)}  → ${to}`);
    lines.push(`         ${task}  ${limit}  〔${r.file}〕`);
  }
  if (reminders.length === 0) lines.push('（此期间没有提醒）');
  if (standing.length > 0) {
    lines.push('', '常设时限（以事件起算，不排期）：');
    for (const s of standing) lines.push(`  - ${s.path.join('')} ${s.title}：${s.text}  〔${s.file}〕`);
  }
  lines.push('');
  return lines.join('\n');
}

