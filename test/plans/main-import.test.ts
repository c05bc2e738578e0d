/**
 * `npm start` in Lark mode, the real entry point in a child process: an
 * admin sends a plan file in a p2p chat, the bot imports it and answers from
 * it; after a restart the imported plan is still served. Runs on its own
 * Redis database so the default "duban" keys it writes cannot meet other
 * tests' (the terminal test counts the loaded files).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newMessageId, postEvent, textMessage, type EventContext } from '../fakes/lark-events.js';
import { startFakeLark, type FakeLark, type SentRecord } from '../fakes/lark-server.js';
import { connectTestRedis, deleteByPrefix, testRedisUrl } from '../support/redis.js';
import { PLAN_NAME, PLAN_V1 } from './fixtures.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DB = 11;
const url = new URL(testRedisUrl());
url.pathname = `/${DB}`;
const REDIS_URL = url.toString();
const ADMIN = 'ou_admin_main_import';
const CHAT = 'oc_main_import_p2p';
const QUEUE_PREFIX = `{duban-main-import-${Date.now()}}`;

let fake: FakeLark;
let redis: Redis;
const ctx: EventContext = { appId: '', tenantKey: `tk_main_import_${Date.now()}`, verificationToken: 'vt-main-import', encryptKey: 'ek-main-import' };

async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

interface Running {
  child: ChildProcess;
  port: number;
  stderr: () => string;
}

async function start(): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      REDIS_URL,
      REDIS_AUTOSTART: 'false',
      PLAN_FILES: 'seeds/qingyuan-2022-zhengwu-gongkai.txt',
      LARK_APP_ID: fake.appId,
      LARK_APP_SECRET: fake.appSecret,
      LARK_DOMAIN: fake.url,
      LARK_ENCRYPT_KEY: ctx.encryptKey,
      LARK_VERIFICATION_TOKEN: ctx.verificationToken,
      ADMIN_OPEN_IDS: ADMIN,
      PORT: String(port),
      QUEUE_PREFIX,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const deadline = Date.now() + 30_000;
  while (!stderr.includes('"event":"started"')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`bot did not start:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, port, stderr: () => stderr };
}

async function stop(r: Running | undefined): Promise<void> {
  if (!r || r.child.exitCode !== null) return;
  r.child.kill('SIGTERM');
  await once(r.child, 'exit');
}

function seen(records: SentRecord[]): string {
  return records.map((r) => JSON.stringify(r.content)).join('\n').replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)));
}

async function answerTo(messageId: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  while (!fake.sent.some((s) => s.replyTo === messageId)) {
    if (Date.now() > deadline) throw new Error(`no answer to ${messageId}`);
    await fake.waitForSent(fake.sent.length + 1, 500).catch(() => undefined);
  }
  return seen(fake.sent.filter((s) => s.replyTo === messageId));
}

async function say(r: Running, text: string): Promise<string> {
  const m = textMessage(ctx, { chatId: CHAT, chatType: 'p2p', senderOpenId: ADMIN, text });
  fake.registerMessage(m.messageId, CHAT);
  expect((await postEvent(`http://127.0.0.1:${r.port}/lark/events`, ctx, m.body)).status).toBe(200);
  return answerTo(m.messageId);
}

beforeAll(async () => {
  (await connectTestRedis()).disconnect(); // fails loudly without Redis
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  fake = await startFakeLark({ chats: [{ chatId: CHAT, name: 'p2p', members: [{ openId: ADMIN, name: '王管理' }] }] });
  ctx.appId = fake.appId;
});

afterAll(async () => {
  // Only this test uses database DB: clear the bot's namespaces there.
  if (redis) {
    for (const p of ['duban', QUEUE_PREFIX]) await deleteByPrefix(redis, p);
    redis.disconnect();
  }
  await fake?.close();
});

describe('npm start with /导入', () => {
  let bot: Running | undefined;
  afterAll(() => stop(bot), 20_000);

  it('imports a file an admin sends, answers from it, and still serves it after a restart', async () => {
    bot = await start();
    expect(await say(bot, '政务云扩容谁牵头')).not.toContain('县数据局');

    const messageId = newMessageId();
    const { fileKey } = fake.registerFile({ messageId, chatId: CHAT, fileName: PLAN_NAME, data: Buffer.from(PLAN_V1) });
    const file = textMessage(ctx, { chatId: CHAT, chatType: 'p2p', senderOpenId: ADMIN, text: '', messageId, messageType: 'file', content: JSON.stringify({ file_key: fileKey, file_name: PLAN_NAME }) });
    expect((await postEvent(`http://127.0.0.1:${bot.port}/lark/events`, ctx, file.body)).status).toBe(200);
    const imported = await answerTo(messageId);
    expect(imported).toContain('已导入：2025年青禾县数字政府建设工作要点');
    // The services' re-plan hook ran (no group is bound yet, so it says so).
    expect(imported).toContain('还没有群绑定单位；绑定后即按新文件发送截止提醒。');
    expect(await say(bot, '政务云扩容谁牵头')).toContain('县数据局');
    expect(bot.stderr()).toMatch(/"event":"audit".*"action":"plan-load".*"by":"system"/u);

    await stop(bot);
    bot = await start();
    expect(await say(bot, '政务云扩容谁牵头')).toContain('县数据局');
    expect(await say(bot, '/文件')).toContain('共 2 份文件');
  }, 90_000);
});
