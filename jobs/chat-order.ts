import { DelayedError, type Job, type JobsOptions, type Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';

/**
 * Per-chat order on a BullMQ queue without a worker slot ever waiting for
 * another job. Each chat's jobs are recorded in a sorted set (score from one
 * counter) when they are queued. Only a chat's head is runnable: the others
 * are added as delayed ("parked"), and when the head finishes (sent, or given
 * up) the worker removes it and promotes the next one. A parked job that
 * wakes on its own (a promotion lost in a crash) checks whether it heads its
 * chat now; if not, it is parked again at once (moveToDelayed, no waiting),
 * and a finished or vanished head is dropped from the set on the way.
 *
 * So a chat whose head is in retry backoff holds nothing but its own jobs:
 * every other chat keeps sending at full speed.
 */

export const PARK_MS = 10_000;

/** Job states that will never run again: such a head is dropped. */
const FINISHED = new Set(['completed', 'failed', 'unknown']);

// KEYS[1] counter, KEYS[2] the chat's order set; ARGV[1] job id. NX: a re-queued job keeps its place.
// Returns 1 when the job heads its chat.
const RECORD = `
local s = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], 'NX', s, ARGV[1])
local head = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
if head == ARGV[1] then return 1 end
return 0
`;

// KEYS[1] the chat's order set; ARGV[1] finished job id. Returns the new head or false.
const FINISH = `
redis.call('ZREM', KEYS[1], ARGV[1])
return redis.call('ZRANGE', KEYS[1], 0, 0)[1]
`;

export interface OrderedItem<T> {
  chat: string;
  jobId: string;
  name: string;
  data: T;
  opts?: Omit<JobsOptions, 'jobId' | 'delay'>;
}

export interface ChatOrder {
  /** Queue jobs, each after every earlier job of its chat. Already-known job ids are left as they are. */
  add<T>(items: Array<OrderedItem<T>>): Promise<void>;
  /**
   * At the start of processing: true when the job heads its chat (or was
   * never recorded); otherwise it is parked and DelayedError is thrown, which
   * the processor must let through to BullMQ.
   */
  takeTurn(chat: string, job: Job, token: string | undefined): Promise<void>;
  /** The job is done for good (sent or given up): let the chat's next job run. */
  finish(chat: string, jobId: string): Promise<void>;
}

export function createChatOrder(opts: { queue: Queue; redis: Redis | Cluster; prefix: string; scope: string; parkMs?: number }): ChatOrder {
  const { queue, redis } = opts;
  const parkMs = opts.parkMs ?? PARK_MS;
  const seqKey = `${opts.prefix}:${opts.scope}-seq`;
  const orderKey = (chat: string) => `${opts.prefix}:${opts.scope}-order:${chat}`;

  async function promote(jobId: string): Promise<void> {
    const job = await queue.getJob(jobId);
    // Not delayed (already running, or in its own retry backoff): nothing to do.
    if (job && (await job.isDelayed())) await job.promote().catch(() => undefined);
  }

  async function isHead(chat: string, jobId: string): Promise<boolean> {
    // Bounded: each round drops one finished head.
    for (let i = 0; i < 1000; i++) {
      const [head] = await redis.zrange(orderKey(chat), '0', '0');
      if (head === undefined || head === jobId) return true;
      if ((await redis.zscore(orderKey(chat), jobId)) === null) return true;
      if (!FINISHED.has(await queue.getJobState(head))) return false;
      await redis.zrem(orderKey(chat), head);
    }
    return false;
  }

  return {
    async add(items) {
      if (items.length === 0) return;
      const pipe = redis.pipeline();
      for (const it of items) pipe.eval(RECORD, 2, seqKey, orderKey(it.chat), it.jobId);
      const res = (await pipe.exec()) ?? [];
      const failed = res.find(([err]) => err);
      if (failed) throw failed[0];
      const heads = res.map(([, v]) => v === 1);
      await queue.addBulk(
        items.map((it, i) => ({ name: it.name, data: it.data, opts: { ...it.opts, jobId: it.jobId, ...(heads[i] ? {} : { delay: parkMs }) } })),
      );
      // The first waiting job of each chat: its head may have finished between recording and adding
      // (its promote found no job yet) or be an entry whose job never got queued (a crash in between).
      const firstParked = new Map<string, string>();
      items.forEach((it, i) => {
        if (!heads[i] && !firstParked.has(it.chat)) firstParked.set(it.chat, it.jobId);
      });
      for (const [chat, jobId] of firstParked) if (await isHead(chat, jobId)) await promote(jobId);
    },
    async takeTurn(chat, job, token) {
      if (await isHead(chat, job.id!)) return;
      await job.moveToDelayed(Date.now() + parkMs, token);
      throw new DelayedError();
    },
    async finish(chat, jobId) {
      const next = (await redis.eval(FINISH, 1, orderKey(chat), jobId)) as string | null;
      if (next) await promote(next);
    },
  };
}
