import { describe, expect, it } from 'vitest';
import { escapeCell, exportMarkdown } from '../../../src/ledger/export/markdown.js';
import { ledgerRows } from '../../../src/ledger/rows.js';
import { loadLedger } from '../fixtures.js';

/** Split a GFM table row on unescaped pipes, as renderers do. */
function cells(line: string): string[] {
  return line
    .replace(/^\|\s?|\s?\|$/gu, '')
    .split(/(?<!\\)\|/u)
    .map((c) => c.trim());
}

describe('exportMarkdown', () => {
  it('writes a heading, metadata and one table per document', () => {
    const md = exportMarkdown(ledgerRows(loadLedger('awkward-titles.json')));
    const headings = md.split('\n').filter((l) => l.startsWith('## '));
    expect(headings).toHaveLength(3);
    expect(headings[2]).toBe('## untitled.txt');
    expect(md.match(/^\| 序号 \| 任务 \| 牵头单位 \| 责任单位 \| 时限 \| 来源 \|$/gmu)).toHaveLength(3);
  });

  it('has exactly as many cells per row as columns even when text holds pipes and line breaks', () => {
    const docs = ledgerRows(loadLedger('county-plan.json'));
    docs[0]!.rows[0]!.task = '第一行|第二段\n第三行\r\n第四行';
    const md = exportMarkdown(docs);
    const lines = md.split('\n').filter((l) => l.startsWith('| '));
    expect(lines).toHaveLength(2 + docs[0]!.rows.length);
    for (const line of lines) expect(cells(line)).toHaveLength(6);
    expect(cells(lines[2]!)[1]).toBe('第一行\\|第二段<br>第三行<br>第四行');
    expect(md).toContain('文号：梧政办发〔2024〕5号');
  });

  it('keeps document text from turning into markup', () => {
    expect(escapeCell('<at id=all></at>')).toBe('\\<at id=all\\>\\</at\\>');
    expect(escapeCell('**重点**_任务_`x`[链接](http://x)')).toBe('\\*\\*重点\\*\\*\\_任务\\_\\`x\\`\\[链接\\](http://x)');
    expect(escapeCell('a\\|b')).toBe('a\\\\\\|b');
    expect(escapeCell('县发改局（牵头）')).toBe('县发改局（牵头）');
  });
});
