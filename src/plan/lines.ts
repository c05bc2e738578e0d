import { expandGrid, type DocModel } from '../doc/model.js';
import { normalizeText } from './normalize.js';

/**
 * The model as cleaned lines for the line-based stages: a paragraph is its
 * (generated) numbering label plus its text; a table is one `|`-separated row
 * per line with merged cells carried into every row they span, so the table
 * reader sees Word, Excel, HTML and pasted tables alike.
 */
export function modelLines(model: DocModel): string[] {
  const raw: string[] = [];
  for (const b of model.blocks) {
    if (b.kind === 'paragraph') {
      raw.push((b.label ?? '') + b.text);
      continue;
    }
    raw.push('');
    for (const row of expandGrid(b)) {
      const cells = row.map((c) => c.replace(/\s*\n\s*/g, '').replace(/\|/g, '｜').trim());
      const filled = [...new Set(cells.filter(Boolean))];
      // A row that is one merged cell across the table ("二、优化法治环境") reads as that one cell.
      raw.push(filled.length === 1 && cells.filter(Boolean).length > 1 ? `|${filled[0]}|${'|'.repeat(cells.length - 1)}` : `|${cells.join('|')}|`);
    }
    raw.push('');
  }
  return normalizeText(raw.join('\n'));
}
