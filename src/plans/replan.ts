import type { Logger } from 'pino';
import type { Plans } from '../chat/context.js';
import type { Ledger } from '../plan/schema.js';
import type { ReminderConfigInput } from '../reminders/types.js';
import type { ReplanSummary } from './registry.js';

/**
 * Re-plan reminders for every tenant from the plans as they are now: what
 * services.ts runs at start-up, every hour, and as the registry's hook after
 * each plan load, so a moved deadline moves its jobs and a removed task's
 * jobs go. Each tenant's sync is idempotent and lease-guarded; it is a port
 * (in production jobs/plan-reminders.ts planReminderJobs on the reminder
 * queue), so this file knows no queue.
 */

/** What one tenant's sync is given, and what it reports back. */
export interface TenantPlan {
  tenant: string;
  ledger: Ledger;
  config: Omit<ReminderConfigInput, 'tenant'>;
  resolveUnit: (name: string) => string | undefined;
}
export type SyncTenant = (input: TenantPlan) => Promise<{ tenant: string; added: number; recreated: number; changed: number; removed: number }>;

export interface ReplanDeps {
  plans: () => Plans;
  tenants: () => Promise<string[]>;
  sync: SyncTenant;
  config: Omit<ReminderConfigInput, 'tenant'>;
  log: Logger;
}

export function createReplan(deps: ReplanDeps): () => Promise<ReplanSummary> {
  return async () => {
    const plans = deps.plans();
    const total: ReplanSummary = { tenants: 0, added: 0, changed: 0, removed: 0 };
    for (const tenant of await deps.tenants()) {
      const report = await deps.sync({ tenant, ledger: plans.ledger, config: deps.config, resolveUnit: (name) => plans.units.entryOf(name)?.entry.name });
      deps.log.info({ event: 'reminders_planned', ...report }, 'reminders planned');
      total.tenants += 1;
      total.added += report.added + report.recreated;
      total.changed += report.changed;
      total.removed += report.removed;
    }
    return total;
  };
}
