import type { Ledger } from '../../plan/schema.js';

/** The ledger as-is: the `cli parse --format json` contract. Pretty, so diffs of ledgers are readable. */
export function exportJson(ledger: Ledger): string {
  return `${JSON.stringify(ledger, null, 2)}\n`;
}
