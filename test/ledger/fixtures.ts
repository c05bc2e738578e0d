import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ledger } from '../../src/plan/schema.js';

/** Hand-made ledgers under test/fixtures/ledger, checked against the contract on load. */
export function loadLedger(name: string): Ledger {
  const path = fileURLToPath(new URL(`../fixtures/ledger/${name}`, import.meta.url));
  return Ledger.parse(JSON.parse(readFileSync(path, 'utf8')));
}
