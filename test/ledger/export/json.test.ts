import { describe, expect, it } from 'vitest';
import { exportJson } from '../../../src/ledger/export/json.js';
import { Ledger } from '../../../src/plan/schema.js';
import { loadLedger } from '../fixtures.js';

describe('exportJson', () => {
  it('prints the ledger unchanged, readable back against the contract', () => {
    const ledger = loadLedger('county-plan.json');
    const text = exportJson(ledger);
    expect(text.endsWith('\n')).toBe(true);
    expect(Ledger.parse(JSON.parse(text))).toEqual(ledger);
    expect(JSON.parse(text).documents[0].tasks[0].path).toEqual(['一、', '（一）']);
  });
});
