import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import CFB from 'cfb';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { DocModel, Paragraph, Table } from '../../../src/doc/model.js';
import { readDocument } from '../../../src/doc/read.js';
import { readDocx } from '../../../src/doc/readers/docx.js';
import { PlanError } from '../../../src/plan/errors.js';
import { parseDocument } from '../../../src/plan/parse.js';
import { SAMPLE } from '../../fixtures/formats/sample-plan.js';
import { longPlan } from '../../fixtures/formats/make-word.js';
import { expectedItems, expectedRows, split, view } from './sample-expect.js';

const dir = join(import.meta.dirname, '../../fixtures/formats/word');
const load = (f: string) => new Uint8Array(readFileSync(join(dir, f)));
const paras = (m: DocModel) => m.blocks.filter((b): b is Paragraph => b.kind === 'paragraph');
const tables = (m: DocModel) => m.blocks.filter((b): b is Table => b.kind === 'table');
const labelled = (m: DocModel) => paras(m).filter((p) => p.label).map((p) => [p.label, p.level, p.text.slice(0, 6)]);
const allText = (m: DocModel) => m.blocks.map((b) => (b.kind === 'paragraph' ? `${b.label ?? ''}${b.text}` : b.rows.flat().map((c) => c.text).join('|'))).join('\n');

const SECTION_LABELS = [['一、', 0], ['（一）', 1], ['（二）', 1], ['二、', 0], ['（一）', 1], ['（二）', 1]];

describe('readDocx: the sample plan written by the docx package', () => {
  it('restores Word numbering as labels the text does not hold', async () => {
    const m = await readDocx(load('sample-plan.docx'), 'sample-plan.docx');
    expect(labelled(m).map(([l, lv]) => [l, lv])).toEqual(SECTION_LABELS);
    const texts = paras(m).filter((p) => p.label).map((p) => p.text);
    expect(texts).toEqual(SAMPLE.sections.flatMap((s) => [s.heading, ...s.items.map((i) => i.text)]));
  });

  it('keeps the merged 重点任务 cell once with its row span, covered positions omitted', async () => {
    const m = await readDocx(load('sample-plan.docx'), 'sample-plan.docx');
    const [t] = tables(m);
    expect(t!.rows[0]!.map((c) => c.text)).toEqual([...SAMPLE.tableHeader]);
    const spans = t!.rows.slice(1).flatMap((r) => r.filter((c) => c.rowSpan > 1).map((c) => [c.text, c.rowSpan]));
    expect(spans).toEqual([['优化营商环境', 3], ['保障基本民生', 2]]);
    expect(t!.rows.map((r) => r.length)).toEqual([6, 6, 5, 5, 6, 5]);
  });

  it('leaves out headers, footers, comments and deleted revisions; keeps insertions and text boxes', async () => {
    const m = await readDocx(load('sample-plan.docx'), 'sample-plan.docx');
    const text = allText(m);
    for (const junk of ['县审计局', '县档案局', '页眉', '第 1 页', '批注']) expect(text).not.toContain(junk);
    expect(text).toContain(SAMPLE.sections[0]!.items[0]!.text); // the inserted "6月底前" is back in place
    expect(paras(m).map((p) => p.text)).toContain(SAMPLE.issuer); // from the text box
    expect(m.notes.join('\n')).toMatch(/删除/);
    expect(m.notes.join('\n')).toMatch(/页眉页脚中的文字未读取/);
    expect(m.notes.join('\n')).toMatch(/1 条批注未读取/);
  });

  it('reads to the sample ledger through parseDocument', async () => {
    const doc = await parseDocument(load('sample-plan.docx'), 'sample-plan.docx');
    expect(doc.title).toBe(SAMPLE.title);
    expect(doc.docNumber).toBe(SAMPLE.docNumber);
    const { items, rows } = split(doc);
    expect(items.map((t) => ({ path: t.path, ...view(t) }))).toEqual(expectedItems().map(({ path, leads, co, due }) => ({ path, leads, co, due })));
    expect(rows.map(view)).toEqual(expectedRows().map(({ leads, co, due }) => ({ leads, co, due })));
  });
});

describe('readDocx: numbering in other shapes', () => {
  it('numbering set on a paragraph style, reached through w:basedOn', async () => {
    const m = await readDocx(load('style-numbering.docx'), 'style-numbering.docx');
    expect(labelled(m).map(([l, lv]) => [l, lv])).toEqual(SECTION_LABELS);
    const doc = await parseDocument(load('style-numbering.docx'), 'style-numbering.docx');
    expect(doc.tasks.map((t) => ({ path: t.path, ...view(t) }))).toEqual(expectedItems().map(({ path, leads, co, due }) => ({ path, leads, co, due })));
  });

  it('decimal outline 1. / 1.1 / ① with a heading style', async () => {
    const m = await readDocx(load('decimal-outline.docx'), 'decimal-outline.docx');
    expect(labelled(m).map(([l, lv]) => [l, lv])).toEqual([
      ['1.', 0], ['1.1', 1], ['①', 2], ['1.2', 1], ['①', 2],
      ['2.', 0], ['2.1', 1], ['①', 2], ['2.2', 1], ['①', 2],
    ]);
    const doc = await parseDocument(load('decimal-outline.docx'), 'decimal-outline.docx');
    expect(doc.tasks.map(view)).toEqual(expectedItems().map(({ leads, co, due }) => ({ leads, co, due })));
  });

  it('a list that starts again in each section (w:startOverride)', async () => {
    const m = await readDocx(load('restart-per-section.docx'), 'restart-per-section.docx');
    expect(labelled(m).map(([l]) => l)).toEqual(['一、', '1.', '2.', '二、', '1.', '2.']);
    const doc = await parseDocument(load('restart-per-section.docx'), 'restart-per-section.docx');
    expect(doc.tasks.map((t) => [t.path, t.leads])).toEqual(expectedItems().map((e, i) => [[e.path[0], `${(i % 2) + 1}.`], e.leads]));
  });

  it('section rows spanning the table (w:gridSpan) and the rows under them', async () => {
    const m = await readDocx(load('gridspan-table.docx'), 'gridspan-table.docx');
    const [t] = tables(m);
    expect(t!.rows.filter((r) => r.length === 1).map((r) => [r[0]!.text, r[0]!.colSpan])).toEqual([['一、优化营商环境', 5], ['二、保障基本民生', 5]]);
    const doc = await parseDocument(load('gridspan-table.docx'), 'gridspan-table.docx');
    expect(split(doc, false).rows.map(view)).toEqual(expectedRows().map(({ leads, co, due }) => ({ leads, co, due })));
  });
});

describe('readDocx: bad and big input', () => {
  const refusal = async (p: Promise<unknown>) => {
    const err = await p.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(PlanError);
    expect((err as PlanError).message).toMatch(/[\u4e00-\u9fff]/);
    return err as PlanError;
  };
  const docxWith = (documentXml: Uint8Array) =>
    zipSync({ '[Content_Types].xml': strToU8('<Types/>'), 'word/document.xml': documentXml }, { level: 9 });

  it('a corrupt .docx (its zip cut short) is refused as damaged', async () => {
    const bytes = load('sample-plan.docx');
    const err = await refusal(readDocument(bytes.subarray(0, bytes.length - 200), 'cut.docx'));
    expect(['unreadable', 'unsupported']).toContain(err.code);
  });

  it('a .docx whose document.xml is not XML is refused as damaged', async () => {
    const err = await refusal(readDocument(docxWith(strToU8('<w:document><w:body><w:p>')), 'broken.docx'));
    expect(err.code).toBe('unreadable');
  });

  it('a zip bomb (a tiny file holding 41 MB of document.xml, over the 20 MB part limit) is refused before it is inflated', async () => {
    const bomb = docxWith(new Uint8Array(41 * 1024 * 1024).fill(0x20));
    expect(bomb.length).toBeLessThan(200 * 1024);
    const err = await refusal(readDocument(bomb, 'bomb.docx'));
    expect(err.code).toBe('too-large');
    expect(err.message).toContain('压缩炸弹');
  });

  it('a zip that declares a 2 GB document.xml is refused unread', async () => {
    const bytes = docxWith(strToU8('<w:document/>'));
    // Patch the declared uncompressed size of document.xml in the central directory.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i + 46 < bytes.length; i++) {
      if (view.getUint32(i, true) !== 0x02014b50) continue;
      const nameLen = view.getUint16(i + 28, true);
      const name = new TextDecoder().decode(bytes.subarray(i + 46, i + 46 + nameLen));
      if (name === 'word/document.xml') view.setUint32(i + 24, 0x7fffffff, true);
    }
    const err = await refusal(readDocument(bytes, 'declared.docx'));
    expect(err.code).toBe('too-large');
  });

  it('an entity-expansion document (DTD) is refused', async () => {
    const xml = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>`;
    const err = await refusal(readDocument(docxWith(strToU8(xml)), 'dtd.docx'));
    expect(err.code).toBe('unreadable');
  });

  it('a password-protected .docx (an OLE EncryptedPackage) is refused with what to do', async () => {
    const cfb = CFB.utils.cfb_new();
    CFB.utils.cfb_add(cfb, 'EncryptionInfo', Buffer.alloc(512, 1));
    CFB.utils.cfb_add(cfb, 'EncryptedPackage', Buffer.alloc(4096, 2));
    const bytes = new Uint8Array(CFB.write(cfb, { type: 'buffer' }) as Buffer);
    const err = await refusal(readDocument(bytes, 'locked.docx'));
    expect(err.code).toBe('encrypted');
    expect(err.message).toContain('密码');
  });

  it('a 5,000-paragraph plan is read whole, numbering counted through', async () => {
    const bytes = new Uint8Array(await longPlan(5000, 60));
    const m = await readDocx(bytes, 'long.docx');
    const labels = paras(m).filter((p) => p.level === 0).map((p) => p.label);
    expect(paras(m).length).toBe(5000);
    expect(labels.slice(0, 3)).toEqual(['一、', '二、', '三、']);
    expect(labels.at(-1)).toBe('八十四、');
    const doc = await parseDocument(bytes, 'long.docx');
    expect(doc.tasks.length).toBe(paras(m).filter((p) => p.level === 1).length);
  }, 60_000);
});

describe('readDocx: a .docx written by LibreOffice', () => {
  // LibreOffice splits one list over several w:num with w:startOverride; Word counts them as one list.
  it('counts the lists its w:num instances share, so the second section is 二、', async () => {
    const m = await readDocx(load('libreoffice-resaved.docx'), 'libreoffice-resaved.docx');
    expect(labelled(m).map(([l, lv]) => [l, lv])).toEqual(SECTION_LABELS);
    const doc = await parseDocument(load('libreoffice-resaved.docx'), 'libreoffice-resaved.docx');
    const { items, rows } = split(doc);
    expect(items.map((t) => ({ path: t.path, ...view(t) }))).toEqual(expectedItems().map(({ path, leads, co, due }) => ({ path, leads, co, due })));
    expect(rows.map(view)).toEqual(expectedRows().map(({ leads, co, due }) => ({ leads, co, due })));
  });
});
