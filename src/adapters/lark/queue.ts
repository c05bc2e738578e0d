import type { Logger } from 'pino';

/**
 * In-process work queue between "acknowledge Lark" and "answer the user":
 * Lark wants HTTP 200 within 3 s, a reply may take longer. Tasks with the same
 * key (a chat) run one after another so answers keep their order; different
 * keys run in parallel up to `concurrency`. Bounded: when `maxPending` tasks
 * wait, push() refuses and the caller lets Lark re-push later.
 * Not durable: tasks waiting here are lost if the process dies (Lark has
 * already been answered), which is the trade-off the issue accepts.
 */

export interface WorkQueue {
  /** False when the queue is full or stopped. */
  push(key: string, task: () => Promise<void>): boolean;
  readonly pending: number;
  /** Stop accepting work and wait (at most timeoutMs) for what is queued. */
  drain(timeoutMs: number): Promise<boolean>;
}

export interface WorkQueueOptions {
  concurrency?: number;
  maxPending?: number;
  log: Logger;
}

export function createWorkQueue(opts: WorkQueueOptions): WorkQueue {
  const concurrency = opts.concurrency ?? 16;
  const maxPending = opts.maxPending ?? 1000;
  const log = opts.log;

  /** Per-key FIFO of tasks not yet started. */
  const lanes = new Map<string, Array<() => Promise<void>>>();
  /** Keys with a task running; a key runs one task at a time. */
  const busy = new Set<string>();
  /** Keys with waiting tasks and no running task, oldest first. */
  const ready: string[] = [];
  let running = 0;
  let pending = 0;
  let stopped = false;
  let idle: Array<() => void> = [];

  function pump(): void {
    while (running < concurrency && ready.length > 0) {
      const key = ready.shift()!;
      const lane = lanes.get(key);
      const task = lane?.shift();
      if (!task) continue;
      if (lane && lane.length === 0) lanes.delete(key);
      busy.add(key);
      running += 1;
      pending -= 1;
      void task()
        .catch((e: unknown) => {
          log.error({ event: 'lark_task_failed', err: e }, 'queued task failed');
        })
        .finally(() => {
          running -= 1;
          busy.delete(key);
          if (lanes.has(key)) ready.push(key);
          if (running === 0 && pending === 0) {
            const waiters = idle;
            idle = [];
            waiters.forEach((w) => w());
          }
          pump();
        });
    }
  }

  return {
    push(key, task) {
      if (stopped || pending >= maxPending) return false;
      const lane = lanes.get(key);
      if (lane) lane.push(task);
      else {
        lanes.set(key, [task]);
        if (!busy.has(key)) ready.push(key);
      }
      pending += 1;
      // Start on a later turn: the caller answers Lark first, then the bot spends its CPU.
      setImmediate(pump);
      return true;
    },
    get pending() {
      return pending + running;
    },
    async drain(timeoutMs) {
      stopped = true;
      if (running === 0 && pending === 0) return true;
      let timer: NodeJS.Timeout | undefined;
      const done = await Promise.race([
        new Promise<boolean>((r) => idle.push(() => r(true))),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(false), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      return done;
    },
  };
}
