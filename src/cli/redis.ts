import { ConfigError, loadConfig, type Config } from '../config.js';
import { redactUrl } from '../log.js';
import { createRedis, redisTargetFromConfig, type RedisConnections } from '../redis/connection.js';
import { DEFAULT_LOCAL_URL, pingRedis } from '../redis/ensure.js';
import type { CliIO } from './io.js';

/** Exit codes shared by the commands that need Redis. */
export const EXIT_BAD_CONFIG = 2;
export const EXIT_NO_REDIS = 3;

/**
 * The settings and a Redis connection for a CLI command (import, ledger,
 * audit, holidays), or the exit code after saying why in Chinese: a bad
 * setting (2), or a standalone Redis that does not answer (3) — `why` tells
 * the user what the command needs Redis for.
 */
export async function connectCli(
  io: CliIO,
  opts: { command: string; why: string; quiet?: boolean },
): Promise<{ config: Config; conns: RedisConnections } | number> {
  let config: Config;
  try {
    config = loadConfig(io.env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    if (!opts.quiet) io.stderr.write(`${e.message}\n`);
    return EXIT_BAD_CONFIG;
  }
  const target = redisTargetFromConfig(config.redis, DEFAULT_LOCAL_URL)!;
  if (target.kind === 'standalone') {
    const ping = await pingRedis(target.url, 2000);
    if (!ping.ok) {
      if (!opts.quiet) io.stderr.write(`无法连接 Redis（${redactUrl(target.url)}：${ping.error}）。${opts.why}\n`);
      io.log.warn({ event: `cli.${opts.command}.no_redis`, url: redactUrl(target.url), error: ping.error }, 'redis unavailable');
      return EXIT_NO_REDIS;
    }
  }
  return { config, conns: createRedis(target, { log: io.log, name: 'duban-cli' }) };
}
