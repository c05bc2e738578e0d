import { afterAll, beforeAll } from 'vitest';
import { killAllBots, ownRedis, type OwnRedis } from './harness.js';

/**
 * The fault suite runs on a redis-server of its own (AOF on, a free port, a
 * temp directory), never on the shared one: it writes bot keys (`duban:…`,
 * its queues) that other suites' leak checks would rightly flag. Call at the
 * top of a fault file; REDIS_URL points there for the file's tests.
 */
export function useSuiteRedis(): void {
  let own: OwnRedis | undefined;
  const before = process.env.REDIS_URL;
  beforeAll(async () => {
    own = await ownRedis({ aof: true });
    process.env.REDIS_URL = own.url;
  });
  afterAll(async () => {
    await killAllBots();
    if (before === undefined) delete process.env.REDIS_URL;
    else process.env.REDIS_URL = before;
    await own?.stop();
  });
}
