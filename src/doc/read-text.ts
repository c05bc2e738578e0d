import { decodeText } from '../plan/decode.js';
import type { DocModel } from './model.js';
import { layoutBlocks } from './text-layout.js';

/**
 * Plain text (.txt, .md, pasted text) → document model: one paragraph per
 * line, except where a table was flattened into text (pipes, tabs, runs of
 * spaces, one cell per line, cells between blank lines): those lines become a
 * Table block, so the table reader sees them as it sees a Word or Excel table.
 * Run-in numbering inside a line is left to the extractor.
 */
export function readText(input: string | Uint8Array, file: string): DocModel {
  const { text, notes } = decodeText(input, file);
  return { format: 'text', blocks: layoutBlocks(text.replace(/\r\n?/g, '\n').split('\n')), notes };
}
