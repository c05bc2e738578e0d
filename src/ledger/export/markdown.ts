import { cellValue, columnsFor, type DocumentRows } from '../rows.js';

/**
 * Text from a document is data, not markup: backslash-escape the ASCII
 * punctuation Markdown would act on inside a table cell (CommonMark allows a
 * backslash before any ASCII punctuation), and turn line breaks into <br> so
 * a cell never ends the row.
 */
export function escapeCell(value: string): string {
  return value
    .replace(/[\\|*_`[\]<>&~#]/gu, (ch) => `\\${ch}`)
    .replace(/\r\n|\r|\n/gu, '<br>');
}

/** Headings and metadata lines are not in a table: newlines become spaces instead. */
function escapeLine(value: string): string {
  return escapeCell(value.replace(/\s*(?:\r\n|\r|\n)\s*/gu, ' '));
}

/** One section per document: a heading, its metadata, and the ledger table. */
export function exportMarkdown(documents: readonly DocumentRows[]): string {
  const sections = documents.map((doc) => {
    const columns = columnsFor(doc.rows);
    const meta = [
      doc.issuer && `发文单位：${doc.issuer}`,
      doc.docNumber && `文号：${doc.docNumber}`,
      doc.issuedOn && `印发日期：${doc.issuedOn}`,
      `文件：${doc.file}`,
      `任务行数：${doc.rows.length}`,
    ].filter(Boolean) as string[];
    const table = [
      `| ${columns.map((c) => escapeCell(c.header)).join(' | ')} |`,
      `| ${columns.map(() => '---').join(' | ')} |`,
      ...doc.rows.map((r) => `| ${columns.map((c) => escapeCell(cellValue(r, c.key))).join(' | ')} |`),
    ];
    return [`## ${escapeLine(doc.title || doc.file)}`, '', escapeLine(meta.join('；')), '', ...table].join('\n');
  });
  return `# 任务台账\n\n${sections.join('\n\n')}\n`;
}
