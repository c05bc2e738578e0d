import { UnrecoverableError, Worker, type ConnectionOptions, type Job, type WorkerOptions } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { CODE_FREQUENCY_LIMIT, fromThrown, isRateLimited } from '../src/adapters/lark/errors.js';
import type { Reply } from '../src/chat/types.js';
import type { BindingStore } from '../src/store/bindings.js';
import { DELIVERY_QUEUE, DeliveryJobData } from './delivery-queue.js';
import { createSlotLimiter, type Limit } from './rate-limit.js';
import { DEFAULT_PREFIX } from './reminder-queue.js';

/**
 * Sends queued messages through an injected `send` (in production
 * LarkMessenger.sendToChat, built with its own retries off so this worker
 * owns them). Stays under Lark's limits with slot reservations shared by all
 * replicas; waits out 429s (x-ogw-ratelimit-reset, else backoff with jitter)
 * in-process so the message keeps its place; lets BullMQ retry server and
 * network errors with backoff; never retries permission or parameter errors
 * (logged; a permission error also flags the chat's binding).
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
  sleep?: (ms: number) => Promise<void>;
}

/** Lark codes that mean "this bot may not post in this chat": not retried, binding flagged. */
export const PERMISSION_CODES = new Set([230002, 230027, 232009, 232011]);

export type DeliveryOutcome = { status: 'sent'; result: unknown };

const MAX_WAIT_MS = 5 * 60_000;

/** Exponential backoff with jitter from one (scaled) window, for rate limits that give no reset. */
function backoffMs(n: number, windowMs: number): number {
  const base = Math.min(30 * windowMs, windowMs * 2 ** Math.max(0, n - 1));
  return Math.round(base * (0.5 + Math.random() * 0.5));
}

export function createDeliveryProcessor(deps: DeliveryWorkerDeps) {
  const prefix = deps.prefix ?? DEFAULT_PREFIX;
  const limits = { ...LARK_LIMITS, ...deps.limits };
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const limiter = createSlotLimiter(deps.redis);
  const appBlock = `${prefix}:delivery-limit:blocked`;
  const chatBlock = (chatId: string) => `${prefix}:delivery-limit:blocked:${chatId}`;
  const log = deps.log.child({ component: 'delivery' });
  const maxWaits = deps.maxRateLimitWaits ?? 20;

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

  return async function deliver(job: Job<DeliveryJobData>): Promise<DeliveryOutcome> {
    const parsed = DeliveryJobData.safeParse(job.data);
    if (!parsed.success) {
      log.error({ event: 'delivery.bad_payload', jobId: job.id, issues: parsed.error.issues.slice(0, 3) }, 'malformed delivery job');
      throw new UnrecoverableError('malformed delivery job');
    }
    const d = parsed.data;
    const ctx = { jobId: job.id, ref: d.ref, chatId: d.chatId, tenant: d.tenant, attempt: job.attemptsMade + 1 };

    for (let waits = 0; waits <= maxWaits; waits++) {
      const slot = await limiter.reserve(limitsFor(d.chatId), MAX_WAIT_MS, [appBlock, chatBlock(d.chatId)]);
      if (!slot.ok) throw new Error(`no send slot within ${MAX_WAIT_MS} ms (needs ${slot.waitMs} ms)`);
      const wait = slot.at - Date.now();
      log.debug({ event: 'delivery.slot', ...ctx, waitMs: wait }, 'send slot reserved');
      if (wait > 0) await sleep(wait);
      try {
        const result = await deps.send(d.chatId, d.reply, d.uuid);
        log.info({ event: 'delivery.sent', ...ctx, rateLimitWaits: waits }, 'message delivered');
        return { status: 'sent', result };
      } catch (thrown) {
        const e = fromThrown('im.message.create', thrown);
        if (isRateLimited(e)) {
          // 230020 is the chat's frequency limit: only that chat waits. A 429 is the app's: everyone waits.
          const chatOnly = e.code === CODE_FREQUENCY_LIMIT && e.status !== 429;
          const ms = e.retryAfterSeconds !== undefined ? e.retryAfterSeconds * 1000 : backoffMs(waits + 1, 1000 * limits.windowScale);
          await limiter.blockUntil(chatOnly ? chatBlock(d.chatId) : appBlock, Date.now() + ms);
          log.warn({ event: 'delivery.rate_limited', ...ctx, status: e.status, code: e.code, waitMs: ms, reset: e.retryAfterSeconds, scope: chatOnly ? 'chat' : 'app' }, 'rate limited; waiting');
          continue;
        }
        if (PERMISSION_CODES.has(e.code)) {
          const flagged = deps.bindings ? await deps.bindings.flag(d.tenant, d.chatId, e.code, e.larkMsg || 'no permission') : false;
          log.error({ event: 'delivery.forbidden', ...ctx, ...e.toLog(), flagged }, 'bot may not post in this chat; not retried');
          throw new UnrecoverableError(`forbidden: ${e.message}`);
        }
        if (e.status >= 500 || (e.status === 0 && e.code === 0)) {
          log.warn({ event: 'delivery.retry', ...ctx, ...e.toLog() }, 'server or network error; will retry with backoff');
          throw e;
        }
        // Any other answer (bad parameter, content too large…) will not change on retry.
        log.error({ event: 'delivery.rejected', ...ctx, ...e.toLog() }, 'message rejected; not retried');
        throw new UnrecoverableError(`rejected: ${e.message}`);
      }
    }
    throw new Error(`still rate limited after ${maxWaits} waits`);
  };
}

export function createDeliveryWorker(deps: DeliveryWorkerDeps): Worker<DeliveryJobData, DeliveryOutcome> {
  const limits = { ...LARK_LIMITS, ...deps.limits };
  const worker = new Worker<DeliveryJobData, DeliveryOutcome>(DELIVERY_QUEUE, createDeliveryProcessor(deps), {
    connection: deps.connection,
    ...deps.workerOptions,
    prefix: deps.prefix ?? DEFAULT_PREFIX,
    concurrency: deps.concurrency ?? 8,
    // Coarse guard so idle workers stop pulling jobs they would only sleep on; exact limits are the reservations above.
    limiter: { max: limits.perSecond, duration: Math.max(1, Math.round(1000 * limits.windowScale)) },
  });
  worker.on('error', (err) => deps.log.error({ event: 'delivery.worker_error', err: err.message }, 'delivery worker error'));
  return worker;
}
