import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job, type WorkerOptions } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { CODE_FREQUENCY_LIMIT, fromThrown, isRateLimited } from '../src/adapters/lark/errors.js';
import type { Reply } from '../src/chat/types.js';
import type { BindingStore } from '../src/store/bindings.js';
import type { DeliveryJournal } from '../src/store/delivery-journal.js';
import { DELIVERY_QUEUE, DeliveryJobData, deliveryOrder, enqueueDeliveries } from './delivery-queue.js';
import { createSlotLimiter, type Limit } from './rate-limit.js';
import { DEFAULT_PREFIX } from './reminder-queue.js';

/**
 * Sends queued messages through an injected `send` (in production
 * LarkMessenger.sendToChat, built with its own retries off so this worker
 * owns them). Stays under Lark's limits with slot reservations shared by all
 * replicas; waits out 429s (x-ogw-ratelimit-reset, else backoff with jitter)
 * and short runs of server errors in-process behind an app-wide block, so
 * every worker pauses together and resumes together the moment Lark answers
 * again; longer outages go back to BullMQ with a backoff capped at seconds.
 * Never retries permission or parameter errors (a permission error also flags
 * the chat's binding); a delivery that finally fails is reported to the
 * supervisors' chat. A chat's messages leave one at a time, in enqueue order
 * (chat-order.ts), without a worker slot ever waiting for another message.
 * Every delivery is recorded in Redis (`delivered:<uuid>`, kept longer than
 * any reminder horizon), so a reconcile that queues it again sends nothing.
 */

export type SendFn = (chatId: string, reply: Reply, uuid: string) => Promise<unknown>;

export interface DeliveryLimits {
  perSecond: number;
  perMinute: number;
  perChatPerSecond: number;
  /** Added to every window (not scaled): requests leave at the reserved instant but arrive with jitter. */
  marginMs: number;
  /**
   * Multiplies every window (and the margin): 0.1 means "50 per 100 ms". Only
   * for benchmarks against a fake server enforcing proportionally scaled limits.
   */
  windowScale: number;
}

export const LARK_LIMITS: DeliveryLimits = { perSecond: 50, perMinute: 1000, perChatPerSecond: 5, marginMs: 50, windowScale: 1 };

export interface DeliveryWorkerDeps {
  connection: ConnectionOptions;
  /** Plain client for the limiter keys. */
  redis: Redis | Cluster;
  send: SendFn;
  bindings?: BindingStore;
  log: Logger;
  prefix?: string;
  limits?: Partial<DeliveryLimits>;
  concurrency?: number;
  /** Extra BullMQ worker options (tests shorten lockDuration/stalledInterval). */
  workerOptions?: Partial<WorkerOptions>;
  /** Rate-limit waits per attempt before handing the job back to BullMQ. */
  maxRateLimitWaits?: number;
  /** Server errors waited out in-process per attempt before the job goes back to BullMQ. */
  maxServerErrorWaits?: number;
  /** How long a parked message sleeps before checking its turn on its own (promotion normally wakes it). */
  parkMs?: number;
  /** This process's local record of deliveries (survives a Redis that lost its data). */
  journal?: DeliveryJournal;
  /** Where a delivery that finally failed is reported (the supervisors' chat), per tenant. */
  supervisorsChat?: (tenant: string) => string | undefined;
  sleep?: (ms: number) => Promise<void>;
}

/** How long a delivery record is kept: longer than any reminder horizon (a plan year and its 催办 ladder). */
export const DELIVERED_TTL_SECONDS = 400 * 24 * 3600;

export function deliveredKey(prefix: string, uuid: string): string {
  return `${prefix}:delivered:${uuid}`;
}

/** BullMQ backoff for server and network errors: 1 s, 2 s, 4 s, then 8 s at most, with jitter. */
export function cappedBackoff(attemptsMade: number): number {
  return Math.round(Math.min(8_000, 1000 * 2 ** Math.max(0, attemptsMade - 1)) * (0.5 + Math.random() * 0.5));
}

/** Lark codes that mean "this bot may not post in this chat": not retried, binding flagged. */
export const PERMISSION_CODES = new Set([230002, 230027, 232009, 232011]);

export type DeliveryOutcome = { status: 'sent'; result: unknown } | { status: 'already-delivered' };

const MAX_WAIT_MS = 5 * 60_000;

/** Exponential backoff with jitter from one (scaled) window, for rate limits that give no reset. */
function backoffMs(n: number, windowMs: number): number {
  const base = Math.min(30 * windowMs, windowMs * 2 ** Math.max(0, n - 1));
  return Math.round(base * (0.5 + Math.random() * 0.5));
}

export function createDeliveryProcessor(deps: DeliveryWorkerDeps, queue: Queue<DeliveryJobData>) {
  const prefix = deps.prefix ?? DEFAULT_PREFIX;
  const limits = { ...LARK_LIMITS, ...deps.limits };
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const limiter = createSlotLimiter(deps.redis);
  const appBlock = `${prefix}:delivery-limit:blocked`;
  const chatBlock = (chatId: string) => `${prefix}:delivery-limit:blocked:${chatId}`;
  const log = deps.log.child({ component: 'delivery' });
  const maxWaits = deps.maxRateLimitWaits ?? 50;
  const maxServerWaits = deps.maxServerErrorWaits ?? 5;
  const order = deliveryOrder(queue, deps.redis, prefix, deps.parkMs);
  const serverErrors = `${prefix}:delivery-limit:server-errors`;
  // Deliveries this process is sending now: a job brought back by a Redis that restarted from an older
  // snapshot may run again while its first run is still sending; the second waits and then sees the record.
  const sending = new Map<string, Promise<void>>();

  /** Tell the supervisors what could not be delivered (once per delivery; never about their own chat). */
  async function reportFailure(d: DeliveryJobData, reason: string): Promise<void> {
    const sup = deps.supervisorsChat?.(d.tenant);
    if (!sup || sup === d.chatId) return;
    const title = d.reply.title ? `“${d.reply.title}”` : '一条消息';
    await enqueueDeliveries(
      queue,
      deps.redis,
      [
        {
          data: {
            v: 1,
            tenant: d.tenant,
            chatId: sup,
            ref: `undelivered:${d.uuid}`,
            uuid: `dub-f-${d.uuid.slice(-40)}`,
            reply: {
              title: '消息未能送达',
              tone: 'red',
              blocks: [
                { kind: 'text', text: `${title}没能发到群 ${d.chatId}。` },
                { kind: 'fields', items: [{ label: '原因', value: reason }, { label: '关于', value: d.ref }] },
                { kind: 'note', text: '常见原因：机器人已被移出该群或没有发言权限。请把督办重新拉进群，或在该群重新 /绑定。' },
              ],
            },
          },
        },
      ],
      prefix,
    ).catch((e: unknown) => log.error({ event: 'delivery.report_failed', ref: d.ref, chatId: d.chatId, err: e }, 'could not tell the supervisors'));
  }

  // The margin is absolute: it covers network jitter, which does not shrink with the windows.
  const win = (ms: number) => Math.ceil(ms * limits.windowScale + limits.marginMs);
  // Per-second limits are spaced evenly (no bursts); the per-minute one is not, so the first
  // minute may run at the full per-second rate.
  const limitsFor = (chatId: string): Limit[] => [
    { key: `${prefix}:delivery-limit:s`, max: limits.perSecond, windowMs: win(1000), spacingMs: (1000 * limits.windowScale) / limits.perSecond },
    { key: `${prefix}:delivery-limit:m`, max: limits.perMinute, windowMs: win(60_000) },
    {
      key: `${prefix}:delivery-limit:c:${chatId}`,
      max: limits.perChatPerSecond,
      windowMs: win(1000),
      spacingMs: (1000 * limits.windowScale) / limits.perChatPerSecond,
    },
  ];

  async function deliver(job: Job<DeliveryJobData>, token?: string): Promise<DeliveryOutcome> {
    const parsed = DeliveryJobData.safeParse(job.data);
    if (!parsed.success) {
      log.error({ event: 'delivery.bad_payload', jobId: job.id, issues: parsed.error.issues.slice(0, 3) }, 'malformed delivery job');
      // Its order entry (if any) is dropped by the next message of the chat once this job has failed.
      throw new UnrecoverableError('malformed delivery job');
    }
    const d = parsed.data;
    const ctx = { jobId: job.id, ref: d.ref, chatId: d.chatId, tenant: d.tenant, attempt: job.attemptsMade + 1 };
    // Parked (DelayedError) unless it heads its chat: no slot is held while an earlier message waits.
    await order.takeTurn(d.chatId, job, token);
    const done = async () => {
      await order.finish(d.chatId, job.id!);
    };
    for (let i = 0; i < 100 && sending.has(d.uuid); i++) await sending.get(d.uuid);
    let sent!: () => void;
    sending.set(d.uuid, new Promise<void>((r) => (sent = r)));
    try {
      return await sendOnce(job, d, ctx, done);
    } finally {
      sending.delete(d.uuid);
      sent();
    }
  }

  async function sendOnce(job: Job<DeliveryJobData>, d: DeliveryJobData, ctx: Record<string, unknown>, done: () => Promise<void>): Promise<DeliveryOutcome> {
    if (deps.journal?.has(d.uuid) || (await deps.redis.exists(deliveredKey(prefix, d.uuid)))) {
      // Queued again by a reconcile after it went out: nothing to send.
      log.info({ event: 'delivery.already_delivered', ...ctx }, 'already delivered; not sent again');
      await done();
      return { status: 'already-delivered' };
    }
    const giveUp = async (reason: string, err: Error): Promise<never> => {
      await done();
      await reportFailure(d, reason);
      throw err;
    };

    const blocks = [appBlock, chatBlock(d.chatId)];
    const lims = limitsFor(d.chatId);
    const [perSecondKey, perMinuteKey, perChatKey] = lims.map((l) => l.key) as [string, string, string];
    let serverWaits = 0;
    for (let waits = 0; waits <= maxWaits; waits++) {
      const slot = await limiter.reserve(lims, MAX_WAIT_MS, blocks);
      if (!slot.ok) throw new Error(`no send slot within ${MAX_WAIT_MS} ms (needs ${slot.waitMs} ms)`);
      const wait = slot.at - Date.now();
      log.debug({ event: 'delivery.slot', ...ctx, waitMs: wait }, 'send slot reserved');
      if (wait > 0) await sleep(wait);
      // A rate limit hit someone while we slept: this slot is void; take a new one.
      if ((await limiter.claim(blocks, [perSecondKey, perMinuteKey, perChatKey], slot.member)) !== slot.blocks) {
        // Nothing was sent: free the slot, or it would hold a place in every window for nothing.
        await limiter.release([perSecondKey, perMinuteKey, perChatKey], slot.member);
        continue;
      }
      let result: unknown;
      try {
        result = await deps.send(d.chatId, d.reply, d.uuid);
      } catch (thrown) {
        const e = fromThrown('im.message.create', thrown);
        if (isRateLimited(e)) {
          // 230020 is the chat's frequency limit: only that chat waits. A 429 is the app's: everyone waits.
          const chatOnly = e.code === CODE_FREQUENCY_LIMIT && e.status !== 429;
          const ms = e.retryAfterSeconds !== undefined ? e.retryAfterSeconds * 1000 : backoffMs(waits + 1, 1000 * limits.windowScale);
          // The limit that refused the request did not count it: free that slot (a 429 does not say which
          // app limit refused, so the per-second slot stays counted, which errs on the safe side).
          await limiter.release([chatOnly ? perChatKey : perMinuteKey], slot.member);
          // An app-wide block voids everyone's later slots (their holders re-reserve); a chat block only this chat's.
          if (chatOnly) await limiter.blockUntil(chatBlock(d.chatId), Date.now() + ms, [perChatKey]);
          else await limiter.blockUntil(appBlock, Date.now() + ms, [perSecondKey, perMinuteKey]);
          log.warn({ event: 'delivery.rate_limited', ...ctx, status: e.status, code: e.code, waitMs: ms, reset: e.retryAfterSeconds, scope: chatOnly ? 'chat' : 'app' }, 'rate limited; waiting');
          continue;
        }
        if (PERMISSION_CODES.has(e.code)) {
          const flagged = deps.bindings ? await deps.bindings.flag(d.tenant, d.chatId, e.code, e.larkMsg || 'no permission') : false;
          log.error({ event: 'delivery.forbidden', ...ctx, ...e.toLog(), flagged }, 'bot may not post in this chat; not retried');
          return giveUp(`机器人无权在该群发言（飞书错误码 ${e.code}）`, new UnrecoverableError(`forbidden: ${e.message}`));
        }
        if (e.status >= 500 || (e.status === 0 && e.code === 0)) {
          // Lark is failing for everyone, most likely: all senders pause together (short, growing), then probe.
          await limiter.release([perSecondKey, perMinuteKey, perChatKey], slot.member);
          const n = Number(await deps.redis.incr(serverErrors));
          await deps.redis.pexpire(serverErrors, 60_000);
          const ms = Math.min(1_000, 100 * 2 ** Math.min(4, n - 1));
          await limiter.blockUntil(appBlock, Date.now() + ms, [perSecondKey, perMinuteKey]);
          serverWaits += 1;
          const last = serverWaits > maxServerWaits;
          log.warn({ event: 'delivery.retry', ...ctx, ...e.toLog(), waitMs: ms, inProcess: !last }, 'server or network error; retrying');
          if (!last) continue;
          if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) return giveUp(`飞书多次返回服务器错误（${e.status || '网络'}）`, e);
          throw e;
        }
        // Any other answer (bad parameter, content too large…) will not change on retry.
        log.error({ event: 'delivery.rejected', ...ctx, ...e.toLog() }, 'message rejected; not retried');
        return giveUp(`飞书拒绝了这条消息（错误码 ${e.code}）`, new UnrecoverableError(`rejected: ${e.message}`));
      }
      // Sent. Bookkeeping failures (Redis away) are not send failures: the job is retried and finds the record.
      deps.journal?.add(d.uuid);
      await deps.redis.set(deliveredKey(prefix, d.uuid), String(Date.now()), 'EX', DELIVERED_TTL_SECONDS);
      await deps.redis.del(serverErrors);
      await done();
      log.info({ event: 'delivery.sent', ...ctx, rateLimitWaits: waits }, 'message delivered');
      return { status: 'sent', result };
    }
    throw new Error(`still rate limited after ${maxWaits} waits`);
  }

  return deliver;
}

export function createDeliveryWorker(deps: DeliveryWorkerDeps): Worker<DeliveryJobData, DeliveryOutcome> {
  // Reads job states and promotes the next message of a chat; shares the worker's connection.
  const queue = new Queue<DeliveryJobData>(DELIVERY_QUEUE, { connection: deps.connection, prefix: deps.prefix ?? DEFAULT_PREFIX });
  // No BullMQ rate limiter: the reservations are exact, and parked messages waking to check their
  // turn must not use up a coarse per-window allowance meant for sends.
  const worker = new Worker<DeliveryJobData, DeliveryOutcome>(DELIVERY_QUEUE, createDeliveryProcessor(deps, queue), {
    connection: deps.connection,
    // A replica that dies mid-send: its messages run again elsewhere within ~15 s (the uuid keeps them single).
    lockDuration: 10_000,
    stalledInterval: 5_000,
    maxStalledCount: 10,
    settings: { backoffStrategy: (attemptsMade: number) => cappedBackoff(attemptsMade) },
    ...deps.workerOptions,
    prefix: deps.prefix ?? DEFAULT_PREFIX,
    concurrency: deps.concurrency ?? 8,
  });
  worker.on('error', (err) => deps.log.error({ event: 'delivery.worker_error', err: err }, 'delivery worker error'));
  worker.on('closed', () => {
    void queue.close().catch(() => undefined);
  });
  return worker;
}
