import { DelayedError, Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job, type WorkerOptions } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { CODE_FREQUENCY_LIMIT, fromThrown, isRateLimited } from '../src/adapters/lark/errors.js';
import type { Reply } from '../src/chat/types.js';
import type { BindingStore } from '../src/store/bindings.js';
import { DELIVERY_QUEUE, DeliveryJobData, deliveryOrderKey } from './delivery-queue.js';
import { createSlotLimiter, type Limit } from './rate-limit.js';
import { DEFAULT_PREFIX } from './reminder-queue.js';

/**
 * Sends queued messages through an injected `send` (in production
 * LarkMessenger.sendToChat, built with its own retries off so this worker
 * owns them). Stays under Lark's limits with slot reservations shared by all
 * replicas; waits out 429s (x-ogw-ratelimit-reset, else backoff with jitter)
 * in-process so the message keeps its place; lets BullMQ retry server and
 * network errors with backoff; never retries permission or parameter errors
 * (logged; a permission error also flags the chat's binding). A chat's
 * messages leave one at a time, in enqueue order (see enqueueDeliveries): a
 * message waits until it heads its chat's order set.
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
  /** How long a message waits for its chat's earlier messages before yielding its worker slot. */
  maxTurnWaitMs?: number;
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

const FINISHED = new Set(['completed', 'failed', 'unknown']);

export function createDeliveryProcessor(deps: DeliveryWorkerDeps, states: Pick<Queue, 'getJobState'>) {
  const prefix = deps.prefix ?? DEFAULT_PREFIX;
  const limits = { ...LARK_LIMITS, ...deps.limits };
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const limiter = createSlotLimiter(deps.redis);
  const appBlock = `${prefix}:delivery-limit:blocked`;
  const chatBlock = (chatId: string) => `${prefix}:delivery-limit:blocked:${chatId}`;
  const log = deps.log.child({ component: 'delivery' });
  const maxWaits = deps.maxRateLimitWaits ?? 50;
  const maxTurnWaitMs = deps.maxTurnWaitMs ?? 30_000;

  /**
   * Wait until `jobId` heads its chat's order set. Earlier entries whose job is
   * finished or gone are dropped; true = our turn (or the message was not
   * recorded, so has no place to keep), false = waited too long.
   */
  async function awaitTurn(orderKey: string, jobId: string): Promise<boolean> {
    const deadline = Date.now() + maxTurnWaitMs;
    for (let i = 0; i < 100_000; i++) {
      const [head] = await deps.redis.zrange(orderKey, '0', '0');
      if (head === undefined || head === jobId) return true;
      if ((await deps.redis.zscore(orderKey, jobId)) === null) return true;
      if (FINISHED.has(await states.getJobState(head))) {
        await deps.redis.zrem(orderKey, head);
        continue;
      }
      if (Date.now() > deadline) return false;
      await sleep(Math.min(200, 20 + i * 10));
    }
    return false;
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

  return async function deliver(job: Job<DeliveryJobData>, token?: string): Promise<DeliveryOutcome> {
    const parsed = DeliveryJobData.safeParse(job.data);
    if (!parsed.success) {
      log.error({ event: 'delivery.bad_payload', jobId: job.id, issues: parsed.error.issues.slice(0, 3) }, 'malformed delivery job');
      // Its order entry (if any) is dropped by the next message of the chat once this job has failed.
      throw new UnrecoverableError('malformed delivery job');
    }
    const d = parsed.data;
    const ctx = { jobId: job.id, ref: d.ref, chatId: d.chatId, tenant: d.tenant, attempt: job.attemptsMade + 1 };
    const orderKey = deliveryOrderKey(prefix, d.chatId);
    const done = () => deps.redis.zrem(orderKey, job.id!);

    if (!(await awaitTurn(orderKey, job.id!))) {
      // An earlier message of this chat is still pending (retrying, or queued behind us): give the slot back.
      log.info({ event: 'delivery.waiting_turn', ...ctx }, 'earlier message of this chat still pending; delaying');
      await job.moveToDelayed(Date.now() + 1000, token);
      throw new DelayedError();
    }

    const blocks = [appBlock, chatBlock(d.chatId)];
    const lims = limitsFor(d.chatId);
    const [perSecondKey, perMinuteKey, perChatKey] = lims.map((l) => l.key) as [string, string, string];
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
      try {
        const result = await deps.send(d.chatId, d.reply, d.uuid);
        await done();
        log.info({ event: 'delivery.sent', ...ctx, rateLimitWaits: waits }, 'message delivered');
        return { status: 'sent', result };
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
          await done();
          throw new UnrecoverableError(`forbidden: ${e.message}`);
        }
        if (e.status >= 500 || (e.status === 0 && e.code === 0)) {
          log.warn({ event: 'delivery.retry', ...ctx, ...e.toLog() }, 'server or network error; will retry with backoff');
          throw e;
        }
        // Any other answer (bad parameter, content too large…) will not change on retry.
        log.error({ event: 'delivery.rejected', ...ctx, ...e.toLog() }, 'message rejected; not retried');
        await done();
        throw new UnrecoverableError(`rejected: ${e.message}`);
      }
    }
    throw new Error(`still rate limited after ${maxWaits} waits`);
  };
}

export function createDeliveryWorker(deps: DeliveryWorkerDeps): Worker<DeliveryJobData, DeliveryOutcome> {
  const limits = { ...LARK_LIMITS, ...deps.limits };
  // Reads job states for the order check; shares the worker's connection.
  const states = new Queue(DELIVERY_QUEUE, { connection: deps.connection, prefix: deps.prefix ?? DEFAULT_PREFIX });
  const worker = new Worker<DeliveryJobData, DeliveryOutcome>(DELIVERY_QUEUE, createDeliveryProcessor(deps, states), {
    connection: deps.connection,
    ...deps.workerOptions,
    prefix: deps.prefix ?? DEFAULT_PREFIX,
    concurrency: deps.concurrency ?? 8,
    // Coarse guard so idle workers stop pulling jobs they would only sleep on; exact limits are the reservations above.
    // Twice the send rate: this is a fixed window, so at exactly the send rate any window a worker spent waiting
    // (turn, 429, slow send) is lost for good and the sustained rate falls well short of the limit.
    limiter: { max: 2 * limits.perSecond, duration: Math.max(1, Math.round(1000 * limits.windowScale)) },
  });
  worker.on('error', (err) => deps.log.error({ event: 'delivery.worker_error', err: err }, 'delivery worker error'));
  worker.on('closed', () => {
    void states.close().catch(() => undefined);
  });
  return worker;
}
