import { extractPlan } from '../plan/parse.js';
import { reviewPlan } from '../plan/review.js';
import type { PlanDocument } from '../plan/schema.js';
import { readDocument } from './read.js';

/** A parsed file with what the reader left out and what looks wrong, for the person who sent it. */
export interface Ingested {
  document: PlanDocument;
  /** Chinese lines: reader notes (pages skipped, encoding repaired) then review findings. */
  notes: string[];
}

/** Any supported file → ledger plus notes. Pure (bytes in, values out); heavy, so the bot runs it in a worker (parse-pool.ts). */
export async function ingest(bytes: Uint8Array, file: string): Promise<Ingested> {
  const model = await readDocument(bytes, file);
  const document = extractPlan(model, file);
  return { document, notes: [...model.notes, ...reviewPlan(document)] };
}
