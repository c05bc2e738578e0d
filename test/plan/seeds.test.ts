import { describe, expect, it } from 'vitest';
import { evalParser, parseSeeds, readGold } from '../../scripts/eval-parser.js';

// The gold ledger is hand-checked; explicit fields must match it exactly.
// Implied leads are judgement calls and are only reported by `npm run eval`.
describe('parser against the hand-checked seed ledger', () => {
  const docs = parseSeeds();
  const result = evalParser(docs);

  it('finds every gold item and no extra ones', () => {
    expect(result.items.missing).toEqual([]);
    expect(result.items.extra).toEqual([]);
    expect(result.items.found).toBe(readGold().length);
  });

  it.each(['leads', 'co', 'deadlines', 'recurring', 'relative', 'clauses'] as const)('%s agree with gold', (field) => {
    expect(result.fields[field].misses).toEqual([]);
  });

  it('reads each covering notice', () => {
    const byFile = Object.fromEntries(docs.map((d) => [d.file, d]));
    expect(byFile['003_cdc8212ff34390a1.txt']).toMatchObject({ docNumber: '庆政办发〔2022〕37号', issuedOn: '2022-06-13', year: 2022, issuer: '庆元县人民政府办公室' });
    expect(byFile['000_98e9f3d8f7875651.txt']).toMatchObject({ title: '广元市2022年政务公开重点工作安排', issuedOn: '2022-05-10' });
    expect(byFile['004_8fd3acf2a802878a.txt']).toMatchObject({ docNumber: '绵游府办发〔2018〕45号', year: 2018 });
    expect(byFile['002_5f755d274c664f4a.txt']!.docNumber).toBe(''); // only cites others' numbers
  });
});
