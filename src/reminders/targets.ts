import { isGenericUnitName } from '../units/normalize.js';
import type { ReminderTarget, UnitResolver } from './types.js';

/**
 * Who receives a deadline's reminders. Named units get their own; leads that
 * name a class of units ("各有关单位", "各乡镇", "区政府各部门") cannot be
 * bound to one group, so they — and items naming no lead at all — become one
 * reminder to the supervisors, who forward it.
 */

/** Label used as `unit` when the document names no lead. */
export const NO_LEAD = '未明确牵头单位';

export function isGenericUnit(name: string, declaredGeneric: readonly string[] = []): boolean {
  const n = name.trim();
  if (declaredGeneric.includes(n)) return true;
  // The unit directory's rule (used by /绑定 too), plus the issue's: 各…, …有关/相关…, …各部门.
  return isGenericUnitName(n) || n.startsWith('各') || /有关|相关|各部门|各单位/u.test(n);
}

export interface Recipient {
  unit: string;
  target: ReminderTarget;
}

export function recipientsFor(
  leads: readonly string[],
  declaredGeneric: readonly string[],
  resolve: UnitResolver,
): Recipient[] {
  const named: string[] = [];
  const generic: string[] = [];
  for (const raw of leads) {
    const lead = raw.trim();
    if (!lead) continue;
    if (isGenericUnit(lead, declaredGeneric)) {
      if (!generic.includes(lead)) generic.push(lead);
      continue;
    }
    const unit = resolve(lead) ?? lead;
    if (!named.includes(unit)) named.push(unit);
  }
  const out: Recipient[] = named.map((unit) => ({ unit, target: { kind: 'unit', unit } }));
  if (generic.length > 0) out.push({ unit: generic.join('、'), target: { kind: 'supervisors' } });
  if (out.length === 0) out.push({ unit: NO_LEAD, target: { kind: 'supervisors' } });
  return out;
}
