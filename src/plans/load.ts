import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Logger } from 'pino';
import { PlanError } from '../plan/errors.js';
import { MAX_FILE_BYTES } from '../doc/model.js';
import { createParsePool, type ParsePool } from '../doc/parse-pool.js';
import { sameDocNumber } from '../plan/review.js';
import type { Ledger, PlanDocument } from '../plan/schema.js';
import { PlanIndex } from '../search/index.js';
import { UnitDirectory } from '../units/directory.js';
import type { Plans } from '../chat/context.js';

export interface LoadedPlans {
  plans: Plans;
  /** Files that could not be read or parsed, with the Chinese reason. */
  rejected: Array<{ file: string; reason: string }>;
}

export interface ReadPlans {
  documents: PlanDocument[];
  rejected: LoadedPlans['rejected'];
}

/**
 * Read and parse plan files from disk (the I/O edge). A bad file is reported
 * and skipped, never fatal, so one garbled upload cannot take the others down.
 * Each document is named by its base name: that name is what a later import of
 * a revised version replaces.
 */
export async function readPlanFiles(files: readonly string[], log: Logger, parse?: ParsePool['parse']): Promise<ReadPlans> {
  const documents: PlanDocument[] = [];
  const rejected: LoadedPlans['rejected'] = [];
  const pool = parse ? undefined : createParsePool({ log });
  const run = parse ?? pool!.parse;
  try {
    for (const file of files) await readOne(file);
  } finally {
    await pool?.close();
  }
  for (const twin of sameDocNumber(documents)) {
    log.warn({ event: 'plan_same_doc_number', files: twin.files, docNumber: twin.docNumber }, 'two plan files carry the same 文号; their tasks appear twice');
  }
  return { documents, rejected };

  async function readOne(file: string): Promise<void> {
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new PlanError('empty', `${file} 不是文件`, file);
      if (info.size > MAX_FILE_BYTES) throw new PlanError('too-large', `文件 ${basename(file)} 超过 ${MAX_FILE_BYTES / 1024 / 1024} MB，未导入`, file);
      const { document: doc, notes } = await run(await readFile(file), basename(file));
      documents.push(doc);
      log.info({ event: 'plan_loaded', file: basename(file), tasks: doc.tasks.length, year: doc.year, notes }, 'plan loaded');
    } catch (e) {
      const reason = e instanceof PlanError ? e.message : (e as NodeJS.ErrnoException).code === 'ENOENT' ? `找不到文件 ${file}` : String(e);
      rejected.push({ file, reason });
      log.warn({ event: 'plan_rejected', file, reason }, 'plan rejected');
    }
  }
}

/** The unit directory, or an empty one when the file is missing (aliases are then unavailable). */
export async function readUnits(unitsFile: string | undefined, log: Logger): Promise<UnitDirectory> {
  if (!unitsFile) return UnitDirectory.empty();
  try {
    return UnitDirectory.fromYaml(await readFile(unitsFile, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    log.warn({ event: 'units_missing', file: unitsFile }, 'unit directory not found; unit aliases are not available');
    return UnitDirectory.empty();
  }
}

/** What handlers query, from parsed documents. Pure. */
export function buildPlans(documents: readonly PlanDocument[], units: UnitDirectory): Plans {
  const ledger: Ledger = { documents: [...documents] };
  return { ledger, index: PlanIndex.build(ledger, units), units };
}
