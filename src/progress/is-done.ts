import type { UnitDirectory } from '../units/directory.js';
import { deriveState } from './state.js';
import type { ProgressStore } from './types.js';

/**
 * The reminder worker's `IsDone` (jobs/reminder-worker.ts) from the progress
 * log: a (task, unit) is done once a supervisor confirmed it (已办结). 待确认
 * is not done: until someone confirms, the unit is still reminded.
 *
 * Reminders name the unit as the directory does (庆元县发展和改革局), events as
 * the plan wrote it (县发改局): with a directory they are compared through it.
 * `tenant` overrides the reminder's own tenant (single-tenant deployments
 * whose Lark tenant_key differs from the scheduler's).
 */
export function isDoneFromStore(
  store: Pick<ProgressStore, 'history'>,
  tenant?: string,
  units?: UnitDirectory | (() => UnitDirectory),
): (taskId: string, unit: string, reminder?: { tenant: string }) => Promise<boolean> {
  return async (taskId, unit, reminder) => {
    const t = tenant ?? reminder?.tenant;
    if (!t) return false;
    const dir = typeof units === 'function' ? units() : units;
    const state = deriveState(await store.history(t, taskId));
    for (const p of state.values()) {
      if (p.state !== 'closed') continue;
      if (p.unit === unit || dir?.sameUnit(p.unit, unit)) return true;
    }
    return false;
  };
}
