import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import CFB from 'cfb';
import { describe, expect, it } from 'vitest';
import type { DocModel, Paragraph, Table } from '../../../src/doc/model.js';
import { readDocument } from '../../../src/doc/read.js';
import { PlanError } from '../../../src/plan/errors.js';
import { parseDocument } from '../../../src/plan/parse.js';
import { SAMPLE } from '../../fixtures/formats/sample-plan.js';
import { expectedRows, view } from './sample-expect.js';

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

  it('says that automatic numbering cannot come back from a .doc', async () => {
    const m = await readDocument(bytes, 'sample-plan.doc');
    expect(m.notes.join('')).toMatch(/自动编号无法还原/);
  });

  it('turns the table rows into a table block with every cell in its column', async () => {
    const m = await readDocument(bytes, 'sample-plan.doc');
    const [t] = tables(m);
    expect(t!.rows[0]!.map((c) => c.text)).toEqual([...SAMPLE.tableHeader]);
    expect(t!.rows.slice(1).map((r) => [r[2]!.text, r[3]!.text, r[4]!.text, r[5]!.text])).toEqual(SAMPLE.rows.map((r) => [r.measure, r.lead, r.co, r.deadline]));
  });

  it('rows whose merged 重点任务 cell is written out give their leads through parseDocument', async () => {
    const doc = await parseDocument(bytes, 'sample-plan.doc');
    const want = expectedRows().filter((_, i) => i === 0 || SAMPLE.rows[i - 1]!.area !== SAMPLE.rows[i]!.area);
    for (const w of want) expect(doc.tasks.map(view)).toContainEqual({ leads: w.leads, co: w.co, due: w.due });
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
