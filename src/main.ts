/**
 * `npm start`: load the plans, find (or start) Redis, and serve them: in Lark
 * when credentials are configured, otherwise as a chat in this terminal.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, ConfigError, expandPlanFiles, redactConfig } from './config.js';
import { createLogger } from './log.js';
import { nodeVersionProblem } from './node-version.js';
import { openRedis } from './redis/connection.js';
import { RedisUnavailableError } from './redis/ensure.js';
import { readPlanFiles, readUnits } from './plans/load.js';
import { createPlanLibrary } from './plans/library.js';
import { createPlanRegistry } from './plans/registry.js';
import { createAuditLog } from './audit/log.js';
import { MAX_FILE_BYTES } from './doc/model.js';
import { createBot } from './chat/bot.js';
import { commands as builtinCommands } from '../handlers/index.js';
import { createImportCommand } from '../handlers/import.js';
import { createHolidaysCommand, holidayNoticeFiles } from '../handlers/holidays.js';
import { setupHolidays } from './holidays/setup.js';
import { MAX_NOTICE_BYTES } from './holidays/files.js';
import { scanTenants } from '../jobs/weekly-tenants.js';
import { createDeliveryRecords } from '../jobs/delivery-records.js';
import { startConsole } from './adapters/console/index.js';
import { systemClock } from './chat/types.js';
import { demoClock, demoNote, demoToday, withDemoLabel } from './chat/demo-today.js';
import { createProgressFeatures } from './progress/features.js';
import { dirFileSink, larkFileSink } from './summary/file-sink.js';
import type { LarkHandle } from './adapters/lark/index.js';

async function main(): Promise<number> {
  const tooOld = nodeVersionProblem();
  if (tooOld) {
    process.stderr.write(`${tooOld}\n`);
    return 1;
  }
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
  if (consoleMode && config.requireLark) return waitForLark();
  // In the terminal chat the screen is the conversation: logs go to a file under DATA_DIR
  // (at LOG_LEVEL, as in Lark mode), never into the chat. With Lark, JSON lines on stderr.
  const logFile = path.resolve(config.dataDir, 'logs', 'duban.log');
  const log = createLogger({ level: config.logLevel, destination: consoleMode ? logFile : 2 });
  log.info({ event: 'config', config: redactConfig(config) }, 'starting');

  let files: string[];
  try {
    files = await expandPlanFiles(config.plans.files);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      return 78;
    }
    throw e;
  }
  const bundled = await readPlanFiles(files, log);
  for (const r of bundled.rejected) process.stderr.write(`未导入：${r.reason}\n`);
  const units = await readUnits(config.plans.unitsFile, log);

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
    // Questions need no Redis; reminders, reports, imported plans and Lark dedupe do.
    process.stderr.write(`${redis.hint}\n`);
    if (!consoleMode) return 1;
  }

  // The plans: PLAN_FILES overlaid with files imported through /导入 or the CLI (kept in Redis).
  const client = redis.ok ? redis.conns.client : undefined;
  const registry = createPlanRegistry({
    bundled: bundled.documents,
    units,
    log,
    ...(client ? { library: createPlanLibrary(client, { log }), audit: createAuditLog(client, { log }) } : {}),
  });
  const auditTenants = client ? await scanTenants(client).then((t) => (t.length ? t : ['local'])).catch(() => []) : [];
  const loaded = await registry.load({ auditTenants });
  for (const r of loaded.rejected) process.stderr.write(`未载入已导入的文件：${r.reason}\n`);
  const plans = registry.current;
  if (plans().ledger.documents.length === 0) {
    process.stderr.write(`没有可用的工作要点（PLAN_FILES=${config.plans.files.join(',')}）。请检查文件路径，或用 npm run -s cli -- import <文件> 导入。\n`);
    if (redis.ok) await redis.close();
    return 1;
  }

  // Holidays: HOLIDAY_NOTICE_FILES and imported notices, installed as the calendar's notice provider.
  const holidays = await setupHolidays({ config, ...(client ? { redis: client } : {}), log });
  for (const p of holidays.problems) process.stderr.write(`${p}\n`);

  // Terminal chat on plans from past years: a labelled demo "today" in their year (DEMO_TODAY).
  const demo = consoleMode ? demoToday(config.demoToday, plans().ledger.documents, new Date()) : undefined;
  const clock = demo ? demoClock(demo.date) : systemClock;
  if (demo) log.info({ event: 'demo-today', date: demo.date, why: demo.why }, 'terminal chat runs on a demo date');

  // The Lark messenger exists only after startLark; features that send take a getter.
  const lark: { handle?: LarkHandle } = {};
  const messenger = () => {
    if (!lark.handle) throw new Error('Lark is not started');
    return lark.handle.messenger;
  };
  const progress = redis.ok
    ? createProgressFeatures({
        redis: redis.conns.client,
        config,
        plans,
        log,
        // The terminal has no one to notify: without a messenger the replies say so instead of promising a send.
        ...(consoleMode ? {} : { messenger: () => lark.handle?.messenger }),
        ...(demo ? { now: () => clock.now() } : {}),
      })
    : undefined;
  // /假期 gets the book; in Lark, notices sent as files arrive through /导入 (onFile).
  const holidayDeps = {
    book: holidays.book,
    ...(holidays.store ? { pending: holidays.store } : {}),
    ...(consoleMode
      ? {}
      : {
          download: (messageId: string, key: string) => messenger().downloadFile(messageId, key, { maxBytes: MAX_NOTICE_BYTES }),
          fileOf: (messageId: string) => messenger().fileOfMessage(messageId),
        }),
  };
  const holidaysCommand = createHolidaysCommand(holidayDeps);
  // /导入 gets the registry, and in Lark the download of files users send.
  const importCommand = createImportCommand({
    registry,
    holidayNotice: holidayNoticeFiles(holidayDeps),
    ...(consoleMode
      ? {}
      : {
          download: (messageId: string, key: string) => messenger().downloadFile(messageId, key, { maxBytes: MAX_FILE_BYTES }),
          fileOf: (messageId: string) => messenger().fileOfMessage(messageId),
        }),
  });
  // /诊断 reads the reminder and delivery queues (bullmq is loaded only when it is asked).
  const deliveries = redis.ok ? createDeliveryRecords({ connection: redis.conns.queue, prefix: config.redis.queuePrefix }) : undefined;
  const bot = createBot({
    plans,
    commands: builtinCommands.map((c) => (c.name === importCommand.name ? importCommand : c.name === holidaysCommand.name ? holidaysCommand : c)),
    clock,
    log,
    ...(progress ? { roleOf: (m) => progress.roleOf(m), progress: progress.services, buttons: progress.buttons } : {}),
    ...(deliveries ? { deliveries } : {}),
    files: consoleMode
      ? dirFileSink(config.dataDir)
      : larkFileSink({
          uploadFile: (input) => messenger().uploadFile(input),
          sendFile: (chatId, key, uuid) => messenger().sendFile(chatId, key, uuid),
        }),
  });

  if (consoleMode) {
    const docs = plans().ledger.documents;
    const tasks = docs.reduce((n, d) => n + d.tasks.length, 0);
    await registry.listen();
    await holidays.book.listen();
    await startConsole({
      bot: demo ? withDemoLabel(bot, demo) : bot,
      input: process.stdin,
      output: process.stdout,
      log,
      banner:
        `督办 已载入 ${docs.length} 份工作要点、${tasks} 项任务。输入 /帮助 查看命令，exit 退出。（日志写入 ${path.relative(process.cwd(), logFile) || logFile}）` +
        (demo ? `\n${demoNote(demo)}（演示中的绑定和进展单独记录，不影响真实数据）` : ''),
    });
    await progress?.settle();
    await holidays.book.close();
    await deliveries?.close();
    await registry.close();
    if (redis.ok) await redis.close();
    return 0;
  }

  if (!redis.ok || !progress) return 1;
  const { startServices } = await import('./services.js');
  await startServices({ config, plans, registry, holidays: holidays.book, bot, redis, progress, lark, log });
  return 0;
}

/**
 * REQUIRE_LARK without credentials (a container has no terminal to chat in):
 * say once what is missing, then idle until stopped. Exiting would make the
 * container restart, print the same and exit again, forever.
 */
async function waitForLark(): Promise<number> {
  process.stderr.write(
    '督办缺少飞书凭证，未启动：请在 .env 中填写 LARK_APP_ID 和 LARK_APP_SECRET（webhook 模式还要 LARK_ENCRYPT_KEY、LARK_VERIFICATION_TOKEN；见 .env.example），' +
      '然后 docker compose up -d 重新创建容器。在此等待，不会反复重启。（REQUIRE_LARK=true）\n',
  );
  await new Promise<void>((resolve) => {
    const keepAlive = setInterval(() => {}, 1 << 30);
    const stop = () => {
      clearInterval(keepAlive);
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
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
