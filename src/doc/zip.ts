import { unzipSync } from 'fflate';
import { PlanError } from '../plan/errors.js';
import { READ_LIMITS } from './model.js';

/**
 * Zip containers (.docx, .xlsx, .ofd) read with a budget: the central
 * directory's declared sizes are checked before anything is inflated, so a zip
 * bomb is refused without being unpacked, and only the parts a reader asks for
 * are inflated at all.
 */

export interface ZipEntry {
  name: string;
  size: number;
}

export function isZip(b: Uint8Array): boolean {
  return b.length > 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

/** Names and declared uncompressed sizes of every entry; nothing is inflated. */
export function listZip(bytes: Uint8Array, file: string): ZipEntry[] {
  const entries: ZipEntry[] = [];
  try {
    unzipSync(bytes, {
      filter: (f) => {
        entries.push({ name: f.name, size: f.originalSize });
        return false;
      },
    });
  } catch {
    throw new PlanError('unreadable', `文件 ${file} 的压缩结构已损坏，无法读取；请在原程序中重新保存后再发送`, file);
  }
  return entries;
}

/**
 * Inflate the entries `want` accepts, refusing before inflating when their
 * declared total passes the unpacked budget. fflate checks actual sizes
 * against declared ones while inflating, so a lying header fails too.
 */
export function readZip(bytes: Uint8Array, file: string, want: (name: string) => boolean, budget = READ_LIMITS.maxUnpackedBytes): Map<string, Uint8Array> {
  const entries = listZip(bytes, file);
  const total = entries.filter((e) => want(e.name)).reduce((s, e) => s + e.size, 0);
  if (total > budget) {
    throw new PlanError('too-large', `文件 ${file} 解压后超过 ${Math.round(budget / 1024 / 1024)} MB，不像是一份工作要点（可能是压缩炸弹），未导入`, file);
  }
  let out: Record<string, Uint8Array>;
  try {
    out = unzipSync(bytes, { filter: (f) => want(f.name) && f.originalSize <= budget });
  } catch {
    throw new PlanError('unreadable', `文件 ${file} 的压缩内容已损坏，无法读取；请在原程序中重新保存后再发送`, file);
  }
  const seen = Object.values(out).reduce((s, b) => s + b.byteLength, 0);
  if (seen > budget) throw new PlanError('too-large', `文件 ${file} 解压后超过限制，未导入`, file);
  return new Map(Object.entries(out));
}
