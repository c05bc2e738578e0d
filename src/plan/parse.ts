import type { PlanDocument } from './schema.js';
import { PlanError } from './errors.js';

/**
 * Parse one work plan (UTF-8 or GB18030 bytes, or already-decoded text).
 * Throws PlanError for empty, binary, or task-less documents. Pure: no I/O.
 * (Stub: the real parser lands in the next commits.)
 */
export function parsePlan(input: string | Uint8Array, file: string): PlanDocument {
  void input;
  throw new PlanError('no-tasks', `文件 ${file} 中没有找到编号的任务条目`, file);
}
