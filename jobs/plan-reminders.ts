import type { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { addDays, shanghaiDate } from '../src/calendar/shanghai.js';
import type { Ledger } from '../src/plan/schema.js';
import { planReminders } from '../src/reminders/plan.js';
import type { Reminder, ReminderConfigInput, UnitResolver } from '../src/reminders/types.js';
import { acquireLease } from './lock.js';
import {
  DEFAULT_PREFIX,
  LOOKBACK_DAYS,
  REMINDER_JOB,
  fingerprint,
  toJobData,
  type ReminderJobData,
} from './reminder-queue.js';

/**
 * Makes the reminder queue match the plans: adds missing reminders as delayed
 * jobs, moves jobs whose fire time or content changed, removes pending jobs
 * the plans no longer call for. Idempotent: running it again (another
 * replica, a restart, the same plan loaded twice) changes nothing. Only one
 * replica syncs a tenant at a time (a Redis lease).
 *
 * Alongside the queue a hash (<prefix>:reminder-plan:<tenant>) remembers each
 * planned job's fingerprint, so a replan costs one HGETALL plus work for what
 * changed rather than reading every job. Jobs the hash lists but Redis lost
 * are recreated (the start-up reconcile the issue asks for).
 *
 * Call it at start-up, whenever plans are (re)loaded, and once a day (the
 * horizon rolls forward and weekly 催办 repeats beyond it get added).
 */

export interface SyncDeps {
  queue: Queue<ReminderJobData>;
  /** Plain client for the lease and the fingerprint hash (same Redis as the queue). */
  redis: Redis | Cluster;
  log: Logger;
  now?: () => Date;
  /** Same prefix as the queue. */
  prefix?: string;
  /** How long to wait for another replica's sync to finish. */
  lockWaitMs?: number;
  lockTtlMs?: number;
}

export interface PlanInput {
  tenant: string;
  ledger: Ledger;
  config?: Omit<ReminderConfigInput, 'tenant'>;
  resolveUnit?: UnitResolver;
  /** Days ahead to create jobs for (default 60). */
  horizonDays?: number;
}

export interface SyncReport {
  tenant: string;
  /** False when another replica held the lease for longer than lockWaitMs. */
  ran: boolean;
  planned: number;
  added: number;
  /** Pending jobs rescheduled or rewritten because the plan changed. */
  changed: number;
  removed: number;
  /** Jobs the plan had recorded but Redis no longer had. */
  recreated: number;
  unchanged: number;
  /** Newly planned reminders whose time already passed when the plan was loaded (not sent late). */
  skippedPast: number;
}

const PENDING = new Set(['delayed', 'waiting', 'prioritized', 'paused', 'waiting-children']);
const CHUNK = 500;

export function planKey(prefix: string, tenant: string): string {
  return `${prefix}:reminder-plan:${tenant.replace(/[{}]/g, '_')}`;
}

export function planLockKey(prefix: string, tenant: string): string {
  return `${prefix}:reminder-plan-lock:${tenant.replace(/[{}]/g, '_')}`;
}

/** Plan the ledger for [today − lookback, today + horizon] and sync the queue to it. */
export async function planReminderJobs(input: PlanInput, deps: SyncDeps): Promise<SyncReport> {
  const now = (deps.now ?? (() => new Date()))();
  const today = shanghaiDate(now);
  const reminders = planReminders(input.ledger, {
    today: addDays(today, -LOOKBACK_DAYS),
    until: addDays(today, input.horizonDays ?? 60),
    config: { ...input.config, tenant: input.tenant },
    ...(input.resolveUnit ? { resolveUnit: input.resolveUnit } : {}),
  });
  return syncReminderJobs(input.tenant, reminders, { ...deps, now: () => now });
}

/**
 * Sync the queue to exactly `reminders` for `tenant`. `reminders` should cover
 * a window that starts before today (see LOOKBACK_DAYS): pending jobs outside
 * it are treated as no longer planned and removed.
 */
export async function syncReminderJobs(tenant: string, reminders: Reminder[], deps: SyncDeps): Promise<SyncReport> {
  const prefix = deps.prefix ?? DEFAULT_PREFIX;
  const { queue, redis } = deps;
  const log = deps.log.child({ component: 'plan-reminders', tenant });
  const now = (deps.now ?? (() => new Date()))();
  const today = shanghaiDate(now);
  const report: SyncReport = { tenant, ran: false, planned: 0, added: 0, changed: 0, removed: 0, recreated: 0, unchanged: 0, skippedPast: 0 };

  const lease = await acquireLease(redis, planLockKey(prefix, tenant), {
    ttlMs: deps.lockTtlMs ?? 30_000,
    waitMs: deps.lockWaitMs ?? 15_000,
  });
  if (!lease) {
    log.warn({ event: 'reminders.plan.locked' }, 'another replica is planning reminders; skipped');
    return report;
  }
  try {
    report.ran = true;
    const key = planKey(prefix, tenant);
    const planned = new Map<string, { data: ReminderJobData; fp: string }>();
    for (const r of reminders) {
      if (r.tenant !== tenant) continue;
      const data = toJobData(r);
      planned.set(r.id, { data, fp: fingerprint(data) });
    }
    report.planned = planned.size;
    const existing = await redis.hgetall(key);

    const toAdd: ReminderJobData[] = [];
    const toCheck: string[] = [];
    const changed: Array<{ data: ReminderJobData; fp: string }> = [];
    for (const [id, p] of planned) {
      const prev = existing[id];
      const future = p.data.fireDate >= today;
      if (prev === undefined) {
        if (future) toAdd.push(p.data);
        else report.skippedPast++;
      } else if (prev === p.fp) {
        report.unchanged++;
        if (future) toCheck.push(id);
      } else {
        changed.push(p);
      }
    }
    const stale = Object.keys(existing).filter((id) => !planned.has(id));

    // Reconcile: recorded and due in the future, but the job is gone from Redis.
    for (let i = 0; i < toCheck.length; i += CHUNK) {
      const ids = toCheck.slice(i, i + CHUNK);
      const pipe = redis.pipeline();
      for (const id of ids) pipe.exists(queue.toKey(id));
      const res = (await pipe.exec()) ?? [];
      ids.forEach((id, j) => {
        if (res[j]?.[1] === 0) {
          toAdd.push(planned.get(id)!.data);
          report.recreated++;
          report.unchanged--;
        }
      });
    }

    for (const p of changed) {
      if (!lease.held) throw new Error('lost the planning lease');
      const job = await queue.getJob(p.data.id);
      const state = job ? await job.getState() : 'unknown';
      const delay = Math.max(0, Date.parse(p.data.fireAt) - now.getTime());
      if (!job || state === 'unknown') {
        if (p.data.fireDate >= today) toAdd.push(p.data);
        else report.skippedPast++;
      } else if (state === 'delayed') {
        await job.updateData(p.data);
        await job.changeDelay(delay);
        report.changed++;
      } else if (PENDING.has(state)) {
        // Already due but not yet processed: replace it so it fires at the new time.
        await job.remove();
        if (p.data.fireDate >= today) toAdd.push(p.data);
        report.changed++;
      }
      // active/completed/failed: this reminder was already sent (or is being sent); leave it.
      await redis.hset(key, p.data.id, p.fp);
    }

    // Two chunks in flight: Redis works on one while the next is serialised here.
    const addChunk = async (chunk: ReminderJobData[]) => {
      if (!lease.held) throw new Error('lost the planning lease');
      const fields: string[] = [];
      for (const data of chunk) fields.push(data.id, planned.get(data.id)!.fp);
      // Jobs and fingerprints in parallel: whichever lands alone, the next sync repairs it
      // (a fingerprint without its job is recreated by the existence check above).
      await Promise.all([
        queue.addBulk(
          chunk.map((data) => ({
            name: REMINDER_JOB,
            data,
            opts: { jobId: data.id, delay: Math.max(0, Date.parse(data.fireAt) - now.getTime()) },
          })),
        ),
        redis.hset(key, ...(fields as [string, string])),
      ]);
    };
    let inFlight: Promise<void> | undefined;
    for (let i = 0; i < toAdd.length; i += CHUNK) {
      const next = addChunk(toAdd.slice(i, i + CHUNK));
      // Awaited below; this only keeps a failure from being "unhandled" while the previous chunk is awaited.
      next.catch(() => undefined);
      if (inFlight) await inFlight;
      inFlight = next;
    }
    await inFlight;
    report.added = toAdd.length - report.recreated;

    for (let i = 0; i < stale.length; i += CHUNK) {
      if (!lease.held) throw new Error('lost the planning lease');
      const ids = stale.slice(i, i + CHUNK);
      for (const id of ids) {
        const job = await queue.getJob(id);
        if (!job) continue;
        const state = await job.getState();
        if (PENDING.has(state)) {
          try {
            await job.remove();
            report.removed++;
          } catch (err) {
            log.warn({ event: 'reminders.plan.remove_failed', jobId: id, err: err }, 'could not remove job');
          }
        }
      }
      await redis.hdel(key, ...ids);
    }

    log.info({ event: 'reminders.plan.synced', ...report }, 'reminder jobs synced');
    return report;
  } finally {
    await lease.release();
  }
}
