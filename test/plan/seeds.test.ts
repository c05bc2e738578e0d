import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evalParser, parseSeeds, readGold } from '../../scripts/eval-parser.js';
import { BUNDLED_SEEDS } from '../fixtures/search/seed-ledgers.js';

// ../shared/eval/seeds-gold.jsonl with each file renamed to the bundled seeds/ file of identical content,
// so this runs on a clone with nothing beside it.
const GOLD = readGold(join(import.meta.dirname, '..', 'fixtures', 'plan', 'seeds-gold.jsonl'));

// The gold ledger is hand-checked; explicit fields must match it exactly.
// Implied leads are judgement calls and are only reported by `npm run eval`.
describe('parser against the hand-checked seed ledger', () => {
  const docs = parseSeeds(GOLD, BUNDLED_SEEDS);
  const result = evalParser(docs, GOLD);

  it('finds every gold item and no extra ones', () => {
    expect(result.items.missing).toEqual([]);
    expect(result.items.extra).toEqual([]);
    expect(result.items.found).toBe(GOLD.length);
  });

  it.each(['leads', 'co', 'deadlines', 'recurring', 'relative', 'clauses'] as const)('%s agree with gold', (field) => {
    expect(result.fields[field].misses).toEqual([]);
  });

  it('reads each covering notice', () => {
    const byFile = Object.fromEntries(docs.map((d) => [d.file, d]));
    expect(byFile['qingyuan-2022-zhengwu-gongkai.txt']).toMatchObject({ docNumber: '庆政办发〔2022〕37号', issuedOn: '2022-06-13', year: 2022, issuer: '庆元县人民政府办公室' });
    expect(byFile['guangyuan-2022-zhengwu-gongkai.txt']).toMatchObject({ title: '广元市2022年政务公开重点工作安排', issuedOn: '2022-05-10' });
    expect(byFile['youxian-2018-zhengwu-gongkai.txt']).toMatchObject({ docNumber: '绵游府办发〔2018〕45号', year: 2018 });
    expect(byFile['chaoyang-2022-zhengwu-gongkai.txt']!.docNumber).toBe(''); // only cites others' numbers
  });
});
