import { spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testRedisUrl } from '../support/redis.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs scripts/with-redis.ts the way `npm test` does, wrapping a small node command. */
function withRedis(env: Record<string, string | undefined>, script: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/with-redis.ts', process.execPath, '-e', script], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function deadPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
}

describe('scripts/with-redis.ts', () => {
  it('runs the command with REDIS_URL set and forwards its exit code', () => {
    const r = withRedis({ REDIS_URL: testRedisUrl() }, 'console.log("url=" + process.env.REDIS_URL); process.exit(7)');
    expect(r.stdout).toContain(`url=${testRedisUrl()}`);
    expect(r.code).toBe(7);
  });

  it('reports success as success', () => {
    expect(withRedis({ REDIS_URL: testRedisUrl() }, 'process.exit(0)').code).toBe(0);
  });

  it('still runs the command when REDIS_URL does not answer, after saying so loudly on stderr', async () => {
    const url = `redis://127.0.0.1:${await deadPort()}`;
    const r = withRedis({ REDIS_URL: url }, 'console.log("ran"); process.exit(1)');
    expect(r.stdout).toContain('ran');
    expect(r.stderr).toContain(url);
    expect(r.stderr).toContain('无法连接');
    expect(r.code).toBe(1);
  });

  it('explains its usage when given no command', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/with-redis.ts'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('用法');
  });
});
