import { createHash } from 'node:crypto';
import { Queue, type JobsOptions } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { z } from 'zod';
import { ReplySchema } from '../src/chat/reply.js';
import { DEFAULT_PREFIX, KEEP_COMPLETED_SECONDS, type QueueConfig } from './reminder-queue.js';

/**
 * Outgoing messages, one job per (reminder, chat). The job id and the Lark
 * uuid both derive from the reminder id and the chat, so a reminder job that
 * runs twice (crash after enqueueing) queues one delivery, and a delivery that
 * runs twice (crash after sending) posts once: Lark drops a repeated uuid.
 *
 * Order: each chat's messages go out in the order they were enqueued, across
 * retries, 429s and replicas. Enqueueing records every delivery in a per-chat
 * sorted set (score from one global counter); the worker sends a message only
 * when it is first in its chat's set and removes it once delivered or given
 * up. Always enqueue through `enqueueDeliveries`.
 */

export const DELIVERY_QUEUE = 'delivery';
export const DELIVERY_JOB = 'deliver';

export const DeliveryJobData = z.object({
  v: z.literal(1),
  tenant: z.string().min(1),
  chatId: z.string().min(1),
  /** What the message is about (a reminder id); logs and the uuid refer to it. */
  ref: z.string().min(1),
  uuid: z.string().min(1).max(50),
  reply: ReplySchema,
});
export type DeliveryJobData = z.infer<typeof DeliveryJobData>;

function hash(parts: string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

/** Job id of the delivery of `ref` to `chatId` (never an integer, no ':'). */
export function deliveryJobId(ref: string, chatId: string): string {
  return `dlv-${hash([ref, chatId])}`;
}

/** Lark uuid (≤ 50 chars) of the delivery of `ref` to `chatId`. */
export function deliveryUuidFor(ref: string, chatId: string): string {
  return `dub-${hash([ref, chatId])}`;
}

export function deliveryOrderKey(prefix: string, chatId: string): string {
  return `${prefix}:delivery-order:${chatId}`;
}

// KEYS[1] global counter, KEYS[2] the chat's order set; ARGV[1] job id. NX: a re-enqueued delivery keeps its place.
const RECORD_ORDER = `
local s = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], 'NX', s, ARGV[1])
return s
`;

export interface DeliveryItem {
  data: DeliveryJobData;
  /** Per-job overrides of the queue defaults (tests); the job id is always derived. */
  opts?: Omit<JobsOptions, 'jobId'>;
}

/** Queue deliveries (deduplicated by job id) and record their per-chat order. */
export async function enqueueDeliveries(
  queue: Queue<DeliveryJobData>,
  redis: Redis | Cluster,
  items: DeliveryItem[],
  prefix: string = DEFAULT_PREFIX,
): Promise<void> {
  if (items.length === 0) return;
  // Order first: a recorded id with no job (crash in between) is skipped by the worker; a job with no record would be unordered.
  const pipe = redis.pipeline();
  for (const { data } of items) {
    pipe.eval(RECORD_ORDER, 2, `${prefix}:delivery-seq`, deliveryOrderKey(prefix, data.chatId), deliveryJobId(data.ref, data.chatId));
  }
  const res = (await pipe.exec()) ?? [];
  const failed = res.find(([err]) => err);
  if (failed) throw failed[0];
  await queue.addBulk(items.map(({ data, opts }) => ({ name: DELIVERY_JOB, data, opts: { ...opts, jobId: deliveryJobId(data.ref, data.chatId) } })));
}

export function createDeliveryQueue(cfg: QueueConfig): Queue<DeliveryJobData> {
  return new Queue<DeliveryJobData>(DELIVERY_QUEUE, {
    connection: cfg.connection,
    prefix: cfg.prefix ?? DEFAULT_PREFIX,
    defaultJobOptions: {
      // Server errors and network failures: retried with backoff (rate limits are waited out in-process).
      attempts: 8,
      backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 },
      removeOnComplete: { age: KEEP_COMPLETED_SECONDS },
      removeOnFail: { age: KEEP_COMPLETED_SECONDS },
    },
  });
}
