import { createHash } from 'node:crypto';
import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job, type WorkerOptions } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { eventChat, InboundEvent, type ButtonResult, type Inbox } from '../src/chat/types.js';
import { createChatOrder, type ChatOrder } from './chat-order.js';
import { DEFAULT_PREFIX } from './reminder-queue.js';

/**
 * The durable inbox: every verified event is a BullMQ job before the platform
 * gets its acknowledgement, so a crash, a restart or another replica finishes
 * it. The job id derives from the event's identity, which makes the job its
 * own dedupe claim: a re-push finds the job (waiting, running or done for the
 * last 8 h) and is dropped, and no claim can exist without the stored event.
 * Per-chat order: see chat-order.ts. Replies carry uuids derived from the
 * event, so an event processed twice (crash after replying) answers once.
 */

export const INBOX_QUEUE = 'inbox';
const JOB = 'event';
/** Lark re-pushes an unacknowledged event for up to ~7 h; finished jobs are kept this long as the dedupe record. */
export const INBOX_KEEP_SECONDS = 8 * 60 * 60;

export const InboxJobData = z.object({
  v: z.literal(1),
  event: InboundEvent,
  /** When the event was accepted (ms): a button answered after its callback budget updates the card itself. */
  at: z.number(),
});
export type InboxJobData = z.infer<typeof InboxJobData>;

export function inboxJobId(e: InboundEvent): string {
  const tenant = e.kind === 'message' ? e.message.tenant : e.tenant;
  return `in-${createHash('sha256').update(JSON.stringify([tenant, e.kind === 'message' ? 'msg' : 'evt', e.id])).digest('hex').slice(0, 32)}`;
}

export interface InboxQueueDeps {
  connection: ConnectionOptions;
  redis: Redis | Cluster;
  prefix?: string;
  log: Logger;
  /** Poll interval while a button waits for its answer. */
  pollMs?: number;
}

export interface InboxQueue extends Inbox {
  readonly queue: Queue<InboxJobData>;
  readonly order: ChatOrder;
  close(): Promise<void>;
}

export function createInboxQueue(deps: InboxQueueDeps): InboxQueue {
  const prefix = deps.prefix ?? DEFAULT_PREFIX;
  const queue = new Queue<InboxJobData>(INBOX_QUEUE, {
    connection: deps.connection,
    prefix,
    defaultJobOptions: {
      // Handler errors become apologies; what is retried is a failed send or a Redis hiccup.
      attempts: 5,
      backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
      removeOnComplete: { age: INBOX_KEEP_SECONDS },
      removeOnFail: { age: INBOX_KEEP_SECONDS },
    },
  });
  const order = createChatOrder({ queue: queue as Queue, redis: deps.redis, prefix, scope: 'inbox' });
  const pollMs = deps.pollMs ?? 25;
  return {
    queue,
    order,
    async accept(event) {
      const jobId = inboxJobId(event);
      if (await queue.getJob(jobId)) return 'duplicate';
      await order.add([{ chat: eventChat(event), jobId, name: JOB, data: { v: 1, event, at: Date.now() } }]);
      return 'accepted';
    },
    async answer(event, timeoutMs) {
      const jobId = inboxJobId(event);
      const deadline = Date.now() + timeoutMs;
      for (let i = 0; i < 10_000 && Date.now() < deadline; i++) {
        const job = await queue.getJob(jobId);
        if (job?.finishedOn) return job.returnvalue as ButtonResult | undefined;
        await new Promise((r) => setTimeout(r, pollMs));
      }
      return 'pending';
    },
    close: () => queue.close(),
  };
}

/** Runs one event: the bot core plus the platform's way of answering (adapters/lark/run-event.ts). */
export type RunEvent = (event: InboundEvent, meta: { acceptedAt: number; attempt: number }) => Promise<ButtonResult | undefined>;

export interface InboxWorkerDeps {
  connection: ConnectionOptions;
  inbox: InboxQueue;
  run: RunEvent;
  log: Logger;
  prefix?: string;
  concurrency?: number;
  workerOptions?: Partial<WorkerOptions>;
}

export function createInboxWorker(deps: InboxWorkerDeps): Worker<InboxJobData, ButtonResult | undefined> {
  const log = deps.log.child({ component: 'inbox' });
  const { order } = deps.inbox;
  const worker = new Worker<InboxJobData, ButtonResult | undefined>(
    INBOX_QUEUE,
    async (job: Job<InboxJobData>, token?: string) => {
      const parsed = InboxJobData.safeParse(job.data);
      if (!parsed.success) {
        log.error({ event: 'inbox_bad_payload', jobId: job.id, issues: parsed.error.issues.slice(0, 3) }, 'malformed inbox job');
        throw new UnrecoverableError('malformed inbox job');
      }
      const { event, at } = parsed.data;
      const chat = eventChat(event);
      await order.takeTurn(chat, job, token);
      const attempts = job.opts.attempts ?? 1;
      try {
        const result = await deps.run(event, { acceptedAt: at, attempt: job.attemptsMade + 1 });
        await order.finish(chat, job.id!);
        return result;
      } catch (e) {
        if (e instanceof UnrecoverableError || job.attemptsMade + 1 >= attempts) await order.finish(chat, job.id!);
        log.warn({ event: 'inbox_event_failed', jobId: job.id, kind: event.kind, eventId: event.id, attempt: job.attemptsMade + 1, err: e }, 'event failed; retried with backoff');
        throw e;
      }
    },
    {
      connection: deps.connection,
      prefix: deps.prefix ?? DEFAULT_PREFIX,
      concurrency: deps.concurrency ?? 16,
      // A replica that dies holding events: they run again elsewhere within ~lockDuration + stalledInterval.
      lockDuration: 15_000,
      stalledInterval: 5_000,
      maxStalledCount: 5,
      ...deps.workerOptions,
    },
  );
  worker.on('error', (err) => log.error({ event: 'inbox_worker_error', err: err }, 'inbox worker error'));
  return worker;
}

export interface StartedInbox {
  inbox: Inbox;
  /**
   * Stop taking events and let running ones finish, for at most `timeoutMs`;
   * events still running then are handed back (their lock lapses and another
   * worker, or the next start, runs them again).
   */
  stop(timeoutMs?: number): Promise<void>;
}

/** Queue and worker together: what startLark's `inbox` factory returns. */
export function startInbox(deps: Omit<InboxQueueDeps, 'log'> & Omit<InboxWorkerDeps, 'inbox' | 'connection'> & { connection: ConnectionOptions }): StartedInbox {
  const q = createInboxQueue(deps);
  const worker = createInboxWorker({ ...deps, inbox: q });
  return {
    inbox: q,
    async stop(timeoutMs = 10_000) {
      await closeWithin(worker, timeoutMs, deps.log);
      await q.close();
    },
  };
}

/** Graceful close within a bound; past it the worker is closed by force (its jobs stall and run again elsewhere). */
export async function closeWithin(worker: Worker, timeoutMs: number, log: Logger): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const graceful = worker.close().then(() => true);
  const late = new Promise<false>((r) => {
    timer = setTimeout(() => r(false), timeoutMs);
  });
  const done = await Promise.race([graceful, late]);
  clearTimeout(timer);
  if (!done) {
    log.warn({ event: 'worker_close_forced', queue: worker.name, timeoutMs }, 'jobs still running at the shutdown bound; handed back');
    await Promise.race([worker.close(true), new Promise((r) => setTimeout(r, 1000))]);
  }
  return done;
}
