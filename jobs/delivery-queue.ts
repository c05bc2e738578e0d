import { createHash } from 'node:crypto';
import { Queue, type JobsOptions } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { z } from 'zod';
import { ReplySchema } from '../src/chat/reply.js';
import { createChatOrder, type ChatOrder } from './chat-order.js';
import { DEFAULT_PREFIX, KEEP_COMPLETED_SECONDS, type QueueConfig } from './reminder-queue.js';

/**
 * Outgoing messages, one job per (reminder, chat). The job id and the Lark
 * uuid both derive from the reminder id and the chat, so a reminder job that
 * runs twice (crash after enqueueing) queues one delivery, and a delivery that
 * runs twice (crash after sending) posts once: Lark drops a repeated uuid.
 *
 * Order: each chat's messages go out in the order they were enqueued, across
 * retries, 429s and replicas (chat-order.ts: only a chat's first message is
 * runnable, the next is promoted when it is delivered or given up, so no
 * worker slot ever waits for another chat). Always enqueue through
 * `enqueueDeliveries`.
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

export interface DeliveryItem {
  data: DeliveryJobData;
  /** Per-job overrides of the queue defaults (tests); the job id is always derived. */
  opts?: Omit<JobsOptions, 'jobId' | 'delay'>;
}

/** The per-chat order of deliveries (chat-order.ts); the worker takes turns through the same one. */
export function deliveryOrder(queue: Queue<DeliveryJobData>, redis: Redis | Cluster, prefix: string = DEFAULT_PREFIX, parkMs?: number): ChatOrder {
  return createChatOrder({ queue: queue as Queue, redis, prefix, scope: 'delivery', ...(parkMs ? { parkMs } : {}) });
}

/** Queue deliveries (deduplicated by job id), each after the earlier ones of its chat. */
export async function enqueueDeliveries(
  queue: Queue<DeliveryJobData>,
  redis: Redis | Cluster,
  items: DeliveryItem[],
  prefix: string = DEFAULT_PREFIX,
): Promise<void> {
  await deliveryOrder(queue, redis, prefix).add(
    items.map(({ data, opts }) => ({ chat: data.chatId, jobId: deliveryJobId(data.ref, data.chatId), name: DELIVERY_JOB, data, ...(opts ? { opts } : {}) })),
  );
}

export function createDeliveryQueue(cfg: QueueConfig): Queue<DeliveryJobData> {
  return new Queue<DeliveryJobData>(DELIVERY_QUEUE, {
    connection: cfg.connection,
    prefix: cfg.prefix ?? DEFAULT_PREFIX,
    defaultJobOptions: {
      // Server errors and network failures: retried for hours with a capped backoff ('capped', defined by
      // the worker), so a backlog resumes within seconds of an outage ending. Rate limits are waited out in-process.
      attempts: 2_000,
      backoff: { type: 'capped' },
      removeOnComplete: { age: KEEP_COMPLETED_SECONDS },
      removeOnFail: { age: KEEP_COMPLETED_SECONDS },
    },
  });
}
