import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandGrid, READ_LIMITS, type DocModel, type Table } from '../../../src/doc/model.js';
import { readDocument } from '../../../src/doc/read.js';
import { readPdf } from '../../../src/doc/readers/pdf.js';
import { PlanError } from '../../../src/plan/errors.js';
import { parseDocument, parsePlan } from '../../../src/plan/parse.js';
import { expectedItems, expectedRows, ledger, texts, want } from '../../fixtures/formats/sample-ledger.js';
import { SAMPLE } from '../../fixtures/formats/sample-plan.js';
import { manyPagesPdf } from '../../fixtures/formats/make-pdf.js';

const dir = path.join(import.meta.dirname, '../../fixtures/formats');
const fixture = (name: string) => new Uint8Array(readFileSync(path.join(dir, name)));
const paragraphs = (m: DocModel) => m.blocks.flatMap((b) => (b.kind === 'paragraph' ? [b.text] : []));
const tables = (m: DocModel) => m.blocks.filter((b): b is Table => b.kind === 'table');

async function refusal(p: Promise<unknown>): Promise<PlanError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PlanError);
  return err as PlanError;
}

describe('pdf reader: the model', () => {
  it('reads the prose in order, one paragraph per item however it wrapped, with headers and page numbers gone', async () => {
    const m = await readDocument(fixture('sample-plan.pdf'), '要点.pdf');
    expect(m.format).toBe('pdf');
    const paras = paragraphs(m);
    expect(paras.slice(0, 3)).toEqual([SAMPLE.title, SAMPLE.docNumber, SAMPLE.intro]);
    const items = SAMPLE.sections.flatMap((s) => s.items.map((i) => i.text));
    for (const text of items) expect(paras.filter((p) => p.endsWith(text))).toHaveLength(1);
    // "- 1 -", "- 2 -" and the running header are furniture; the issuer's signature in the body stays.
    expect(paras.some((p) => /^-\s*\d+\s*-$/.test(p))).toBe(false);
    expect(paras.filter((p) => p === SAMPLE.issuer)).toHaveLength(1);
    expect(m.notes).toEqual(['已去掉页眉、页脚和页码 4 行']);
  });

  it.each(['sample-plan.pdf', 'sample-plan-centred.pdf'])('%s: recovers the ruled table from its rules, wrapped cells joined, 重点任务 spanning the rows it covers wherever its text sits', async (name) => {
    const m = await readPdf(fixture(name), '要点.pdf');
    const [table] = tables(m);
    expect(table!.caption).toBe('第 2 页');
    expect(table!.rows[1]![1]).toEqual({ text: '优化营商环境', rowSpan: 3, colSpan: 1 });
    expect(table!.rows[4]![1]).toEqual({ text: '保障基本民生', rowSpan: 2, colSpan: 1 });
    const grid = expandGrid(table!);
    expect(grid[0]).toEqual([...SAMPLE.tableHeader]);
    expect(grid.slice(1)).toEqual(SAMPLE.rows.map((r, i) => [String(i + 1), r.area, r.measure, r.lead, r.co, r.deadline]));
  });

  it('decodes Chinese set in a non-embedded Adobe-GB1 font through the bundled CMaps', async () => {
    const m = await readPdf(fixture('cid-gb1.pdf'), 'gb1.pdf');
    const first = SAMPLE.sections[0]!;
    expect(paragraphs(m)).toEqual([SAMPLE.title, `一、${first.heading}`, `（一）${first.items[0]!.text}`]);
  });
});

describe('pdf reader: the ledger through parseDocument', () => {
  it('reads a table without rules by the positions of its columns (no merge is guessed)', async () => {
    const [table] = tables(await readPdf(fixture('sample-plan-borderless.pdf'), '要点.pdf'));
    expect(expandGrid(table!)).toEqual([[...SAMPLE.tableHeader], ...SAMPLE.rows.map((r, i) => [String(i + 1), i === 0 || SAMPLE.rows[i - 1]!.area !== r.area ? r.area : '', r.measure, r.lead, r.co, r.deadline])]);
  });

  it.each(['sample-plan.pdf', 'sample-plan-centred.pdf', 'sample-plan-borderless.pdf'])('%s gives the sample plan: title, 文号, the prose items and the table rows with their leads, co-units and dates', async (name) => {
    const plan = await parseDocument(fixture(name), '要点.pdf');
    expect(plan.title).toBe(SAMPLE.title);
    expect(plan.docNumber).toBe(SAMPLE.docNumber);
    expect(plan.year).toBe(2025);
    expect(ledger(plan)).toEqual(want([...expectedItems, ...expectedRows]));
    expect(plan.tasks.map((t) => t.text)).toEqual(texts([...expectedItems, ...expectedRows]));
  });

  it('gives the prose items exactly as the same text typed in does', async () => {
    const text = [SAMPLE.title, SAMPLE.docNumber, SAMPLE.intro, ...SAMPLE.sections.flatMap((s, k) => [`${'一二'[k]}、${s.heading}`, ...s.items.map((i, j) => `（${'一二'[j]}）${i.text}`)])].join('\n');
    const typed = parsePlan(Buffer.from(text), '要点.txt');
    const pdf = await parseDocument(fixture('sample-plan.pdf'), '要点.pdf');
    const prose = pdf.tasks.filter((t) => expectedItems.some((e) => t.text.includes(e.find)));
    expect(prose.map((t) => ({ path: t.path, leads: t.leads, co: t.co, deadlines: t.deadlines, recurring: t.recurring }))).toEqual(
      typed.tasks.map((t) => ({ path: t.path, leads: t.leads, co: t.co, deadlines: t.deadlines, recurring: t.recurring })),
    );
  });
});

describe('pdf reader: bad input', () => {
  it('refuses a scanned PDF (page images, no text layer) with what to do', async () => {
    const err = await refusal(readDocument(fixture('scanned.pdf'), '扫描件.pdf'));
    expect(err.code).toBe('unsupported');
    expect(err.message).toContain('扫描件（没有文字层）');
    expect(err.message).toContain('OCR');
  });

  it('refuses a password-protected PDF', async () => {
    const err = await refusal(readDocument(fixture('encrypted.pdf'), '加密.pdf'));
    expect(err.code).toBe('encrypted');
    expect(err.message).toContain('密码');
  });

  it.each([0.3, 0.6, 0.95])('refuses a PDF cut at %s of its length as incomplete, never half-reads it', async (share) => {
    const whole = fixture('sample-plan.pdf');
    const err = await refusal(readDocument(whole.slice(0, Math.floor(whole.byteLength * share)), '截断.pdf'));
    expect(err.code).toBe('unreadable');
  });

  it('refuses garbage after a PDF signature as unreadable', async () => {
    const junk = new Uint8Array(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(4096, 0x41), Buffer.from('\n%%EOF\n')]));
    const err = await refusal(readDocument(junk, '坏.pdf'));
    expect(err.code).toBe('unreadable');
    expect(err.message).toContain('无法读取');
  });

  it('says when it skipped broken content instead of passing a partial text off as whole', async () => {
    const clean = await readPdf(fixture('cid-gb1.pdf'), 'gb1.pdf');
    expect(clean.notes.join()).not.toMatch(/损坏/);
    // The last text operator garbled in place (same length, so the cross-reference offsets stay right).
    const text = Buffer.from(fixture('cid-gb1.pdf')).toString('latin1');
    const at = text.lastIndexOf('> Tj ET');
    const broken = new Uint8Array(Buffer.from(`${text.slice(0, at)}> Tx ET${text.slice(at + 7)}`, 'latin1'));
    const m = await readPdf(broken, 'gb1.pdf');
    expect(paragraphs(m).join('').length).toBeLessThan(paragraphs(clean).join('').length);
    expect(m.notes.join()).toMatch(/处内容不规范或已损坏.*读到的文字可能不全/);
  });

  it('stops at the time budget instead of running on', async () => {
    const err = await refusal(readPdf(fixture('sample-plan.pdf'), '慢.pdf', 0));
    expect(err.code).toBe('timeout');
  });
});

describe('pdf reader: size', () => {
  it('reads a 200-page plan whole: every item, every page number dropped', async () => {
    const m = await readPdf(fixture('long-200-pages.pdf'), '长.pdf');
    expect(m.notes.join()).toContain('页眉、页脚和页码 400 行');
    const plan = await parseDocument(fixture('long-200-pages.pdf'), '长.pdf');
    // 20 parts of ten pages, six items a page, each with the sample item's lead.
    expect(plan.tasks).toHaveLength(1200);
    expect(plan.tasks.filter((t) => t.leads.length === 1)).toHaveLength(1200);
  }, 60_000);

  it('refuses a PDF over the page cap before reading its pages', async () => {
    const err = await refusal(readPdf(await manyPagesPdf(READ_LIMITS.maxPages + 1), '太长.pdf'));
    expect(err.code).toBe('too-large');
    expect(err.message).toContain(`${READ_LIMITS.maxPages} 页`);
  }, 60_000);
});
