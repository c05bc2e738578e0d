import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../src/plan/parse.js';
import type { PlanDocument } from '../../src/plan/schema.js';
import { SAMPLE } from '../fixtures/formats/sample-plan.js';

/**
 * The one sample plan as text, Word, a saved page, PDF and Excel: every format
 * gives the same ledger — the same tasks in the same order with the same
 * leads, co-units and dates. Excel holds only the task table, so it is held
 * to the table's rows.
 */

const dir = join(import.meta.dirname, '..', 'fixtures', 'formats');
const read = (f: string) => parseDocument(new Uint8Array(readFileSync(join(dir, f))), f.split('/').pop()!);

/** The sample as an office would paste it into a .txt: numbered prose, then the table with tabs. */
function asText(): string {
  const cn = '一二三四五六七八九';
  const lines: string[] = [SAMPLE.title, SAMPLE.docNumber, SAMPLE.intro];
  SAMPLE.sections.forEach((s, i) => {
    lines.push(`${cn[i]}、${s.heading}`);
    s.items.forEach((it, j) => lines.push(`（${cn[j]}）${it.text}`));
  });
  lines.push('附件', SAMPLE.tableHeader.join('\t'));
  SAMPLE.rows.forEach((r, i) => lines.push([String(i + 1), r.area, r.measure, r.lead, r.co, r.deadline].join('\t')));
  return lines.join('\n');
}

type Row = [string[], string[], string[]];
const rows = (d: PlanDocument): Row[] => d.tasks.map((t) => [t.leads, t.co, t.deadlines.map((x) => x.date)]);
const itemsWant: Row[] = SAMPLE.sections.flatMap((s) => s.items.map((i): Row => [[...i.leads], [...i.co], [...i.due]]));
const rowsWant: Row[] = SAMPLE.rows.map((r): Row => [[r.lead], r.co ? r.co.split('、') : [], [...r.due]]);

describe('the same plan in every format', () => {
  it('text, .docx, .doc, saved page and PDF give the prose items and the table rows, in order', async () => {
    const text = await parseDocument(new TextEncoder().encode(asText()), 'sample.txt');
    expect(rows(text)).toEqual([...itemsWant, ...rowsWant]);
    for (const f of ['word/sample-plan.docx', 'word/sample-plan.doc', 'html/sample-plan.html', 'sample-plan.pdf']) {
      expect(rows(await read(f)), f).toEqual(rows(text));
    }
  });

  it('.xlsx and .xls give the table rows', async () => {
    for (const f of ['sample-plan.xlsx', 'sample-plan.xls']) {
      const tableRows = rows(await read(f)).slice(0, rowsWant.length);
      expect(tableRows, f).toEqual(rowsWant);
    }
  });

  it('every format finds the same 文号 and year', async () => {
    for (const f of ['word/sample-plan.docx', 'html/sample-plan.html', 'sample-plan.pdf', 'sample-plan.xlsx']) {
      const d = await read(f);
      expect(d.year, f).toBe(2025);
    }
    expect((await parseDocument(new TextEncoder().encode(asText()), 'sample.txt')).docNumber).toBe(SAMPLE.docNumber);
  });
});
