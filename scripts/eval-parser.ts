import { readFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parsePlan } from '../src/plan/parse.js';
import type { PlanDocument, Task } from '../src/plan/schema.js';

/** Where the seeds and their gold ledger live (shared/ sits beside the repo). */
export const SHARED = process.env.DUBAN_SHARED ?? join(import.meta.dirname, '..', '..', 'shared');

export interface GoldItem {
  doc: string;
  path: string[];
  title: string;
  leads: string[];
  co: string[];
  implied_leads: string[];
  deadlines: Array<{ text: string; date: string }>;
  recurring: Array<{ text: string; rule: string }>;
  relative: Array<{ text: string }>;
  clauses: Array<{ leads: string[]; text_start: string }>;
}

/** The hand-checked seed ledger; tests pass the repository's copy (test/fixtures/plan/), which names the bundled seeds/. */
export function readGold(file = join(SHARED, 'eval', 'seeds-gold.jsonl')): GoldItem[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as GoldItem);
}

export function parseSeeds(gold = readGold(), dir = join(SHARED, 'seeds')): PlanDocument[] {
  const docs = [...new Set(gold.map((g) => g.doc))];
  return docs.map((d) => parsePlan(readFileSync(join(dir, d)), basename(d)));
}

const same = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join('|') === [...b].sort().join('|');
const sameSet = (a: string[], b: string[]) => same([...new Set(a)], [...new Set(b)]);

export interface FieldScore {
  agree: number;
  total: number;
  misses: string[];
}

export interface ParserEval {
  items: { gold: number; found: number; extra: string[]; missing: string[] };
  fields: Record<'leads' | 'co' | 'deadlines' | 'recurring' | 'relative' | 'clauses' | 'impliedLeads', FieldScore>;
}

/** Compare the parser's ledger with the hand-checked gold, field by field. */
export function evalParser(documents = parseSeeds(), gold = readGold()): ParserEval {
  const byKey = new Map<string, Task>();
  for (const d of documents) for (const t of d.tasks) byKey.set(`${d.file}|${t.path.join('')}`, t);
  const goldKeys = new Set(gold.map((g) => `${g.doc}|${g.path.join('')}`));
  const score = (): FieldScore => ({ agree: 0, total: 0, misses: [] });
  const fields = {
    leads: score(), co: score(), deadlines: score(), recurring: score(), relative: score(), clauses: score(), impliedLeads: score(),
  };
  const check = (f: FieldScore, ok: boolean, key: string, got: unknown, want: unknown) => {
    f.total++;
    if (ok) f.agree++;
    else f.misses.push(`${key}: got ${JSON.stringify(got)} want ${JSON.stringify(want)}`);
  };
  const missing: string[] = [];
  for (const g of gold) {
    const key = `${g.doc}|${g.path.join('')}`;
    const t = byKey.get(key);
    if (!t) {
      missing.push(key);
      continue;
    }
    check(fields.leads, same(t.leads, g.leads), key, t.leads, g.leads);
    check(fields.co, same(t.co, g.co), key, t.co, g.co);
    check(fields.deadlines, sameSet(t.deadlines.map((d) => d.date), g.deadlines.map((d) => d.date)), key, t.deadlines, g.deadlines.map((d) => d.date));
    check(fields.recurring, sameSet(t.recurring.map((r) => r.rule), g.recurring.map((r) => r.rule)), key, t.recurring, g.recurring.map((r) => r.rule));
    check(fields.relative, t.relative.length > 0 === g.relative.length > 0, key, t.relative, g.relative);
    const clauseOk =
      t.clauses.length === g.clauses.length &&
      g.clauses.every((c, i) => same(t.clauses[i]!.leads, c.leads) && t.clauses[i]!.text.replace(/\s/g, '').startsWith(c.text_start.replace(/\s/g, '').slice(0, 6)));
    check(fields.clauses, clauseOk, key, t.clauses.map((c) => [c.leads, c.text.slice(0, 12)]), g.clauses.map((c) => [c.leads, c.text_start]));
    check(fields.impliedLeads, same(t.impliedLeads, g.implied_leads), key, t.impliedLeads, g.implied_leads);
  }
  const extra = [...byKey.keys()].filter((k) => !goldKeys.has(k));
  return { items: { gold: gold.length, found: gold.length - missing.length, extra, missing }, fields };
}

export function printParserEval(r: ParserEval, verbose = false): void {
  console.log(`解析 parser vs gold: items ${r.items.found}/${r.items.gold} found, ${r.items.extra.length} extra`);
  for (const k of r.items.missing) console.log(`  missing ${k}`);
  for (const k of r.items.extra) console.log(`  extra   ${k}`);
  for (const [name, f] of Object.entries(r.fields)) {
    const pct = f.total ? ((100 * f.agree) / f.total).toFixed(1) : '-';
    console.log(`  ${name.padEnd(13)} ${f.agree}/${f.total} (${pct}%)${name === 'impliedLeads' ? '  [judgement calls: agreement only]' : ''}`);
    if (verbose) for (const m of f.misses) console.log(`      ${m}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}` && existsSync(SHARED)) {
  printParserEval(evalParser(), process.argv.includes('-v'));
}
