import type { Plans } from '../chat/context.js';
import { ledgerDirectory } from '../ledger/queries.js';
import type { UnitDirectory } from '../units/directory.js';
import { findNumberRef } from '../search/numbering.js';
import { statusOf } from './status-words.js';
import type { ReportStatus } from './types.js';

/**
 * Reading the arguments of /进展, /办结 and /退回. Pure.
 *   /进展 <任务> [单位] <状态> [说明]     status = 已完成|推进中|有困难|未启动 (synonyms: status-words.ts)
 *   /办结 <任务> [单位]
 *   /退回 <任务> [单位] <原因>
 * The unit is recognised as a whole word that names a unit (directory or
 * plans); the task is whatever precedes it.
 */

export interface ReportArgs {
  /** Task reference and optional unit, as typed before the status. */
  before: string;
  status?: ReportStatus;
  note: string;
}

export function parseReportArgs(args: string): ReportArgs {
  const tokens = args.trim().split(/\s+/u).filter(Boolean);
  for (let i = 0; i < tokens.length; i++) {
    const s = statusOf(tokens[i]!);
    if (!s) continue;
    const note = [s.rest, ...tokens.slice(i + 1)].filter(Boolean).join(' ');
    return { before: tokens.slice(0, i).join(' '), status: s.status, note };
  }
  return { before: tokens.join(' '), note: '' };
}

const directories = new WeakMap<Plans, UnitDirectory>();

/** The directory plus every unit the loaded plans name (built once per load). */
export function plansDirectory(plans: Plans): UnitDirectory {
  let d = directories.get(plans);
  if (!d) directories.set(plans, (d = ledgerDirectory(plans.ledger, plans.units)));
  return d;
}

/** How office names end; keeps a keyword such as "审批" from being read as a unit by a partial match. */
const UNIT_SUFFIX = /(?:局|办|委|委员会|中心|院|馆|部|室|所|队|会|站|公司|集团|政府|厅|处|科|组|社|行|台|署)$/u;

/**
 * Does this word name a unit? Exact names and aliases, or an office-like word
 * the directory knows (possibly several offices, e.g. 发改局 in two plans).
 */
export function unitWord(plans: Plans, word: string): boolean {
  if (!word) return false;
  const dir = plansDirectory(plans);
  if (dir.entryOf(word)) return true;
  if (!UNIT_SUFFIX.test(word)) return false;
  const r = dir.resolve(word);
  return r.unit !== undefined || r.suggestions.length > 1;
}

/** "三（二）1 县财政局" -> task "三（二）1", unit "县财政局" (the unit as typed). */
export function splitTaskAndUnit(plans: Plans, text: string): { task: string; unit?: string } {
  const tokens = text.trim().split(/\s+/u).filter(Boolean);
  if (tokens.length >= 2 && unitWord(plans, tokens[tokens.length - 1]!)) {
    return { task: tokens.slice(0, -1).join(' '), unit: tokens[tokens.length - 1]! };
  }
  return { task: tokens.join(' ') };
}

/** /办结 and /退回: task words, then a unit word, then (for 退回) the reason. */
export function parseDecisionArgs(plans: Plans, args: string): { task: string; unit?: string; rest: string } {
  const tokens = args.trim().split(/\s+/u).filter(Boolean);
  for (let k = 1; k < tokens.length; k++) {
    if (unitWord(plans, tokens[k]!)) return { task: tokens.slice(0, k).join(' '), unit: tokens[k]!, rest: tokens.slice(k + 1).join(' ') };
  }
  return { task: tokens[0] ?? '', rest: tokens.slice(1).join(' ') };
}

/**
 * Words left over when /进展 found no status word: what follows the task
 * reference (the last numbering token, else the first word) and an optional
 * unit — "好了吗" in "/进展 一（一） 好了吗". Replying to a card the task is
 * implied, so everything after an optional unit is left over. Empty when the
 * message only names a task (a request for its history).
 */
export function strayWords(plans: Plans, before: string, taskImplied: boolean): string {
  const tokens = before.trim().split(/\s+/u).filter(Boolean);
  let i = 0;
  if (!taskImplied) {
    let lastRef = -1;
    tokens.forEach((t, k) => {
      if (findNumberRef(t)) lastRef = k;
    });
    i = lastRef >= 0 ? lastRef + 1 : 1;
  }
  if (i < tokens.length && unitWord(plans, tokens[i]!)) i += 1;
  return tokens.slice(i).join(' ');
}
