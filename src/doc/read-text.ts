import { decodeText } from '../plan/decode.js';
import { paragraph, type DocModel } from './model.js';

/**
 * Plain text (.txt, .md, pasted text) → document model: one paragraph per line,
 * as written. Layout recovery (run-in numbering, flattened tables) belongs to
 * the extractor, which sees text from every format the same way.
 */
export function readText(input: string | Uint8Array, file: string): DocModel {
  const { text, notes } = decodeText(input, file);
  return { format: 'text', blocks: text.replace(/\r\n?/g, '\n').split('\n').map((l) => paragraph(l)), notes };
}
