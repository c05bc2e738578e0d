import type { DocModel, Table } from '../doc/model.js';
import { normalizeText } from './normalize.js';

/**
 * The model's paragraphs as cleaned lines for the line-based (prose) stages: a
 * paragraph is its (generated) numbering label plus its text. Tables are read
 * from the model by the table reader (table.ts); each leaves one empty line
 * where it stood so the prose around it does not run together.
 */
export function modelLines(model: DocModel): string[] {
  return modelParts(model).lines;
}

/** The prose lines plus each table block with the line it stands at. */
export function modelParts(model: DocModel): { lines: string[]; tables: Array<{ table: Table; block: number; line: number }> } {
  const raw: string[] = [];
  const tables: Array<{ table: Table; block: number; line: number }> = [];
  model.blocks.forEach((b, i) => {
    if (b.kind === 'paragraph') {
      // A paragraph may hold line breaks (a text reader's or a cell's); lines stay lines.
      raw.push((b.label ?? '') + b.text);
      return;
    }
    tables.push({ table: b, block: i, line: lineCount(raw) });
    raw.push('');
  });
  return { lines: normalizeText(raw.join('\n')), tables };
}

function lineCount(raw: string[]): number {
  let n = 0;
  for (const r of raw) n += 1 + (r.match(/\r\n?|\n/g)?.length ?? 0);
  return n;
}
