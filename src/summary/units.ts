import type { Plans } from '../chat/context.js';
import { ledgerDirectory } from '../ledger/queries.js';
import type { UnitDirectory, Resolution } from '../units/directory.js';
import { assignmentsOf, type Assignments } from './assignments.js';

/**
 * One way to name units across summaries, bindings and progress: the
 * directory merged with the names the plans use (as /任务 resolves them), so
 * 发改局, 县发改局 and 县发展和改革局 count as one office. Built once per
 * loaded plans (ledgers are never mutated).
 */

export interface UnitNames {
  /** Canonical name of a unit as written anywhere (plan, binding, report). */
  canonical(name: string): string;
  /** What a person typed ("财政局") → the unit, or suggestions. */
  lookup(query: string): Resolution;
}

const cache = new WeakMap<object, UnitNames>();

export function unitNames(plans: Pick<Plans, 'ledger' | 'units'>): UnitNames {
  let names = cache.get(plans.ledger);
  if (!names) {
    names = build(ledgerDirectory(plans.ledger, plans.units));
    cache.set(plans.ledger, names);
  }
  return names;
}

function build(dir: UnitDirectory): UnitNames {
  const memo = new Map<string, string>();
  return {
    canonical(name) {
      let c = memo.get(name);
      if (c === undefined) {
        const n = name.trim();
        c = dir.entryOf(n)?.entry.name ?? n;
        memo.set(name, c);
      }
      return c;
    },
    lookup: (query) => dir.resolve(query),
  };
}

const assignmentCache = new WeakMap<object, Assignments>();

/** The plans' assignments under these unit names, computed once per loaded ledger. */
export function assignmentsFor(plans: Pick<Plans, 'ledger' | 'units'>): Assignments {
  let a = assignmentCache.get(plans.ledger);
  if (!a) {
    a = assignmentsOf(plans.ledger, unitNames(plans).canonical);
    assignmentCache.set(plans.ledger, a);
  }
  return a;
}
