import type { Readable } from 'node:stream';

/**
 * Reading a downloaded message resource with a size cap: the declared length
 * is checked before reading, the bytes counted while reading, and the stream
 * destroyed as soon as the cap is passed, so an oversized upload costs at
 * most `maxBytes` of memory.
 */

export class DownloadTooLargeError extends Error {
  /** Same code as PlanError's, so callers can treat both alike. */
  readonly code = 'too-large';
  constructor(
    readonly limit: number,
    /** Bytes declared or seen when the download was stopped. */
    readonly size: number,
  ) {
    super(`download exceeds ${limit} bytes (${size} seen or declared)`);
    this.name = 'DownloadTooLargeError';
  }
}

/** Content-Length from SDK/axios headers, if declared. */
export function declaredLength(headers: unknown): number | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const h = headers as Record<string, unknown> & { get?: (n: string) => unknown };
  const raw = typeof h.get === 'function' ? h.get('content-length') : (h['content-length'] ?? h['Content-Length']);
  const n = Number(raw);
  return raw !== undefined && raw !== null && raw !== '' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

export async function readLimited(stream: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      total += b.length;
      if (total > maxBytes) throw new DownloadTooLargeError(maxBytes, total);
      chunks.push(b);
    }
  } catch (e) {
    stream.destroy();
    throw e;
  }
  return Buffer.concat(chunks, total);
}
