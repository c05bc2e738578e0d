/**
 * `tsx scripts/with-redis.ts <command> [args...]` (behind `npm test` and `npm run bench`):
 * find or start a Redis (see src/redis/ensure.ts), run the command with REDIS_URL
 * set, forward its exit code, and stop a Redis we started. With no Redis at all
 * the hint is printed and the command still runs, so Redis tests fail loudly
 * instead of being skipped.
 */
import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../src/log.js';
import { ensureRedis, RedisUnavailableError, type RedisFound } from '../src/redis/ensure.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (line: string) => process.stderr.write(`[with-redis] ${line}\n`);

async function main(): Promise<number> {
  const [cmd, ...args] = process.argv.slice(2);
  if (!cmd) {
    say('用法：tsx scripts/with-redis.ts <命令> [参数...]，例如 tsx scripts/with-redis.ts vitest run');
    return 2;
  }
  const log = createLogger({ level: 'warn', name: 'with-redis', destination: 2 });
  const dataDir = path.resolve(root, process.env.WITH_REDIS_DATA_DIR ?? '.data/redis-test');
  const allowSpawn = !/^(0|false|no|off)$/i.test(process.env.REDIS_AUTOSTART ?? '');

  let found: RedisFound | undefined;
  const env = { ...process.env };
  try {
    const r = await ensureRedis({ url: process.env.REDIS_URL || undefined, dataDir, log, allowSpawn });
    if (r.url === undefined) {
      say('!'.repeat(60));
      say(r.hint);
      say('仍将运行命令；需要 Redis 的测试会失败（不会被跳过）。');
      say('!'.repeat(60));
    } else {
      found = r;
      env.REDIS_URL = r.url;
      say(r.spawned ? `已启动临时 Redis：${r.url}（数据目录 ${path.relative(root, dataDir)}）` : `使用 Redis：${r.url}`);
    }
  } catch (err) {
    if (!(err instanceof RedisUnavailableError)) throw err;
    say('!'.repeat(60));
    say(err.message);
    say('仍将运行命令；需要 Redis 的测试会失败（不会被跳过）。');
    say('!'.repeat(60));
  }

  const child = spawn(cmd, args, { stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals) => () => {
    child.kill(signal);
  };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const code = await new Promise<number>((resolve) => {
    child.once('error', (err) => {
      say(`无法运行 ${cmd}：${err.message}`);
      resolve(127);
    });
    child.once('exit', (c, signal) => {
      resolve(c ?? 128 + (signal ? (osConstants.signals[signal] ?? 1) : 1));
    });
  });
  process.removeListener('SIGINT', onInt);
  process.removeListener('SIGTERM', onTerm);
  await found?.stop();
  return code;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    say(`出错：${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  },
);
