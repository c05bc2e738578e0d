import WordExtractor from 'word-extractor';
import { PlanError } from '../../plan/errors.js';
import { READ_LIMITS, paragraph, type Block, type DocModel, type Paragraph } from '../model.js';
import { docParagraphs, type DocParagraph } from './doc-lists.js';

/**
 * .doc (Word 97–2003, and .wps saved in the same binary layout) → model, with
 * word-extractor: the body text of the main document (headers, footers,
 * comments and footnotes are separate streams it keeps apart), one paragraph
 * per line. Table rows come out as tab-separated lines, which the extractor
 * reads as tab tables. Word's automatic numbering is not in the text of a
 * .doc: doc-lists.ts reads it from the list tables and the labels are put on
 * the lines they belong to; when those tables cannot be read the note says so.
 */
export async function readDoc(bytes: Uint8Array, file: string): Promise<DocModel> {
  let body: string;
  let boxes: string;
  try {
    const doc = await new WordExtractor().extract(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    body = doc.getBody();
    boxes = doc.getTextboxes({ includeHeadersAndFooters: false, includeBody: true });
  } catch {
    throw new PlanError('unreadable', `文件 ${file} 不是可读取的 Word 97–2003 文档（可能已损坏或是其他格式）；请在 Word 或 WPS 中另存为 .docx 后再发送`, file);
  }
  if (body.length + boxes.length > READ_LIMITS.maxTextChars) {
    throw new PlanError('too-large', `文件 ${file} 的文字超过 ${READ_LIMITS.maxTextChars / 10_000} 万字，不像一份工作要点，未导入`, file);
  }
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const boxLines = boxes.replace(/\r\n?/g, '\n').split('\n').filter((l) => l.trim());
  if (lines.length + boxLines.length > READ_LIMITS.maxBlocks) {
    throw new PlanError('too-large', `文件 ${file} 的段落超过 ${READ_LIMITS.maxBlocks} 个，不像一份工作要点，未导入`, file);
  }
  const blocks = [...tableBlocks(lines), ...boxLines.map((l) => paragraph(l))];
  if (!blocks.some((b) => (b.kind === 'table' ? b.rows.length : b.text.trim()))) throw new PlanError('empty', `文件 ${file} 中没有文字（可能全是图片或扫描件），没有可导入的内容`, file);
  const listed = docParagraphs(bytes);
  const notes: string[] = [];
  if (listed) attachLabels(blocks, listed);
  const unresolved = listed?.filter((p) => p.unresolved && p.text.trim()).length ?? 0;
  if (unresolved) notes.push(`${unresolved} 个段落的自动编号无法还原（编号定义缺失或损坏）；若条目编号缺失，请另存为 .docx 后再导入`);
  if (!listed) notes.push('这份 Word 97–2003 文件（.doc/.wps）的自动编号无法还原；若条目编号缺失，请另存为 .docx 后再导入');
  if (boxLines.length) notes.push('文本框中的文字放在了正文之后');
  return { format: 'doc', blocks, notes };
}

/**
 * Word ends every table cell with a mark that comes out as a tab, so a table
 * row is a line ending in a tab. Runs of such lines with the same number of
 * cells become one table; anything else stays a paragraph (tabs and all).
 */
function tableBlocks(lines: string[]): Block[] {
  const out: Block[] = [];
  let run: string[][] = [];
  let tables = 0;
  const flush = () => {
    if (run.length >= 2 && run.every((r) => r.length === run[0]!.length)) {
      out.push({ kind: 'table', caption: `表格 ${++tables}`, rows: run.map((r) => r.map((text) => ({ text: text.trim(), rowSpan: 1, colSpan: 1 }))) });
    } else {
      for (const r of run) out.push(paragraph(r.join('\t')));
    }
    run = [];
  };
  for (const line of lines) {
    if (/\t$/.test(line) && line.includes('\t', 0) && line.split('\t').length >= 3) {
      run.push(line.replace(/\t$/, '').split('\t'));
      continue;
    }
    flush();
    out.push(paragraph(line));
  }
  flush();
  return out;
}

const norm = (s: string) => s.replace(/[\s\u3000]+/g, '');

/**
 * Put each numbered paragraph's label on word-extractor's line for it. Both
 * list the body's paragraphs in order; word-extractor drops deleted text and
 * field results differ, so a line matches a paragraph whose text it equals or
 * whose start it shares, looking a few paragraphs ahead.
 */
function attachLabels(blocks: Block[], listed: DocParagraph[]): void {
  const prose = listed.filter((p) => !p.inTable && norm(p.text));
  let next = 0;
  for (const b of blocks) {
    if (b.kind !== 'paragraph' || !norm(b.text)) continue;
    const line = norm(b.text);
    for (let q = next; q < Math.min(prose.length, next + 30); q++) {
      const text = norm(prose[q]!.text);
      if (text !== line && !(line.length >= 4 && text.startsWith(line.slice(0, 8)))) continue;
      const p = prose[q]!;
      const target: Paragraph = b;
      if (p.label) target.label = p.label;
      if (p.level !== undefined) target.level = p.level;
      next = q + 1;
      break;
    }
  }
}
