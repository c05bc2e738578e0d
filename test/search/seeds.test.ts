import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse.js';
import { PlanIndex } from '../../src/search/index.js';
import { evalQuestions, loadQuestions } from '../../scripts/eval-questions.js';
import { fixtureLedger, FIXTURE_QUESTIONS } from '../fixtures/search/fixture-ledger.js';
import { parsedSeedsLedger, SEED_QUESTIONS } from '../fixtures/search/seed-ledgers.js';

describe('answers on the bundled seeds (what a new user sees first)', () => {
  const index = PlanIndex.build(parsedSeedsLedger());
  const top = (q: string) => index.ask(q)[0];

  it('减税降费谁牵头 -> 县税务局, from the 庆元 plan, clause only', () => {
    const a = top('减税降费谁牵头？');
    expect(a?.leads).toEqual(['县税务局']);
    expect(a?.file).toBe('qingyuan-2022-zhengwu-gongkai.txt');
    expect(a?.excerpt).toContain('减税降费');
  });

  it('庆元 减税降费 哪个单位负责 -> 县税务局', () => {
    expect(top('庆元 减税降费 哪个单位负责')?.leads).toEqual(['县税务局']);
  });

  it('IPv6改造归谁管 -> 市营商局, labelled as inferred', () => {
    const a = top('IPv6改造归谁管');
    expect(a?.leads).toEqual(['市营商局']);
    expect(a?.leadSource).toBe('implied');
  });

  it('牵头单位是谁：政府网站找错留言 -> 县大数据发展中心', () => {
    expect(top('牵头单位是谁：政府网站找错留言')?.leads).toEqual(['县大数据发展中心']);
  });
});

describe('question eval', () => {
  it('answers at least 95% of the seed questions', async () => {
    const r = await evalQuestions(parsedSeedsLedger(), { questions: loadQuestions(SEED_QUESTIONS) });
    expect(r.correct / r.total).toBeGreaterThanOrEqual(0.95);
  });

  it('answers at least 95% of questions on plans written apart from the seeds (other provinces, a table, traditional characters)', async () => {
    const r = await evalQuestions(fixtureLedger(), { questions: loadQuestions(FIXTURE_QUESTIONS) });
    expect(r.strict / r.total).toBeGreaterThanOrEqual(0.95);
  });

  it('answers at least 90% of the held-out questions with every plan loaded at once', async () => {
    const dir = join(import.meta.dirname, '../fixtures/search/holdout');
    const holdout = readdirSync(dir).filter((f) => f.endsWith('.txt')).map((f) => parsePlan(readFileSync(join(dir, f)), f));
    const ledger = { documents: [...parsedSeedsLedger().documents, ...fixtureLedger().documents, ...holdout] };
    const r = await evalQuestions(ledger, { questions: loadQuestions(join(dir, 'questions.jsonl')) });
    expect(r.strict / r.total).toBeGreaterThanOrEqual(0.9);
  });
});
