import { MAX_FILE_BYTES } from '../../src/doc/model.js';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { createPlanLibrary, libraryName, LibraryInputError, type ChangeNote } from '../../src/plans/library.js';
import { waitFor } from '../jobs/helpers.js';
import { useTestRedis } from '../support/redis.js';
import { PLAN_NAME, PLAN_V1, PLAN_V2 } from './fixtures.js';

const t = useTestRedis('plan-library');
const log = silentLogger('debug');

describe('the plan library (real Redis)', () => {
  it('keeps the exact bytes, who and when; a second instance on the same Redis sees them', async () => {
    const prefix = `${t.prefix}:keep`;
    const a = createPlanLibrary(t.redis, { prefix, log, now: () => new Date('2025-06-02T01:00:00Z') });
    const gbk = Buffer.from([0xc7, 0xe0, 0xba, 0xcc, 0xcf, 0xd8]); // 青禾县 in GBK: stored as sent, decoded by the parser
    await a.put('plans/青禾.txt', gbk, 'ou_admin', { byName: '王管理' });
    const b = createPlanLibrary(t.redis, { prefix, log });
    const [entry] = await b.list();
    expect(entry).toMatchObject({ name: '青禾.txt', by: 'ou_admin', byName: '王管理', at: '2025-06-02T01:00:00.000Z' });
    expect(entry!.data.equals(gbk)).toBe(true);
    expect(await b.info()).toEqual([expect.objectContaining({ name: '青禾.txt', bytes: 6 })]);
  });

  it('a put with the same name replaces the file; remove says whether there was one; every change bumps the version', async () => {
    const lib = createPlanLibrary(t.redis, { prefix: `${t.prefix}:replace`, log });
    const v0 = await lib.version();
    await lib.put(PLAN_NAME, Buffer.from(PLAN_V1), 'cli');
    await lib.put(PLAN_NAME, Buffer.from(PLAN_V2), 'cli');
    const all = await lib.list();
    expect(all).toHaveLength(1);
    expect(all[0]!.data.toString('utf8')).toBe(PLAN_V2);
    expect(await lib.remove(PLAN_NAME)).toBe(true);
    expect(await lib.remove(PLAN_NAME)).toBe(false);
    expect(await lib.list()).toEqual([]);
    expect(await lib.version()).toBe(v0 + 4);
  });

  it('tells other processes about each change over pub/sub, not the process that made it', async () => {
    const prefix = `${t.prefix}:notes`;
    const writer = createPlanLibrary(t.redis, { prefix, log });
    const reader = createPlanLibrary(t.redis, { prefix, log });
    const seenByReader: Array<ChangeNote | undefined> = [];
    const seenByWriter: Array<ChangeNote | undefined> = [];
    const subs = [await reader.subscribe((n) => seenByReader.push(n)), await writer.subscribe((n) => seenByWriter.push(n))];
    try {
      await writer.put(PLAN_NAME, Buffer.from(PLAN_V1), 'cli');
      await writer.remove(PLAN_NAME);
      await waitFor('two notes', () => seenByReader.length >= 2 || undefined, 5000);
      expect(seenByReader.map((n) => [n?.action, n?.name])).toEqual([
        ['put', PLAN_NAME],
        ['remove', PLAN_NAME],
      ]);
      expect(seenByReader[1]!.version).toBe(await writer.version());
      expect(seenByWriter).toEqual([]);
    } finally {
      await Promise.all(subs.map((s) => s.close()));
    }
  });

  it('refuses names that cannot be files and oversized data', async () => {
    expect(() => libraryName('  ')).toThrow(LibraryInputError);
    expect(() => libraryName('a/..')).toThrow(LibraryInputError);
    expect(libraryName('C:\\计划\\要点.md')).toBe('要点.md');
    const lib = createPlanLibrary(t.redis, { prefix: `${t.prefix}:big`, log });
    await expect(lib.put('big.txt', Buffer.alloc(MAX_FILE_BYTES + 1, 0x61), 'cli')).rejects.toThrow(LibraryInputError);
    expect(await lib.list()).toEqual([]);
  });
});
