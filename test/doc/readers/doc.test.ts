import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import CFB from 'cfb';
import { describe, expect, it } from 'vitest';
import type { DocModel, Paragraph, Table } from '../../../src/doc/model.js';
import { readDocument } from '../../../src/doc/read.js';
import { PlanError } from '../../../src/plan/errors.js';
import { parseDocument } from '../../../src/plan/parse.js';
import { SAMPLE } from '../../fixtures/formats/sample-plan.js';
import { expectedItems, expectedRows, view } from './sample-expect.js';

/** sample-plan.doc is the sample .docx converted by LibreOffice's Word 97 filter (make-word.ts). */
const bytes = new Uint8Array(readFileSync(join(import.meta.dirname, '../../fixtures/formats/word/sample-plan.doc')));
const paras = (m: DocModel) => m.blocks.filter((b): b is Paragraph => b.kind === 'paragraph');
const tables = (m: DocModel) => m.blocks.filter((b): b is Table => b.kind === 'table');

describe('readDoc: Word 97–2003', () => {
  it('reads the body text, Chinese intact, without headers, footers or comments', async () => {
    const m = await readDocument(bytes, 'sample-plan.doc');
    expect(m.format).toBe('doc');
    const texts = paras(m).map((p) => p.text);
    expect(texts.slice(0, 3)).toEqual([SAMPLE.title, SAMPLE.docNumber, SAMPLE.intro]);
    for (const it of SAMPLE.sections.flatMap((s) => s.items)) expect(texts).toContain(it.text);
    expect(texts).toContain(SAMPLE.issuer); // the text box
    const all = m.blocks.map((b) => (b.kind === 'paragraph' ? b.text : b.rows.flat().map((c) => c.text).join('|'))).join('\n');
    for (const junk of ['县审计局', '县档案局', '页眉', '批注']) expect(all).not.toContain(junk);
  });

  it('restores Word 97 list numbering from the list tables as labels', async () => {
    const m = await readDocument(bytes, 'sample-plan.doc');
    expect(paras(m).filter((p) => p.label).map((p) => [p.label, p.level, p.text])).toEqual(
      SAMPLE.sections.flatMap((s, si) => [['一二'[si] + '、', 0, s.heading], ...s.items.map((it, ii) => [`（${'一二'[ii]}）`, 1, it.text])]),
    );
    expect(m.notes.join('')).not.toMatch(/自动编号/);
    const outline = await readDocument(new Uint8Array(readFileSync(join(import.meta.dirname, '../../fixtures/formats/word/decimal-outline.doc'))), 'decimal-outline.doc');
    expect(paras(outline).filter((p) => p.label).map((p) => p.label)).toEqual(['1.', '1.1', '①', '1.2', '①', '2.', '2.1', '①', '2.2', '①']);
  });

  it('reads the prose items to the sample ledger through parseDocument', async () => {
    const doc = await parseDocument(bytes, 'sample-plan.doc');
    expect(doc.tasks.slice(0, 4).map((t) => ({ path: t.path, ...view(t) }))).toEqual(expectedItems().map(({ path, leads, co, due }) => ({ path, leads, co, due })));
  });

  it('an OLE file whose list tables do not parse still gives its text, with a note', async () => {
    const cfb = CFB.read(Buffer.from(bytes), { type: 'buffer' });
    const tableName = CFB.find(cfb, '1Table') ? '1Table' : '0Table';
    const entry = CFB.find(cfb, tableName)!;
    const content = Buffer.from(entry.content as Uint8Array);
    // Zero the list tables (PlfLst/PlfLfo) only: find their positions through the FIB.
    const wd = Buffer.from(CFB.find(cfb, 'WordDocument')!.content as Uint8Array);
    for (const i of [73, 74]) {
      const fc = wd.readUInt32LE(154 + i * 8);
      const lcb = wd.readUInt32LE(154 + i * 8 + 4);
      content.fill(0xff, fc, fc + Math.min(lcb, 8));
    }
    entry.content = content;
    const damaged = new Uint8Array(CFB.write(cfb, { type: 'buffer' }) as Buffer);
    const m = await readDocument(damaged, 'damaged.doc');
    expect(paras(m)[0]!.text).toBe(SAMPLE.title);
    expect(paras(m).some((p) => p.label)).toBe(false);
    expect(m.notes.join('')).toMatch(/自动编号无法还原/);
  });

  it('turns the table rows into a table block with every cell in its column', async () => {
    const m = await readDocument(bytes, 'sample-plan.doc');
    const [t] = tables(m);
    expect(t!.rows[0]!.map((c) => c.text)).toEqual([...SAMPLE.tableHeader]);
    expect(t!.rows.slice(1).map((r) => [r[2]!.text, r[3]!.text, r[4]!.text, r[5]!.text])).toEqual(SAMPLE.rows.map((r) => [r.measure, r.lead, r.co, r.deadline]));
  });

  it('reads the table rows to the sample ledger through parseDocument, merged 重点任务 cells blank after the first', async () => {
    const doc = await parseDocument(bytes, 'sample-plan.doc');
    expect(doc.tasks.slice(4).map(view)).toEqual(expectedRows().map(({ leads, co, due }) => ({ leads, co, due })));
  });

  it('a .wps in the Word 97 layout is read like a .doc', async () => {
    const m = await readDocument(bytes, 'sample-plan.wps');
    expect(paras(m)[0]!.text).toBe(SAMPLE.title);
  });

  it('an OLE file with a broken WordDocument stream is refused with what to do', async () => {
    const cfb = CFB.utils.cfb_new();
    CFB.utils.cfb_add(cfb, 'WordDocument', Buffer.alloc(4096, 7));
    const broken = new Uint8Array(CFB.write(cfb, { type: 'buffer' }) as Buffer);
    const err = await readDocument(broken, 'broken.doc').then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(PlanError);
    expect((err as PlanError).message).toMatch(/另存为 \.docx/);
    const wps = await readDocument(broken, 'broken.wps').then(() => undefined, (e: unknown) => e);
    expect((wps as PlanError).message).toMatch(/WPS/);
  });
});
