import type { Plans } from '../chat/context.js';
import type { Reply } from '../chat/types.js';
import type { ProgressStore } from '../progress/types.js';
import { callReply, openItems } from './call.js';
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

/**
 * The 催报 card of `unit` as it stands now: what a click on one of its buttons
 * should turn the card into (the reported task shows its new state, or leaves
 * the list once 已完成), so the other tasks keep their buttons.
 */
export async function callCardFor(input: Omit<GatherInput, 'bindings' | 'withEvents'> & { unit: string; summaryDay?: string }): Promise<Reply> {
  const summary = await gatherSummary({ plans: input.plans, tenant: input.tenant, ...(input.store ? { store: input.store } : {}), now: input.now });
  const unit = unitNames(input.plans).canonical(input.unit);
  return callReply(unit, openItems(summary.items, unit), { weekName: summary.week.name, ...(input.summaryDay ? { summaryDay: input.summaryDay } : {}) });
}
