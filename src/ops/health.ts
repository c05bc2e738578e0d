/**
 * Readiness: can this replica do its work right now? Three checks, each
 * bounded in time: Redis answers PING, Lark gives a tenant token (cached or
 * fetched), and the queues are moving: a queue whose oldest ready job has
 * waited longer than `stallSeconds` while nothing finished in that time has
 * no live worker (or a stuck one). Liveness (/healthz) is separate and cheap.
 */

export interface StallQueue {
  readonly name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
  getWaiting(start?: number, end?: number): Promise<Array<{ timestamp: number } | undefined>>;
  getCompleted(start?: number, end?: number): Promise<Array<{ finishedOn?: number } | undefined>>;
  getFailed(start?: number, end?: number): Promise<Array<{ finishedOn?: number } | undefined>>;
}

export interface HealthDeps {
  ping: () => Promise<unknown>;
  /** Resolves when Lark hands out a tenant token; absent in console mode. */
  larkToken?: () => Promise<unknown>;
  queues: StallQueue[];
  /** Default 300 s: longer than any rate-limit wait (1000/min) or retry backoff. */
  stallSeconds?: number;
  timeoutMs?: number;
  now?: () => number;
}

export interface Check {
  ok: boolean;
  detail?: string;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, Check>;
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Newest finish (completed or failed) and oldest ready job of one queue; 'stalled' when jobs wait and nothing moves. */
export async function queueMoving(q: StallQueue, stallMs: number, now: number): Promise<Check> {
  const counts = await q.getJobCounts('waiting');
  const waiting = counts.waiting ?? 0;
  if (waiting === 0) return { ok: true, detail: 'idle' };
  // BullMQ pushes new jobs on the left and takes from the right: the oldest ready job is the last.
  const [oldest] = await q.getWaiting(-1, -1);
  const waitedMs = oldest ? now - oldest.timestamp : 0;
  if (waitedMs < stallMs) return { ok: true, detail: `${waiting} waiting` };
  const [done] = await q.getCompleted(0, 0);
  const [gaveUp] = await q.getFailed(0, 0);
  const lastFinish = Math.max(done?.finishedOn ?? 0, gaveUp?.finishedOn ?? 0);
  if (now - lastFinish < stallMs) return { ok: true, detail: `${waiting} waiting` };
  return {
    ok: false,
    detail: `${waiting} waiting, oldest for ${Math.round(waitedMs / 1000)} s, none finished in ${Math.round(stallMs / 1000)} s`,
  };
}

export async function checkReadiness(deps: HealthDeps): Promise<Readiness> {
  const ms = deps.timeoutMs ?? 3000;
  const now = deps.now ?? Date.now;
  const stallMs = (deps.stallSeconds ?? 300) * 1000;
  const run = async (what: string, f: () => Promise<Check>): Promise<[string, Check]> => {
    try {
      return [what, await within(f(), ms, what)];
    } catch (e) {
      return [what, { ok: false, detail: message(e) }];
    }
  };
  const results = await Promise.all([
    run('redis', async () => (await deps.ping(), { ok: true })),
    ...(deps.larkToken ? [run('lark', async () => (await deps.larkToken!(), { ok: true }))] : []),
    ...deps.queues.map((q) => run(`queue:${q.name}`, () => queueMoving(q, stallMs, now()))),
  ]);
  const checks = Object.fromEntries(results);
  return { ready: results.every(([, c]) => c.ok), checks };
}
