import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createHolidayBook, type HolidayBook } from '../../src/holidays/book.js';
import { createHolidayStore } from '../../src/holidays/store.js';
import { silentLogger } from '../../src/log.js';
import { pingRedis } from '../../src/redis/ensure.js';
import { waitFor } from '../jobs/helpers.js';

/**
 * Imported notices across a Redis kill -9 and restart, on a redis-server of
 * this test's own (never the shared one): the notice is still there, and a
 * replica whose subscriber reconnected picks up a notice imported meanwhile,
 * re-planning once.
 */

const dir = mkdtempSync(join(tmpdir(), 'duban-holiday-redis-'));
const NOTICE = readFileSync(new URL('../fixtures/holidays/2027-made-up-notice.txt', import.meta.url), 'utf8');
const log = silentLogger('fatal');
let server: ChildProcess | undefined;
const clients: Redis[] = [];
const books: HolidayBook[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startRedis(port: number): Promise<void> {
  server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], { stdio: 'ignore' });
  await waitFor('redis-server to answer', async () => (await pingRedis(`redis://127.0.0.1:${port}`, 300)).ok);
}

afterAll(async () => {
  for (const b of books) await b.close().catch(() => undefined);
  for (const c of clients) c.disconnect();
  server?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('holiday notices across a Redis restart', () => {
  it('kill -9 and restart: the stored notice survives, and a reconnected replica catches up on what it missed', async () => {
    const port = await freePort();
    await startRedis(port);
    const connect = () => {
      const c = new Redis(`redis://127.0.0.1:${port}`, { retryStrategy: () => 100, maxRetriesPerRequest: 20 });
      c.on('error', () => undefined);
      clients.push(c);
      return c;
    };
    const a = createHolidayBook({ store: createHolidayStore(connect(), { prefix: 'h', log }), log });
    const b = createHolidayBook({ store: createHolidayStore(connect(), { prefix: 'h', log }), log });
    books.push(a, b);
    await a.load();
    await b.load();
    let replansB = 0;
    b.onChange(async () => void (replansB += 1));
    await b.listen();

    server!.kill('SIGKILL');
    await waitFor('redis-server to die', async () => !(await pingRedis(`redis://127.0.0.1:${port}`, 300)).ok);
    await startRedis(port);
    // Imported right after the restart, possibly before b's subscriber is back.
    expect(await a.importText(NOTICE, { by: 'ou_admin' })).toMatchObject({ ok: true });
    await waitFor('replica b to catch up', () => b.notice(2027) !== undefined, 15_000);
    expect(replansB).toBe(1);

    server!.kill('SIGKILL');
    await startRedis(port);
    const fresh = createHolidayBook({ store: createHolidayStore(connect(), { prefix: 'h', log }), log });
    books.push(fresh);
    await fresh.load();
    expect(fresh.years()).toEqual([2027]);
    // Nothing doubled: b still re-planned once.
    await new Promise((r) => setTimeout(r, 500));
    expect(replansB).toBe(1);
  });
});
