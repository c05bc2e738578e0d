import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandGrid, type Table } from '../../../src/doc/model.js';
import { readDocument } from '../../../src/doc/read.js';
import { PlanError } from '../../../src/plan/errors.js';
import { parseDocument } from '../../../src/plan/parse.js';
import { expectedItems, expectedRows, ledger, texts, want } from '../../fixtures/formats/sample-ledger.js';
import { SAMPLE } from '../../fixtures/formats/sample-plan.js';

const bytes = new Uint8Array(readFileSync(path.join(import.meta.dirname, '../../fixtures/formats/sample-plan.xls')));

describe('xls reader (Excel 97–2003, WPS 表格)', () => {
  it('gives the sheets as tables with their merges, the title row as a paragraph, dates in Chinese, the hidden sheet left out', async () => {
    const m = await readDocument(bytes, '任务分工表.xls');
    expect(m.format).toBe('xls');
    expect(m.blocks[0]).toEqual({ kind: 'paragraph', text: `${SAMPLE.title}任务分工表` });
    const tables = m.blocks.filter((b): b is Table => b.kind === 'table');
    expect(tables.map((t) => t.caption)).toEqual(['任务分工表', '重点领域']);
    expect(tables[0]!.rows[1]![1]).toEqual({ text: '优化营商环境', rowSpan: 3, colSpan: 1 });
    expect(expandGrid(tables[0]!).map((r) => r[1])).toEqual(['重点任务', ...SAMPLE.rows.map((r) => r.area)]);
    expect(expandGrid(tables[1]!)[1]![4]).toBe('2025年6月30日');
    expect(m.notes).toEqual(['已跳过隐藏的工作表“单位列表”']);
  });

  it('gives the same ledger as the .xlsx of the same plan', async () => {
    const plan = await parseDocument(bytes, '任务分工表.xls');
    expect(plan.year).toBe(2025);
    expect(ledger(plan)).toEqual(want([...expectedRows, ...expectedItems]));
    expect(plan.tasks.map((t) => t.text)).toEqual(texts([...expectedRows, ...expectedItems]));
  });

  it('a .et (WPS 表格) with the same content reads the same', async () => {
    const m = await readDocument(bytes, '任务分工表.et');
    expect(m.blocks.filter((b) => b.kind === 'table')).toHaveLength(2);
  });

  it('refuses a damaged file as unreadable', async () => {
    const cut = bytes.slice(0, 2048);
    const err = await readDocument(cut, 'broken.xls').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlanError);
    expect((err as PlanError).message).toMatch(/无法读取|另存为/);
  });
});
