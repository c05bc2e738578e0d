import type { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Plans } from '../chat/context.js';
import type { ReminderConfigInput } from '../reminders/types.js';
import { planReminderJobs } from '../../jobs/plan-reminders.js';
import type { ReminderJobData } from '../../jobs/reminder-queue.js';
import type { ReplanSummary } from './registry.js';

/**
 * Re-plan reminders for every tenant from the plans as they are now: what
 * services.ts runs at start-up, every hour, and as the registry's hook after
 * each plan load, so a moved deadline moves its jobs and a removed task's
 * jobs go. Each tenant's sync is idempotent and lease-guarded
 * (jobs/plan-reminders.ts), so replicas may all run it.
 */

export interface ReplanDeps {
  plans: () => Plans;
  tenants: () => Promise<string[]>;
  queue: Queue<ReminderJobData>;
  redis: Redis | Cluster;
  prefix: string;
  config: Omit<ReminderConfigInput, 'tenant'>;
  log: Logger;
  now?: () => Date;
}

export function createReplan(deps: ReplanDeps): () => Promise<ReplanSummary> {
  return async () => {
    const plans = deps.plans();
    const total: ReplanSummary = { tenants: 0, added: 0, changed: 0, removed: 0 };
    for (const tenant of await deps.tenants()) {
      const report = await planReminderJobs(
        { tenant, ledger: plans.ledger, config: deps.config, resolveUnit: (name) => plans.units.entryOf(name)?.entry.name },
        { queue: deps.queue, redis: deps.redis, log: deps.log, prefix: deps.prefix, ...(deps.now ? { now: deps.now } : {}) },
      );
      deps.log.info({ event: 'reminders_planned', ...report }, 'reminders planned');
      total.tenants += 1;
      total.added += report.added + report.recreated;
      total.changed += report.changed;
      total.removed += report.removed;
    }
    return total;
  };
}
