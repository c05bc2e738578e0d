import type { Plans } from '../chat/context.js';
import type { ProgressStore } from '../progress/types.js';
import { assignmentsFor, unitNames } from './units.js';
import { buildWeeklySummary, type BindingLike, type WeeklySummary } from './weekly.js';

/**
 * Read what a summary needs through the injected stores and build it. The
 * only async step of the summary: no I/O of its own, so /周报, /台账, the
 * weekly job and the CLI share one path from log to figures.
 */

export interface GatherInput {
  plans: Pick<Plans, 'ledger' | 'units'>;
  tenant: string;
  /** Absent: no progress log is reachable; every item counts as not reported. */
  store?: Pick<ProgressStore, 'state' | 'all'>;
  /** The tenant's bindings, when known. */
  bindings?: { list(tenant: string): Promise<readonly BindingLike[]> };
  now: Date;
  /**
   * Read the whole log for "reported this week". Default false: the derived
   * state's lastReportAt says the same (every report moves it, even one that
   * cannot change a closed task) without reading 100k events.
   */
  withEvents?: boolean;
}

export async function gatherSummary(input: GatherInput): Promise<WeeklySummary> {
  const { plans, tenant, store } = input;
  const [progress, events, bindings] = await Promise.all([
    store ? store.state(tenant) : Promise.resolve(new Map()),
    store && input.withEvents === true ? store.all(tenant) : Promise.resolve(undefined),
    input.bindings ? input.bindings.list(tenant) : Promise.resolve(undefined),
  ]);
  return buildWeeklySummary({
    ledger: plans.ledger,
    progress,
    ...(events ? { events } : {}),
    ...(bindings ? { bindings } : {}),
    now: input.now,
    resolveUnit: unitNames(plans).canonical,
    assignments: assignmentsFor(plans),
  });
}
