import { basename } from 'node:path';
import type { Ingested } from '../doc/ingest.js';
import { createParsePool } from '../doc/parse-pool.js';
import { PlanError } from '../plan/errors.js';
import { sameDocNumber } from '../plan/review.js';
import type { PlanDocument } from '../plan/schema.js';
import type { CliIO } from './io.js';
import { readInput } from './input.js';

/**
 * Plan files named on a command line → ledgers, shared by parse, ask,
 * schedule and import: every format by content, heavy files in a worker
 * thread, each refusal named with its Chinese reason, and what looks wrong
 * in each document (plus two files carrying one 文号) said on stderr.
 */

export type IngestFn = (bytes: Uint8Array, file: string) => Promise<Ingested>;

/** Exit status when some files were loaded and some refused. */
export const EXIT_PARTIAL = 4;

export interface LoadedFiles {
  documents: PlanDocument[];
  /** Per loaded document, in order. */
  notes: string[][];
  /** Per loaded document: the bytes as read (what `import` stores). */
  bytes: Uint8Array[];
  failures: Array<{ file: string; reason: string }>;
}

/** Reads every file (never stopping at a bad one); the caller decides what a failure means. */
export async function ingestFiles(files: readonly string[], io: CliIO, event: string, ingest?: IngestFn): Promise<LoadedFiles> {
  const pool = ingest ? undefined : createParsePool({ log: io.log });
  const run = ingest ?? pool!.parse;
  const out: LoadedFiles = { documents: [], notes: [], bytes: [], failures: [] };
  try {
    for (const file of files) {
      const bytes = await readInput(file, io, `${event}.read_failed`);
      if (typeof bytes === 'string') {
        out.failures.push({ file, reason: bytes });
        continue;
      }
      try {
        const r = await run(bytes, basename(file));
        out.documents.push(r.document);
        out.notes.push(r.notes);
        out.bytes.push(bytes);
      } catch (error) {
        if (!(error instanceof PlanError)) throw error;
        io.log.warn({ event: `${event}.rejected`, file: basename(file), code: error.code }, 'document rejected');
        out.failures.push({ file, reason: error.message });
      }
    }
  } finally {
    await pool?.close();
  }
  for (const twin of sameDocNumber(out.documents)) {
    const at = out.documents.findIndex((d) => d.file === twin.files[1]);
    out.notes[at]!.push(`与 ${twin.files[0]} 文号相同（${twin.docNumber}），可能是同一份文件，任务会重复出现`);
  }
  return out;
}

/** stderr lines: refused files with their reasons, then what to check in the loaded ones. */
export function reportLoad(io: CliIO, loaded: LoadedFiles): void {
  for (const f of loaded.failures) io.stderr.write(`未载入 / refused: ${f.file}：${f.reason}\n`);
  loaded.documents.forEach((d, i) => {
    for (const n of loaded.notes[i] ?? []) io.stderr.write(`请核对 / check: ${d.file}：${n}\n`);
  });
}
