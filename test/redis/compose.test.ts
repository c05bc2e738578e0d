import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config.js';

// Docker cannot run here; these check the deployment files say what the README promises.
const read = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test: string[] | string };
  env_file?: Array<string | { path: string }> | string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service>; volumes: Record<string, unknown> };

describe('docker-compose.yml', () => {
  const redis = compose.services.redis!;
  const bot = compose.services.bot!;
  const words = (c: string[] | string | undefined) => (Array.isArray(c) ? c.join(' ') : (c ?? ''));

  it('runs Redis 7 with append-only persistence and no eviction', () => {
    expect(redis.image).toMatch(/^redis:7/);
    expect(words(redis.command)).toMatch(/--appendonly yes/);
    expect(words(redis.command)).toMatch(/--maxmemory-policy noeviction/);
  });

  it('keeps Redis data in a named volume and checks health with redis-cli ping', () => {
    const [vol] = redis.volumes ?? [];
    const name = vol?.split(':')[0] ?? '';
    expect(vol).toMatch(/:\/data$/);
    expect(Object.keys(compose.volumes)).toContain(name);
    expect(words(redis.healthcheck?.test)).toMatch(/redis-cli ping/);
  });

  it('starts the bot from the Dockerfile once Redis is healthy, with .env and the compose Redis', () => {
    expect(bot.build).toBeDefined();
    expect(bot.depends_on?.redis?.condition).toBe('service_healthy');
    const envFiles = (Array.isArray(bot.env_file) ? bot.env_file : [bot.env_file]).map((e) =>
      typeof e === 'string' ? e : e?.path,
    );
    expect(envFiles).toContain('.env');
    expect(bot.environment?.REDIS_URL).toBe('redis://redis:6379');
    // The compose environment must itself be a valid configuration.
    expect(loadConfig(bot.environment).redis.url).toBe('redis://redis:6379');
    // No terminal in a container: never the console fallback (which would exit and restart forever).
    expect(loadConfig(bot.environment).requireLark).toBe(true);
  });

  it('says which Compose it needs for the optional env_file', () => {
    expect(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8')).toMatch(/Compose 2\.24 or later/u);
  });

  it('publishes the webhook port the bot listens on', () => {
    const port = String(loadConfig({}).http.port);
    expect(bot.ports?.some((p) => p.replace(/\$\{PORT:-(\d+)\}/g, '$1') === `${port}:${port}`)).toBe(true);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; scripts: Record<string, string> };

  it('builds on node 20 slim; the runtime stage has production dependencies only (no tsx)', () => {
    expect(dockerfile).toMatch(/^FROM node:20-slim AS runtime$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(pkg.dependencies.tsx).toBeUndefined();
  });

  it('starts the compiled entry point npm start runs, with the same node flags, without npm in between', () => {
    // npm start: node <flags> scripts/launch.mjs main, which runs dist/src/main.js when it is fresh.
    const [node, ...rest] = pkg.scripts.start!.split(' ');
    const flags = rest.slice(0, rest.indexOf('scripts/launch.mjs'));
    expect(node).toBe('node');
    expect(dockerfile).toContain(`CMD ${JSON.stringify(['node', ...flags, 'dist/src/main.js']).replace(/","/g, '", "')}`);
  });

  it('keeps secrets and local data out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const p of ['.env', '.data', 'node_modules', '.git']) expect(ignored).toContain(p);
  });
});
