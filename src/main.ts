/**
 * `npm start`: load the plans, find (or start) Redis, and serve them: in Lark
 * when credentials are configured, otherwise as a chat in this terminal.
 */
import { existsSync } from 'node:fs';
import { loadConfig, ConfigError, expandPlanFiles, redactConfig } from './config.js';
import { createLogger } from './log.js';
import { openRedis } from './redis/connection.js';
import { RedisUnavailableError } from './redis/ensure.js';
import { loadPlans } from './plans/load.js';
import { createBot } from './chat/bot.js';
import { startConsole } from './adapters/console/index.js';
import { systemClock } from './chat/types.js';
import { createProgressFeatures } from './progress/features.js';
import { dirFileSink, larkFileSink } from './summary/file-sink.js';
import type { LarkHandle } from './adapters/lark/index.js';

async function main(): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      return 78;
    }
    throw e;
  }
  const consoleMode = !config.lark;
  // In the terminal chat stdout is the conversation: logs go to stderr, quietly.
  const log = createLogger({ level: consoleMode && !process.env.LOG_LEVEL ? 'warn' : config.logLevel, destination: 2 });
  log.info({ evt: 'config', config: redactConfig(config) }, 'starting');

  const files = await expandPlanFiles(config.plans.files);
  const { plans, rejected } = await loadPlans(files, config.plans.unitsFile, log);
  for (const r of rejected) process.stderr.write(`未导入：${r.reason}\n`);
  if (plans.ledger.documents.length === 0) {
    process.stderr.write(`没有可用的工作要点（PLAN_FILES=${config.plans.files.join(',')}）。请检查文件路径。\n`);
    return 1;
  }

  let redis;
  try {
    redis = await openRedis(config, log);
  } catch (e) {
    if (e instanceof RedisUnavailableError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
  if (!redis.ok) {
    // Questions need no Redis; reminders, reports and Lark dedupe do.
    process.stderr.write(`${redis.hint}\n`);
    if (!consoleMode) return 1;
  }

  // The Lark messenger exists only after startLark; features that send take a getter.
  const lark: { handle?: LarkHandle } = {};
  const messenger = () => {
    if (!lark.handle) throw new Error('Lark is not started');
    return lark.handle.messenger;
  };
  const progress = redis.ok
    ? createProgressFeatures({ redis: redis.conns.client, config, plans, log, messenger: () => lark.handle?.messenger })
    : undefined;
  const bot = createBot({
    plans,
    clock: systemClock,
    log,
    ...(progress ? { roleOf: (m) => progress.roleOf(m), progress: progress.services } : {}),
    files: consoleMode
      ? dirFileSink(config.dataDir)
      : larkFileSink({
          uploadFile: (input) => messenger().uploadFile(input),
          sendFile: (chatId, key, uuid) => messenger().sendFile(chatId, key, uuid),
        }),
  });

  if (consoleMode) {
    const tasks = plans.ledger.documents.reduce((n, d) => n + d.tasks.length, 0);
    await startConsole({
      bot,
      input: process.stdin,
      output: process.stdout,
      log,
      banner: `督办 已载入 ${plans.ledger.documents.length} 份工作要点、${tasks} 项任务。输入 /帮助 查看命令，exit 退出。`,
    });
    await progress?.settle();
    if (redis.ok) await redis.close();
    return 0;
  }

  if (!redis.ok || !progress) return 1;
  const { startServices } = await import('./services.js');
  await startServices({ config, plans, bot, redis, progress, lark, log });
  return 0;
}

main().then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (e: unknown) => {
    process.stderr.write(`督办启动失败：${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
