/**
 * The long-running side of `npm start` when Lark credentials are configured:
 * Redis connections, the Lark adapter, and shutdown. Kept apart from main.ts
 * so the terminal chat never loads the Lark SDK.
 */
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Plans } from './chat/context.js';
import type { Bot } from './chat/types.js';
import type { RedisConnections } from './redis/connection.js';
import { startLark } from './adapters/lark/index.js';

export interface ServiceDeps {
  config: Config;
  plans: Plans;
  bot: Bot;
  redis: { conns: RedisConnections; close(): Promise<void> };
  log: Logger;
}

export async function startServices(deps: ServiceDeps): Promise<void> {
  const { config, log } = deps;
  const lark = config.lark!;
  const redis = deps.redis;

  const handle = await startLark({
    config: {
      appId: lark.appId,
      appSecret: lark.appSecret,
      encryptKey: lark.encryptKey,
      verificationToken: lark.verificationToken,
      domain: lark.domain,
      mode: lark.mode,
      port: config.http.port,
      webhookPath: lark.webhookPath,
      eventMaxAgeSeconds: lark.eventMaxAgeSeconds,
    },
    bot: deps.bot,
    redis: redis.conns.client as never,
    log,
  });
  log.info({ evt: 'started', mode: handle.mode, port: handle.port }, `督办 listening (${handle.mode})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ evt: 'stopping', signal }, 'shutting down');
    await handle.stop().catch((e: unknown) => log.error({ err: e }, 'lark stop failed'));
    await redis.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
