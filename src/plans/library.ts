import { createHash, randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { followChanges } from '../redis/change-notes.js';
import { z } from 'zod';
import { MAX_FILE_BYTES } from '../doc/model.js';

/**
 * Imported plan files, kept in Redis so they survive restarts and every
 * replica serves the same plans. The raw bytes are stored (not the parsed
 * ledger), so a better parser reads them better on the next load.
 *
 *   <ns>:{plans}:library   hash: file name -> JSON entry (bytes as base64)
 *   <ns>:{plans}:version   counter, bumped by every change
 *   <ns>:{plans}:changed   pub/sub channel: one note per change
 *
 * The hash tag keeps the hash and the counter in one Cluster slot so a change
 * and its version bump are one MULTI. A replica that misses a note (its
 * subscriber was reconnecting) catches up by comparing versions.
 */

const MAX_NAME_CHARS = 200;

export interface LibraryEntry {
  /** File name as imported (base name, no directories); also the document's `file`. */
  name: string;
  data: Buffer;
  /** open_id, "cli" or "console". */
  by: string;
  byName?: string;
  /** ISO instant of the import. */
  at: string;
  sha256: string;
}

export type LibraryEntryInfo = Omit<LibraryEntry, 'data'> & { bytes: number };

export interface ChangeNote {
  action: 'put' | 'remove';
  name: string;
  version: number;
  /** Which process made the change (a registry ignores its own notes). */
  origin: string;
}

export interface LibrarySubscription {
  close(): Promise<void>;
}

export interface PlanLibrary {
  /** This process's id in change notes. */
  readonly origin: string;
  readonly channel: string;
  list(): Promise<LibraryEntry[]>;
  /** Name, size, who and when, without the bytes. */
  info(): Promise<LibraryEntryInfo[]>;
  put(name: string, bytes: Uint8Array, by: string, opts?: { byName?: string }): Promise<LibraryEntry>;
  /** False when no such file was imported. */
  remove(name: string): Promise<boolean>;
  version(): Promise<number>;
  /**
   * Calls `onNote` for every change made elsewhere, and with `undefined` after
   * the subscriber reconnects (notes may have been missed: compare versions).
   */
  subscribe(onNote: (note: ChangeNote | undefined) => void): Promise<LibrarySubscription>;
}

export class LibraryInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LibraryInputError';
  }
}

export interface PlanLibraryOptions {
  /** Key namespace (default "duban", as every other store). */
  prefix?: string;
  log: Logger;
  now?: () => Date;
  origin?: string;
}

const Stored = z.object({
  name: z.string().min(1),
  data: z.string(),
  by: z.string(),
  byName: z.string().optional(),
  at: z.string(),
  sha256: z.string(),
});

const Note = z.object({
  action: z.enum(['put', 'remove']),
  name: z.string(),
  version: z.number().int(),
  origin: z.string(),
});

/** "plans/2025 要点.txt" -> "2025 要点.txt"; refuses names that cannot be a plan file. Pure. */
export function libraryName(raw: string): string {
  // eslint-disable-next-line no-control-regex
  const name = (raw.split(/[\\/]/u).at(-1) ?? '').replace(/[\u0000-\u001f\u007f]/gu, '').trim();
  if (!name || name === '.' || name === '..') throw new LibraryInputError('文件名为空');
  if ([...name].length > MAX_NAME_CHARS) throw new LibraryInputError(`文件名超过 ${MAX_NAME_CHARS} 字`);
  return name;
}


export function createPlanLibrary(redis: Redis | Cluster, opts: PlanLibraryOptions): PlanLibrary {
  const ns = opts.prefix ?? 'duban';
  const hashKey = `${ns}:{plans}:library`;
  const versionKey = `${ns}:{plans}:version`;
  const channel = `${ns}:{plans}:changed`;
  const origin = opts.origin ?? randomBytes(8).toString('hex');
  const now = opts.now ?? (() => new Date());
  const log = opts.log.child({ component: 'plan-library' });

  function decode(field: string, raw: string): LibraryEntry | undefined {
    let parsed: z.infer<typeof Stored>;
    try {
      parsed = Stored.parse(JSON.parse(raw));
    } catch {
      log.warn({ event: 'plan_library_bad_entry', name: field }, 'malformed library entry skipped');
      return undefined;
    }
    const { data, byName, ...rest } = parsed;
    return { ...rest, ...(byName ? { byName } : {}), data: Buffer.from(data, 'base64') };
  }

  async function notify(action: ChangeNote['action'], name: string, version: number): Promise<void> {
    const note: ChangeNote = { action, name, version, origin };
    try {
      await redis.publish(channel, JSON.stringify(note));
    } catch (err) {
      // The change is stored; replicas pick it up on their next version check.
      log.warn({ event: 'plan_library_publish_failed', action, name, err: err }, 'change note not published');
    }
  }

  return {
    origin,
    channel,
    async list() {
      const all = await redis.hgetall(hashKey);
      return Object.entries(all)
        .map(([field, raw]) => decode(field, raw))
        .filter((e): e is LibraryEntry => e !== undefined)
        .sort((a, b) => a.at.localeCompare(b.at) || a.name.localeCompare(b.name));
    },
    async info() {
      return (await this.list()).map(({ data, ...rest }) => ({ ...rest, bytes: data.length }));
    },
    async put(rawName, bytes, by, putOpts = {}) {
      const name = libraryName(rawName);
      if (bytes.byteLength > MAX_FILE_BYTES) throw new LibraryInputError(`文件 ${name} 超过 ${MAX_FILE_BYTES / 1024 / 1024} MB`);
      const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const entry: LibraryEntry = {
        name,
        data,
        by,
        ...(putOpts.byName ? { byName: putOpts.byName } : {}),
        at: now().toISOString(),
        sha256: createHash('sha256').update(data).digest('hex'),
      };
      const stored = JSON.stringify({ ...entry, data: data.toString('base64') });
      const res = await redis.multi().hset(hashKey, name, stored).incr(versionKey).exec();
      const version = Number(res?.[1]?.[1] ?? 0);
      log.info({ event: 'plan_library_put', name, bytes: data.length, by, version }, 'plan file stored');
      await notify('put', name, version);
      return entry;
    },
    async remove(rawName) {
      const name = libraryName(rawName);
      const res = await redis.multi().hdel(hashKey, name).incr(versionKey).exec();
      const removed = Number(res?.[0]?.[1] ?? 0) > 0;
      const version = Number(res?.[1]?.[1] ?? 0);
      log.info({ event: 'plan_library_remove', name, removed, version }, 'plan file removed');
      if (removed) await notify('remove', name, version);
      return removed;
    },
    async version() {
      return Number((await redis.get(versionKey)) ?? 0);
    },
    subscribe(onNote) {
      return followChanges(redis, { channel, schema: Note, origin, log, what: 'plan_library' }, onNote);
    },
  };
}
