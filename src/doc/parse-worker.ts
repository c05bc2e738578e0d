/**
 * Worker-thread side of parse-pool.ts: reads and extracts one file per
 * message. Runs apart from the event loop that answers Lark, under the
 * pool's memory limit and time budget.
 */
import { parentPort } from 'node:worker_threads';
import { PlanError } from '../plan/errors.js';
import { ingest } from './ingest.js';

export interface ParseRequest {
  id: number;
  bytes: Uint8Array;
  file: string;
}

export type ParseResponse =
  | { id: number; ok: true; result: Awaited<ReturnType<typeof ingest>> }
  | { id: number; ok: false; planError?: { code: PlanError['code']; message: string }; internal?: string };

parentPort?.on('message', (req: ParseRequest) => {
  ingest(req.bytes, req.file).then(
    (result) => parentPort!.postMessage({ id: req.id, ok: true, result } satisfies ParseResponse),
    (e: unknown) =>
      parentPort!.postMessage(
        (e instanceof PlanError
          ? { id: req.id, ok: false, planError: { code: e.code, message: e.message } }
          : { id: req.id, ok: false, internal: e instanceof Error ? (e.stack ?? e.message) : String(e) }) satisfies ParseResponse,
      ),
  );
});
