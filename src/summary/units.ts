import type { Plans } from '../chat/context.js';
import type { Ledger } from '../plan/schema.js';
import { foldTight } from '../search/fold.js';
import { UnitDirectory, type Resolution, type UnitEntry } from '../units/directory.js';
import { isGenericUnitName, keyString, unitKey } from '../units/normalize.js';
import { assignmentsOf, type Assignments } from './assignments.js';

/**
 * One way to name units across summaries, bindings and progress: the
 * directory merged with the names the plans use (the rule /任务 applies:
 * same normalised key and level = one office), so 发改局, 县发改局 and
 * 县发展和改革局 count as one. Built once per loaded plans (ledgers are never
 * mutated), in one pass over the plan's names keyed by normalised key, so
 * 10,000 tasks cost milliseconds, not a pairwise comparison.
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
    names = build(plans.ledger, plans.units);
    cache.set(plans.ledger, names);
  }
  return names;
}

function planNames(ledger: Ledger): Iterable<string> {
  const seen = new Set<string>();
  for (const doc of ledger.documents) {
    for (const t of doc.tasks) {
      for (const n of t.leads) seen.add(n);
      for (const n of t.co) seen.add(n);
      for (const c of t.clauses) {
        for (const n of c.leads) seen.add(n);
        for (const n of c.co) seen.add(n);
      }
    }
  }
  return seen;
}

function build(ledger: Ledger, dir: UnitDirectory): UnitNames {
  const byName = new Map<string, string>();
  const extra = new Map<string, UnitEntry>();
  for (const raw of planNames(ledger)) {
    const name = raw.trim();
    if (!name) continue;
    const known = dir.entryOf(name);
    if (known) {
      byName.set(raw, known.entry.name);
      continue;
    }
    const key = isGenericUnitName(name) ? `generic|${foldTight(name)}` : keyString(unitKey(name));
    let entry = extra.get(key);
    if (!entry) extra.set(key, (entry = { name, aliases: [] }));
    else if (foldTight(entry.name) !== foldTight(name) && !entry.aliases.includes(name)) entry.aliases.push(name);
    byName.set(raw, entry.name);
  }
  const merged = UnitDirectory.fromEntries([...dir.all(), ...extra.values()]);
  const memo = new Map<string, string>();
  return {
    canonical(name) {
      let c = byName.get(name) ?? memo.get(name);
      if (c === undefined) {
        const n = name.trim();
        c = byName.get(n) ?? merged.entryOf(n)?.entry.name ?? n;
        memo.set(name, c);
      }
      return c;
    },
    lookup: (query) => merged.resolve(query),
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
