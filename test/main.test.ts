import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/log.js';
import { ensureRedis, type RedisFound } from '../src/redis/ensure.js';
import { startFakeLark, type FakeLark } from './fakes/lark-server.js';
import { postEvent, textMessage, type EventContext } from './fakes/lark-events.js';

// `npm start` as a user runs it: the real entry point in a child process, real Redis,
// the real Lark SDK talking to the fake Open API over loopback. The bot uses its
// production key names (duban:…, {duban}:…), so it gets a redis-server of its own,
// started here on a free port and stopped after: the shared test Redis never sees them.
const ROOT = join(import.meta.dirname, '..');
let redisUrl = '';
let scratch = '';

function run(env: Record<string, string>, input?: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', REDIS_URL: redisUrl, REDIS_AUTOSTART: 'false', DATA_DIR: join(scratch, 'data'), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (input !== undefined) child.stdin!.end(input);
  return child;
}

async function collect(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

let privateRedis: RedisFound | undefined;

describe('npm start', () => {
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'duban-main-'));
    // Fails loudly (no skip) when redis-server cannot be started.
    const found = await ensureRedis({ localUrl: `redis://127.0.0.1:${await freePort()}`, dataDir: join(scratch, 'redis'), log: silentLogger('fatal'), allowSpawn: true });
    if (found.url === undefined) throw new Error(`main.test needs a redis-server of its own: ${found.hint}`);
    privateRedis = found;
    redisUrl = found.url;
  }, 30_000);

  afterAll(async () => {
    await privateRedis?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('answers piped questions in the terminal and exits', async () => {
    const out = await collect(run({}, '减税降费谁牵头\n/文件\n'));
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('牵头单位：县税务局');
    expect(out.stdout).toContain('2022年庆元县政务公开工作要点');
    expect(out.stdout).toMatch(/共 5 份文件，\d+ 项任务/);
  });

  it('a first run on the bundled (past-year) plans shows what falls due, on a demo date it names in every reply', async () => {
    const out = await collect(run({}, '/截止\n'));
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/共 \d+ 项/u);
    expect(out.stdout).toContain('演示日期：已载入的工作要点都是往年的');
    const real = await collect(run({ DEMO_TODAY: 'off' }, '/截止\n'));
    expect(real.stdout).not.toContain('演示日期');
  });

  it('in a container (REQUIRE_LARK=true) without Lark credentials: says what is missing and waits instead of exiting', async () => {
    const child = run({ REQUIRE_LARK: 'true' });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const deadline = Date.now() + 20_000;
    while (!stderr.includes('LARK_APP_SECRET') && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(stderr).toContain('缺少飞书凭证');
    expect(stderr).toContain('LARK_APP_ID');
    expect(child.exitCode).toBeNull();
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  }, 30_000);

  it('keeps the terminal chat free of log lines, even at LOG_LEVEL=info (as .env.example has it): they go to DATA_DIR/logs', async () => {
    const dataDir = join(scratch, 'chatty');
    const out = await collect(run({ LOG_LEVEL: 'info', DATA_DIR: dataDir }, '减税降费谁牵头\n'));
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('牵头单位：县税务局');
    for (const text of [out.stdout, out.stderr]) expect(text).not.toMatch(/"level":\d+/u);
    const logFile = join(dataDir, 'logs', 'duban.log');
    expect(existsSync(logFile)).toBe(true);
    expect(readFileSync(logFile, 'utf8')).toMatch(/"level":30/u);
  });

  it('in the terminal, /退回 says the unit was not notified, and logs no error about a missing Lark messenger', async () => {
    const dataDir = join(scratch, 'decide');
    const out = await collect(run({ LOG_LEVEL: 'info', DATA_DIR: dataDir }, '/绑定 县大数据发展中心\n/进展 三（四） 已完成 已开放\n/退回 三（四） 请补充佐证材料\n'));
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('【已退回】');
    expect(out.stdout).toContain('没有通知该单位工作群');
    expect(out.stdout).not.toContain('已通知该单位工作群');
    const lines = readFileSync(join(dataDir, 'logs', 'duban.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg?: string; err?: unknown });
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(JSON.stringify(lines)).not.toContain('no Lark messenger');
  });

  it('says which setting is wrong and does not start', async () => {
    const out = await collect(run({ PORT: 'abc', LARK_APP_ID: 'cli_a1b2c3d4e5f60718' }));
    expect(out.code).not.toBe(0);
    expect(out.stderr).toMatch(/PORT/);
    expect(out.stderr).toMatch(/LARK_APP_SECRET/);
  });

  describe('with Lark credentials', () => {
    let lark: FakeLark;
    let child: ChildProcess;
    let port: number;
    let stderr = '';
    const ctx: EventContext = { appId: '', tenantKey: `tk_main_${Date.now()}`, verificationToken: 'vt-main-test', encryptKey: 'ek-main-test' };

    beforeAll(async () => {
      lark = await startFakeLark({ chats: [{ chatId: 'oc_main_p2p', name: 'p2p', members: [{ openId: 'ou_user_main', name: '张三' }] }] });
      ctx.appId = lark.appId;
      port = await freePort();
      child = run({
        LARK_APP_ID: lark.appId,
        LARK_APP_SECRET: lark.appSecret,
        LARK_DOMAIN: lark.url,
        LARK_ENCRYPT_KEY: ctx.encryptKey,
        LARK_VERIFICATION_TOKEN: ctx.verificationToken,
        PORT: String(port),
        QUEUE_PREFIX: `{duban-main-${Date.now()}}`,
        LOG_LEVEL: 'info',
      });
      child.stderr!.on('data', (d) => (stderr += d));
      // Bounded wait for the start-up line.
      const deadline = Date.now() + 30_000;
      while (!stderr.includes('"event":"started"')) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`bot did not start:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }, 40_000);

    afterAll(async () => {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      await lark?.close();
    });

    it('answers a signed message in its chat, once even when Lark re-pushes it', async () => {
      const msg = textMessage(ctx, { chatId: 'oc_main_p2p', chatType: 'p2p', senderOpenId: 'ou_user_main', text: '减税降费谁牵头' });
      lark.registerMessage(msg.messageId, 'oc_main_p2p');
      const url = `http://127.0.0.1:${port}/lark/events`;
      const first = await postEvent(url, ctx, msg.body);
      expect(first.status).toBe(200);
      const [sent] = await lark.waitForSent(1, 10_000);
      expect(JSON.stringify(sent!.content)).toContain('县税务局');
      await postEvent(url, ctx, msg.body); // at-least-once delivery
      const again = textMessage(ctx, { chatId: 'oc_main_p2p', chatType: 'p2p', senderOpenId: 'ou_user_main', text: '/文件' });
      lark.registerMessage(again.messageId, 'oc_main_p2p');
      await postEvent(url, ctx, again.body);
      await lark.waitForSent(2, 10_000);
      expect(lark.sent).toHaveLength(2); // the re-push produced no second answer
    });

    it('refuses a forged push', async () => {
      const msg = textMessage(ctx, { chatId: 'oc_main_p2p', chatType: 'p2p', senderOpenId: 'ou_user_main', text: '/帮助' });
      const res = await postEvent(`http://127.0.0.1:${port}/lark/events`, { ...ctx, encryptKey: 'not-the-key' }, msg.body);
      expect(res.status).toBe(401);
    });

    it('stops cleanly on SIGTERM', async () => {
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    }, 20_000);
  });
});
