import { UnrecoverableError, Worker, type ConnectionOptions, type Job, type WorkerOptions } from 'bullmq';
import type { Logger } from 'pino';
import { fromThrown, LarkApiError } from '../src/adapters/lark/errors.js';
import { addDays, shanghaiDate, weekday } from '../src/calendar/shanghai.js';
import type { Plans } from '../src/chat/context.js';
import type { Reply } from '../src/chat/types.js';
import type { ProgressStore } from '../src/progress/types.js';
import type { BindingStore } from '../src/store/bindings.js';
import { callReply, openItems } from '../src/summary/call.js';
import { weeklyChartSpec, type VChartSpec } from '../src/summary/chart.js';
import { gatherSummary } from '../src/summary/gather.js';
import { weeklyReply } from '../src/summary/render.js';
import { unitNames } from '../src/summary/units.js';
import { deliveryUuidFor } from './delivery-queue.js';
import { PERMISSION_CODES } from './delivery-worker.js';
import { DEFAULT_PREFIX } from './reminder-queue.js';
import { WEEKLY_QUEUE, WeeklyJobData } from './weekly-queue.js';
import { nextFire, type WeeklySchedule } from './weekly-schedule.js';

/**
 * Runs a weekly job: 催报 cards to each bound unit group with open items, or
 * the summary (with its chart) to the supervisors' chat. Sends go through an
 * injected `send` with a uuid derived from (kind, tenant, week, chat), so a
 * retried job posts nothing twice. A chat the bot may not post in is flagged
 * (like reminders) and skipped; any other failure retries the job, which
 * re-sends only what did not go out (same uuids).
 */

/** Extra content a platform may attach; Lark adds `chart` as a card chart element. */
export interface SendExtras {
  chart?: VChartSpec;
}

export type WeeklySend = (chatId: string, reply: Reply, uuid: string, extras?: SendExtras) => Promise<unknown>;

export interface WeeklyWorkerDeps {
  connection: ConnectionOptions;
  plans: () => Plans;
  store: Pick<ProgressStore, 'state' | 'all'>;
  bindings: BindingStore;
  send: WeeklySend;
  /** Tenants to serve (Lark tenant_key; "local" for a console deployment). */
  tenants: () => string[] | Promise<string[]>;
  /** The supervisors' chat of a tenant (SUPERVISOR_CHAT_ID). */
  supervisorsChat: (tenant: string) => string | undefined;
  /** The summary's schedule, so 催报 cards can say by when to report. */
  summarySchedule?: WeeklySchedule;
  log: Logger;
  prefix?: string;
  now?: () => Date;
  workerOptions?: Partial<WorkerOptions>;
}

export type WeeklyOutcome =
  | { status: 'sent'; kind: 'call' | 'summary'; chats: string[]; skipped: number }
  | { status: 'stale' };

/** A job found waiting this many days after its nominal day says last week's news: dropped. */
const STALE_DAYS = 2;

const WEEKDAY = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

/** "7月4日（周五）16:00". */
function dayLabel(date: string, at: Date): string {
  const hhmm = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(11, 16);
  return `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日（${WEEKDAY[weekday(date)]}）${hhmm}`;
}

export function weeklyUuid(kind: string, tenant: string, week: string, chatId: string): string {
  return deliveryUuidFor(`weekly:${kind}:${tenant}:${week}`, chatId);
}

export function createWeeklyProcessor(deps: WeeklyWorkerDeps) {
  const log = deps.log.child({ component: 'weekly' });
  const now = deps.now ?? (() => new Date());

  return async function run(job: Job<WeeklyJobData>): Promise<WeeklyOutcome> {
    const parsed = WeeklyJobData.safeParse(job.data);
    if (!parsed.success) {
      log.error({ event: 'weekly.bad_payload', jobId: job.id, issues: parsed.error.issues.slice(0, 3) }, 'malformed weekly job');
      throw new UnrecoverableError('malformed weekly job');
    }
    const data = parsed.data;
    const at = now();
    const today = shanghaiDate(at);
    if (today > addDays(data.nominal, STALE_DAYS)) {
      log.warn({ event: 'weekly.stale', jobId: job.id, kind: data.kind, week: data.week, nominal: data.nominal }, 'weekly job ran too late; dropped');
      return { status: 'stale' };
    }

    const plans = deps.plans();
    const names = unitNames(plans);
    const sent: string[] = [];
    let skipped = 0;
    const transient: Error[] = [];

    const attempt = async (tenant: string, chatId: string, reply: Reply, uuid: string, extras?: SendExtras, unitChat = false) => {
      try {
        await deps.send(chatId, reply, uuid, extras);
        sent.push(chatId);
      } catch (thrown) {
        const e = thrown instanceof LarkApiError ? thrown : fromThrown('im.message.create', thrown);
        if (PERMISSION_CODES.has(e.code)) {
          skipped += 1;
          const flagged = unitChat ? await deps.bindings.flag(tenant, chatId, e.code, e.larkMsg || 'no permission') : false;
          log.error({ event: 'weekly.no_permission', kind: data.kind, week: data.week, tenant, chatId, code: e.code, flagged }, 'bot may not post in this chat; skipped');
          return;
        }
        log.warn({ event: 'weekly.send_failed', kind: data.kind, week: data.week, tenant, chatId, err: e, code: e.code }, 'send failed; the job will retry');
        transient.push(e);
      }
    };

    for (const tenant of await deps.tenants()) {
      const summary = await gatherSummary({
        plans,
        tenant,
        store: deps.store,
        bindings: deps.bindings,
        now: at,
      });

      if (data.kind === 'summary') {
        const chatId = deps.supervisorsChat(tenant);
        if (!chatId) {
          log.error({ event: 'weekly.no_supervisors_chat', tenant, week: data.week }, 'no supervisors chat configured (SUPERVISOR_CHAT_ID); summary not sent');
          continue;
        }
        await attempt(tenant, chatId, weeklyReply(summary), weeklyUuid('summary', tenant, data.week, chatId), { chart: weeklyChartSpec(summary) });
        continue;
      }

      const fire = deps.summarySchedule ? nextFire(deps.summarySchedule, today) : undefined;
      const summaryDay = fire ? dayLabel(fire.date, fire.at) : undefined;
      const chatsByUnit = new Map<string, string[]>();
      for (const b of await deps.bindings.list(tenant)) {
        if (b.flagged) continue;
        const unit = names.canonical(b.unit);
        chatsByUnit.set(unit, [...(chatsByUnit.get(unit) ?? []), b.chatId]);
      }
      for (const [unit, chats] of chatsByUnit) {
        const open = openItems(summary.items, unit);
        if (open.length === 0) continue;
        const reply = callReply(unit, open, { weekName: summary.week.name, ...(summaryDay ? { summaryDay } : {}) });
        for (const chatId of chats) await attempt(tenant, chatId, reply, weeklyUuid('call', tenant, data.week, chatId), undefined, true);
      }
    }

    if (transient.length > 0) throw new Error(`${transient.length} weekly send(s) failed: ${transient[0]!.message}`);
    log.info({ event: 'weekly.sent', kind: data.kind, week: data.week, via: data.via, chats: sent.length, skipped }, 'weekly messages sent');
    return { status: 'sent', kind: data.kind, chats: sent, skipped };
  };
}

export function createWeeklyWorker(deps: WeeklyWorkerDeps): Worker<WeeklyJobData, WeeklyOutcome> {
  const worker = new Worker<WeeklyJobData, WeeklyOutcome>(WEEKLY_QUEUE, createWeeklyProcessor(deps), {
    connection: deps.connection,
    ...deps.workerOptions,
    prefix: deps.prefix ?? DEFAULT_PREFIX,
    // One job at a time: the summary should see the week's 催报 round finished.
    concurrency: 1,
  });
  worker.on('error', (err) => deps.log.error({ event: 'weekly.worker_error', err: err }, 'weekly worker error'));
  return worker;
}
