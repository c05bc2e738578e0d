/**
 * The long-running side of `npm start` when Lark credentials are configured:
 * the Lark adapter, reminder planning and delivery on BullMQ, the weekly
 * rhythm, and an orderly shutdown. Kept apart from main.ts so the terminal
 * chat never loads the Lark SDK or BullMQ workers.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Plans } from './chat/context.js';
import type { Bot } from './chat/types.js';
import type { DurabilityReport, RedisConnections } from './redis/connection.js';
import { watchDataLoss } from './redis/data-loss.js';
import { openDeliveryJournal } from './store/delivery-journal.js';
import path from 'node:path';
import type { ProgressFeatures } from './progress/features.js';
import type { PlanRegistry } from './plans/registry.js';
import { createReplan } from './plans/replan.js';
import { startLark, type LarkHandle } from './adapters/lark/index.js';
import { createMessenger } from './adapters/lark/send.js';
import { createReminderQueue } from '../jobs/reminder-queue.js';
import { createDeliveryQueue } from '../jobs/delivery-queue.js';
import { createReminderWorker } from '../jobs/reminder-worker.js';
import { createDeliveryWorker, DELIVERED_TTL_SECONDS, deliveredKey } from '../jobs/delivery-worker.js';
import { enqueueDeliveries } from '../jobs/delivery-queue.js';
import { closeWithin, startInbox } from '../jobs/inbox.js';
import { startDailyReplan } from '../jobs/replan-scheduler.js';
import { planReminderJobs } from '../jobs/plan-reminders.js';
import { reminderSettings } from './reminders/config.js';
import { startWeekly } from '../jobs/weekly.js';
import { scanTenants } from '../jobs/weekly-tenants.js';
import { startHolidayWarning } from '../jobs/holiday-warning.js';
import { holidaySource } from './calendar/workdays.js';
import type { HolidayBook } from './holidays/book.js';
import { createWeeklyQueue } from '../jobs/weekly-queue.js';
import { isRateLimited } from './adapters/lark/errors.js';
import { createMetrics, instrumentBot } from './ops/metrics.js';
import { createOps } from './ops/index.js';

export interface ServiceDeps {
  config: Config;
  /** The plans now; a getter when they can be reloaded while running. */
  plans: Plans | (() => Plans);
  /** When given: reminders are re-planned after every plan load (here or on another replica), and it is closed on shutdown. */
  registry?: PlanRegistry;
  /** When given: reminders are re-planned after every holiday notice load, and the missing-notice warning runs. */
  holidays?: HolidayBook;
  bot: Bot;
  redis: { conns: RedisConnections; close(): Promise<void>; durability?: DurabilityReport };
  progress: ProgressFeatures;
  /** Filled here; the bot's features read the messenger through it. */
  lark: { handle?: LarkHandle };
  log: Logger;
}

export async function startServices(deps: ServiceDeps): Promise<void> {
  const { config, progress, log } = deps;
  const plans = typeof deps.plans === 'function' ? deps.plans : () => deps.plans as Plans;
  const lark = config.lark!;
  const { client, queue: connection } = deps.redis.conns;
  const prefix = config.redis.queuePrefix;
  if (deps.redis.durability?.aofOff && config.redis.requireAof) {
    throw new Error('Redis 没有开启 AOF 持久化（appendonly no），REDIS_REQUIRE_AOF=true 时拒绝启动。请在 redis.conf 中设置 appendonly yes / Redis has AOF off and REDIS_REQUIRE_AOF is set');
  }
  // Signals are taken from the start: a stop during start-up (Redis gone, say) still ends in bounded time.
  const shutdown = installShutdown({ log, boundMs: config.shutdownSeconds * 1000 });
  shutdown.add(90, 'redis', () => deps.redis.close());
  if (deps.registry) shutdown.add(80, 'plans', () => deps.registry!.close());
  if (deps.holidays) shutdown.add(85, 'holidays', () => deps.holidays!.close());
  shutdown.add(70, 'progress', (ms) => progress.settle(ms));

  // Queues first: the operator's endpoints (served by the webhook's port) report on them.
  const reminderQueue = createReminderQueue({ connection, prefix });
  const deliveryQueue = createDeliveryQueue({ connection, prefix });
  const weeklyQueue = createWeeklyQueue({ connection, prefix });
  const metrics = createMetrics();
  const ops = await createOps({
    config,
    metrics,
    ping: () => client.ping(),
    larkToken: async () => {
      if (!deps.lark.handle) throw new Error('Lark is not started');
      return deps.lark.handle.client.token();
    },
    queues: { reminder: reminderQueue, delivery: deliveryQueue, weekly: weeklyQueue },
    log,
  });

  const handle = await startLark({
    config: {
      appId: lark.appId,
      appSecret: lark.appSecret,
      encryptKey: lark.encryptKey,
      verificationToken: lark.verificationToken,
      domain: lark.domain,
      mode: lark.mode,
      port: config.http.port,
      webhookPath: lark.webhookPath,
      eventMaxAgeSeconds: lark.eventMaxAgeSeconds,
    },
    bot: instrumentBot(deps.bot, metrics),
    // Events are stored in Redis before Lark is acknowledged; these workers answer them.
    inbox: (run) => startInbox({ connection, redis: client, prefix, run, log }),
    log,
    routes: ops.routes,
    onApiError: (e) => {
      if (isRateLimited(e)) metrics.rateLimited(e.op);
    },
  });
  deps.lark.handle = handle;
  // First stop taking work: the webhook closes, then the inbox finishes or hands back what it runs.
  shutdown.add(10, 'lark', (ms) => handle.stop(ms));
  // ws mode has no webhook listener: health, metrics and the dashboard get PORT to themselves.
  const opsPort = handle.mode === 'ws' ? await ops.listen(config.http.port) : handle.port;
  shutdown.add(15, 'ops', () => ops.close());

  // Reminders: the delivery worker owns retries and rate limits, so its sender does not retry.
  const sender = createMessenger({ client: handle.client, log, retry: { maxAttempts: 1 } });
  const send = progress.withCardRefs((chatId, reply, uuid: string) => sender.sendToChat(chatId, reply, uuid));
  const reminderWorker = createReminderWorker({
    connection,
    deliveryQueue,
    redis: client,
    bindings: progress.bindings,
    supervisorsChat: () => config.roles.supervisorChatId,
    isDone: progress.isDone,
    log,
    prefix,
  });
  const journal = openDeliveryJournal(path.join(config.dataDir, `deliveries-${prefix.replace(/[^A-Za-z0-9_-]+/g, '_')}.log`), DELIVERED_TTL_SECONDS * 1000);
  const deliveryWorker = createDeliveryWorker({
    connection,
    redis: client,
    send,
    journal,
    bindings: progress.bindings,
    supervisorsChat: () => config.roles.supervisorChatId,
    log,
    prefix,
  });
  deliveryWorker.on('completed', () => metrics.reminderSent());
  deliveryWorker.on('failed', (job) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) metrics.reminderFailed();
  });
  shutdown.add(40, 'workers', (ms) => Promise.all([closeWithin(reminderWorker, ms, log), closeWithin(deliveryWorker, ms, log)]));
  shutdown.add(50, 'queues', () => Promise.all([reminderQueue.close(), deliveryQueue.close(), weeklyQueue.close()]));

  // A tenant is known once one of its chats binds or reports; plan for each, now and every hour,
  // so a new binding starts receiving reminders within the hour. Syncs are idempotent.
  const reminderConfig = reminderSettings(config.reminders);
  // Reads the plans at call time, so a reload (/导入, the CLI, another replica) moves or removes jobs.
  const planOnce = createReplan({
    plans,
    tenants: () => scanTenants(client),
    sync: (input) => planReminderJobs(input, { queue: reminderQueue, redis: client, log, prefix }),
    config: reminderConfig,
    log,
  });
  const replan = async () => {
    const r = await planOnce();
    metrics.remindersPlanned(r.added + r.changed);
    return r;
  };
  await replan().catch((e: unknown) => log.error({ event: 'reminders_plan_failed', err: e }, 'reminder planning failed'));
  const replanner = await startDailyReplan({ connection, prefix, pattern: '7 * * * *', run: async () => void (await replan()), log });
  shutdown.add(30, 'replan', () => replanner.close());
  deps.registry?.onReload(() => replan());
  await deps.registry?.listen();
  deps.holidays?.onChange(() => replan());
  await deps.holidays?.listen();
  const holidayWarning = await startHolidayWarning({
    connection,
    prefix,
    source: holidaySource,
    supervisorsChat: () => config.roles.supervisorChatId,
    send: (chatId, reply, uuid) => handle.messenger.sendToChat(chatId, reply, uuid),
    log,
  });
  shutdown.add(25, 'holiday-warning', () => holidayWarning.stop());

  /** A notice to the supervisors' chat through the delivery queue (rate-limited, once per `ref`). */
  const tellSupervisors = async (ref: string, title: string, text: string) => {
    const sup = config.roles.supervisorChatId;
    if (!sup) return;
    const uuid = `dub-sys-${createHash('sha256').update(ref).digest('hex').slice(0, 32)}`;
    await enqueueDeliveries(deliveryQueue, client, [{ data: { v: 1, tenant: 'system', chatId: sup, ref, uuid, reply: { title, tone: 'red', blocks: [{ kind: 'text', text }] } } }], prefix).catch(
      (e: unknown) => log.error({ event: 'supervisor_notice_failed', ref, err: e }, 'could not tell the supervisors'),
    );
  };
  if (deps.redis.durability?.aofOff) {
    await tellSupervisors(
      `redis-aof-off:${new Date().toISOString().slice(0, 10)}`,
      'Redis 未开启 AOF 持久化',
      'Redis 的 AOF 持久化已关闭（appendonly no）。Redis 一旦崩溃，最近写入的提醒、送达记录和进展报告可能丢失。请在 redis.conf 中设置 appendonly yes 并重启 Redis；在此之前督办会在发现数据丢失后立即重新核对提醒，并用本机送达记录避免重复发送。',
    );
  }
  // Redis lost writes while we run (AOF off and a crash): restore what we delivered, then re-plan now.
  const watch = await watchDataLoss({
    redis: client,
    key: `${prefix}:alive`,
    log,
    onLoss: async () => {
      const uuids = journal.entries();
      for (let i = 0; i < uuids.length; i += 1000) {
        const pipe = client.pipeline();
        for (const u of uuids.slice(i, i + 1000)) pipe.set(deliveredKey(prefix, u), 'restored', 'EX', DELIVERED_TTL_SECONDS, 'NX');
        await pipe.exec();
      }
      const summary = await replan();
      log.warn({ event: 'reconciled_after_data_loss', restoredDeliveries: uuids.length, ...summary }, 'reconciled after Redis data loss');
      await tellSupervisors(
        `redis-data-lost:${Date.now()}`,
        'Redis 数据丢失，已重新核对',
        `Redis 丢失了最近的数据（可能是未开启 AOF 时崩溃重启）。督办已立即重新核对提醒（${summary.tenants} 个租户，补回 ${summary.added} 条），已送达的 ${uuids.length} 条消息不会重复发送。请检查 Redis 的持久化设置。`,
      );
    },
  });
  shutdown.add(5, 'watch', async () => watch.stop());

  const weekly = await startWeekly({
    redis: { queue: connection },
    config,
    plans,
    store: progress.store,
    bindings: progress.bindings,
    send: progress.withCardRefs((chatId, reply, uuid: string, extras?: Parameters<typeof handle.messenger.sendToChat>[3]) =>
      handle.messenger.sendToChat(chatId, reply, uuid, extras),
    ),
    tenants: () => scanTenants(client),
    log,
  });
  shutdown.add(20, 'weekly', () => weekly.stop());

  log.info({ event: 'started', mode: handle.mode, port: opsPort }, `督办 listening (${handle.mode})`);

}

type Step = { order: number; name: string; run: (remainingMs: number) => Promise<unknown> };

export interface Shutdown {
  /** Add a step; steps run by `order`, lowest first. */
  add(order: number, name: string, run: (remainingMs: number) => Promise<unknown>): void;
}

/**
 * SIGTERM/SIGINT: run the steps in order, each within what is left of the
 * bound, and exit. Whatever hangs (Redis gone mid-shutdown) is abandoned at
 * the bound: jobs still held are handed back by their locks lapsing. Signals
 * after the first are ignored (npm and the process group both deliver one).
 */
export function installShutdown(opts: { log: Logger; boundMs: number }): Shutdown {
  const { log } = opts;
  const steps: Step[] = [];
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      log.info({ event: 'stopping_again', signal }, 'already shutting down');
      return;
    }
    stopping = true;
    const started = Date.now();
    const deadline = started + opts.boundMs;
    log.info({ event: 'stopping', signal, boundMs: opts.boundMs }, 'shutting down');
    const hard = setTimeout(() => {
      log.error({ event: 'stop_timeout', boundMs: opts.boundMs }, 'shutdown bound reached; exiting now');
      process.exit(1);
    }, opts.boundMs + 500);
    hard.unref();
    for (const { name, run } of [...steps].sort((a, b) => a.order - b.order)) {
      // Later steps keep a share of the time: no step may take all of what is left.
      const left = Math.max(100, deadline - Date.now() - 250);
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        run(Math.round(left * 0.8)).then(
          () => 'ok' as const,
          (e: unknown) => {
            log.error({ event: 'stop_failed', step: name, err: e }, 'shutdown step failed');
            return 'failed' as const;
          },
        ),
        new Promise<'timeout'>((r) => {
          timer = setTimeout(() => r('timeout'), left);
        }),
      ]);
      clearTimeout(timer);
      if (outcome === 'timeout') log.warn({ event: 'stop_step_timeout', step: name, ms: left }, 'shutdown step did not finish in time; moving on');
    }
    log.info({ event: 'stopped', ms: Date.now() - started }, 'stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  return {
    add(order, name, run) {
      steps.push({ order, name, run });
    },
  };
}
