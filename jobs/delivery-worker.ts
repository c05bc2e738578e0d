import { UnrecoverableError, Worker, type ConnectionOptions, type Job, type WorkerOptions } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { fromThrown, isRateLimited } from '../src/adapters/lark/errors.js';
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
  /** Added to every window: requests leave at the reserved instant but arrive with jitter. */
  marginMs: number;
}

export const LARK_LIMITS: DeliveryLimits = { perSecond: 50, perMinute: 1000, perChatPerSecond: 5, marginMs: 50 };

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

function backoffMs(n: number): number {
  const base = Math.min(30_000, 1_000 * 2 ** Math.max(0, n - 1));
  return Math.round(base * (0.5 + Math.random() * 0.5));
}

export function createDeliveryProcessor(deps: DeliveryWorkerDeps) {
  const prefix = deps.prefix ?? DEFAULT_PREFIX;
  const limits = { ...LARK_LIMITS, ...deps.limits };
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const limiter = createSlotLimiter(deps.redis, `${prefix}:delivery-limit:blocked`);
  const log = deps.log.child({ component: 'delivery' });
  const maxWaits = deps.maxRateLimitWaits ?? 20;

  const limitsFor = (chatId: string): Limit[] => [
    { key: `${prefix}:delivery-limit:s`, max: limits.perSecond, windowMs: 1000 + limits.marginMs },
    { key: `${prefix}:delivery-limit:m`, max: limits.perMinute, windowMs: 60_000 + limits.marginMs },
    { key: `${prefix}:delivery-limit:c:${chatId}`, max: limits.perChatPerSecond, windowMs: 1000 + limits.marginMs },
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
      const slot = await limiter.reserve(limitsFor(d.chatId), MAX_WAIT_MS);
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
          const ms = e.retryAfterSeconds !== undefined ? e.retryAfterSeconds * 1000 : backoffMs(waits + 1);
          // Everyone waits, not just this job: the limit is the app's (or the chat's).
          await limiter.blockUntil(Date.now() + ms);
          log.warn({ event: 'delivery.rate_limited', ...ctx, status: e.status, code: e.code, waitMs: ms, reset: e.retryAfterSeconds }, 'rate limited; waiting');
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
    limiter: { max: limits.perSecond, duration: 1000 },
  });
  worker.on('error', (err) => deps.log.error({ event: 'delivery.worker_error', err: err.message }, 'delivery worker error'));
  return worker;
}
