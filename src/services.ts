/**
 * The long-running side of `npm start` when Lark credentials are configured:
 * the Lark adapter, reminder planning and delivery on BullMQ, the weekly
 * rhythm, and an orderly shutdown. Kept apart from main.ts so the terminal
 * chat never loads the Lark SDK or BullMQ workers.
 */
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Plans } from './chat/context.js';
import type { Bot } from './chat/types.js';
import type { RedisConnections } from './redis/connection.js';
import type { ProgressFeatures } from './progress/features.js';
import type { PlanRegistry } from './plans/registry.js';
import { createReplan } from './plans/replan.js';
import { startLark, type LarkHandle } from './adapters/lark/index.js';
import { createMessenger } from './adapters/lark/send.js';
import { createReminderQueue } from '../jobs/reminder-queue.js';
import { createDeliveryQueue } from '../jobs/delivery-queue.js';
import { createReminderWorker } from '../jobs/reminder-worker.js';
import { createDeliveryWorker } from '../jobs/delivery-worker.js';
import { startDailyReplan } from '../jobs/replan-scheduler.js';
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
  redis: { conns: RedisConnections; close(): Promise<void> };
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
    redis: client,
    log,
    onCardAction: (e) => {
      metrics.eventIn('card');
      return progress.onCardAction(e);
    },
    routes: ops.routes,
    onApiError: (e) => {
      if (isRateLimited(e)) metrics.rateLimited(e.op);
    },
  });
  deps.lark.handle = handle;
  // ws mode has no webhook listener: health, metrics and the dashboard get PORT to themselves.
  const opsPort = handle.mode === 'ws' ? await ops.listen(config.http.port) : handle.port;

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
  const deliveryWorker = createDeliveryWorker({ connection, redis: client, send, bindings: progress.bindings, log, prefix });
  deliveryWorker.on('completed', () => metrics.reminderSent());
  deliveryWorker.on('failed', (job) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) metrics.reminderFailed();
  });

  // A tenant is known once one of its chats binds or reports; plan for each, now and every hour,
  // so a new binding starts receiving reminders within the hour. Syncs are idempotent.
  const reminderConfig = reminderSettings(config.reminders);
  // Reads the plans at call time, so a reload (/导入, the CLI, another replica) moves or removes jobs.
  const planOnce = createReplan({ plans, tenants: () => scanTenants(client), queue: reminderQueue, redis: client, prefix, config: reminderConfig, log });
  const replan = async () => {
    const r = await planOnce();
    metrics.remindersPlanned(r.added + r.changed);
    return r;
  };
  await replan().catch((e: unknown) => log.error({ event: 'reminders_plan_failed', err: e }, 'reminder planning failed'));
  const replanner = await startDailyReplan({ connection, prefix, pattern: '7 * * * *', run: async () => void (await replan()), log });
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

  log.info({ event: 'started', mode: handle.mode, port: opsPort }, `督办 listening (${handle.mode})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ event: 'stopping', signal }, 'shutting down');
    const step = (name: string, f: () => Promise<unknown>) => f().catch((e: unknown) => log.error({ event: 'stop_failed', step: name, err: e }));
    await step('lark', () => handle.stop());
    await step('ops', () => ops.close());
    await step('weekly', () => weekly.stop());
    await step('holiday-warning', () => holidayWarning.stop());
    await step('replan', () => replanner.close());
    // Graceful close: a forced close can leave a job active until the stalled check frees it.
    await step('workers', () => Promise.all([reminderWorker.close(), deliveryWorker.close()]));
    await step('queues', () => Promise.all([reminderQueue.close(), deliveryQueue.close(), weeklyQueue.close()]));
    await step('progress', () => progress.settle());
    if (deps.registry) await step('plans', () => deps.registry!.close());
    if (deps.holidays) await step('holidays', () => deps.holidays!.close());
    await step('redis', () => deps.redis.close());
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
