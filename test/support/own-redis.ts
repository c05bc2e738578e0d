/**
 * A redis-server of a test's own, on a free port under a temp dir, for tests
 * that run the bot as a process: it uses its production key names (duban:…,
 * {duban}:…), which the shared test Redis must never see. Fails loudly (no
 * skip) when redis-server cannot be started.
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/log.js';
import { ensureRedis } from '../../src/redis/ensure.js';

export interface OwnRedis {
  readonly url: string;
  /** A scratch directory removed with the server (DATA_DIR for the bot). */
  readonly dir: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

export async function startOwnRedis(name: string): Promise<OwnRedis> {
  const dir = await mkdtemp(join(tmpdir(), `duban-${name}-`));
  const found = await ensureRedis({ localUrl: `redis://127.0.0.1:${await freePort()}`, dataDir: join(dir, 'redis'), log: silentLogger('fatal'), allowSpawn: true });
  if (found.url === undefined) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`${name} needs a redis-server of its own: ${found.hint}`);
  }
  return {
    url: found.url,
    dir,
    async stop() {
      await found.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
