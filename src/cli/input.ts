import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliIO } from './io.js';

/** Larger inputs are refused before reading (plans themselves stop at 5 MB; ledger JSON may be bigger). */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/** A file-system error as a person reads it (Chinese first). */
export function describeFsError(error: unknown): string {
  switch ((error as NodeJS.ErrnoException)?.code) {
    case 'ENOENT':
      return '找不到文件或目录 / no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return '没有权限 / permission denied';
    case 'EISDIR':
      return '这是一个目录，不是文件 / is a directory';
    case 'ENOTDIR':
      return '路径中有一段不是目录 / a path component is not a directory';
    case 'ENOSPC':
      return '磁盘空间不足 / no space left on device';
    default:
      return `${(error as Error)?.message ?? String(error)}`;
  }
}

/**
 * The bytes of an input file named on the command line (relative to io.cwd),
 * or the Chinese reason it cannot be read; the failure is also one log line.
 */
export async function readInput(file: string, io: CliIO, event: string): Promise<Uint8Array | string> {
  const path = resolve(io.cwd, file);
  try {
    const info = await stat(path);
    if (info.isDirectory()) return '这是一个目录，不是文件 / is a directory';
    if (info.size > MAX_INPUT_BYTES) return `文件过大（超过 ${MAX_INPUT_BYTES / 1024 / 1024} MB） / file too large`;
    return await readFile(path);
  } catch (error) {
    io.log.warn({ event, file, code: (error as NodeJS.ErrnoException).code }, 'cannot read input');
    return describeFsError(error);
  }
}
