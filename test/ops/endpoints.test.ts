/**
 * The operator's endpoints on a running `npm start`, in both Lark modes: the
 * real entry point in a child process, real Redis, the real SDK against the
 * fake Open API, and curl over loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLark, type FakeLark } from '../fakes/lark-server.js';
import { postEvent, textMessage, type EventContext } from '../fakes/lark-events.js';
import { freePort, startOwnRedis, type OwnRedis } from '../support/own-redis.js';
import { curl } from './curl.js';

const ROOT = join(import.meta.dirname, '..', '..');


for (const mode of ['webhook', 'ws'] as const) {
  describe(`health, readiness and metrics in ${mode} mode`, () => {
    let lark: FakeLark;
    let child: ChildProcess;
    let port: number;
    let stderr = '';
    let redis: OwnRedis;
    const tag = `duban-ops-${mode}-${process.pid}-${Date.now()}`;
    const ctx: EventContext = { appId: '', tenantKey: `tk_ops_${mode}`, verificationToken: 'vt-ops', encryptKey: 'ek-ops' };

    beforeAll(async () => {
      // The bot writes its production keys (duban:…, {duban}:…): a Redis of its own, not the shared test one.
      redis = await startOwnRedis(`ops-${mode}`);
      lark = await startFakeLark({
        appId: 'cli_0a1b2c3d4e5f6071',
        chats: [{ chatId: 'oc_ops_p2p', name: 'p2p', members: [{ openId: 'ou_ops', name: '运维' }] }],
      });
      ctx.appId = lark.appId;
      port = await freePort();
      child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          REDIS_URL: redis.url,
          DATA_DIR: `${redis.dir}/data`,
          REDIS_AUTOSTART: 'false',
          LARK_APP_ID: lark.appId,
          LARK_APP_SECRET: lark.appSecret,
          LARK_DOMAIN: lark.url,
          LARK_MODE: mode,
          ...(mode === 'webhook' ? { LARK_ENCRYPT_KEY: ctx.encryptKey, LARK_VERIFICATION_TOKEN: ctx.verificationToken } : {}),
          PORT: String(port),
          QUEUE_PREFIX: `{${tag}}`,
          DASHBOARD_USER: 'ops',
          DASHBOARD_PASSWORD: 'correct-horse-battery',
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child.stderr!.on('data', (d) => (stderr += d));
      const deadline = Date.now() + 30_000;
      while (!/"event":"started"/.test(stderr)) {
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
      await redis?.stop();
    });

    it('answers /healthz', async () => {
      const r = await curl(`http://127.0.0.1:${port}/healthz`);
      expect(r.status).toBe(200);
      expect(r.body.trim()).toBe('ok');
    });

    it('is ready: Redis answers, the Lark token is valid, the queues are not stalled', async () => {
      const r = await curl(`http://127.0.0.1:${port}/readyz`);
      expect(r.status).toBe(200);
      const body = JSON.parse(r.body) as { ready: boolean; checks: Record<string, { ok: boolean }> };
      expect(body.ready).toBe(true);
      expect(Object.keys(body.checks).sort()).toEqual(['lark', 'queue:delivery', 'queue:reminders', 'redis']);
      expect(Object.values(body.checks).every((c) => c.ok)).toBe(true);
    });

    it('counts a question, its reply and a 429 on the way in /metrics, with queue depths', async () => {
      // The first send is refused with 429; the messenger waits and sends again.
      lark.failNext({ method: 'POST', path: /^\/open-apis\/im\/v1\/messages/ }, { status: 429, code: 99991400, msg: 'frequency limit', headers: { 'x-ogw-ratelimit-reset': '1' } });
      const msg = textMessage(ctx, { chatId: 'oc_ops_p2p', chatType: 'p2p', senderOpenId: 'ou_ops', text: '减税降费谁牵头' });
      lark.registerMessage(msg.messageId, 'oc_ops_p2p');
      if (mode === 'webhook') expect((await postEvent(`http://127.0.0.1:${port}/lark/events`, ctx, msg.body)).status).toBe(200);
      else expect(await lark.pushWsEvent(msg.body)).toEqual({ code: 200 });
      await lark.waitForSent(1, 10_000);
      const r = await curl(`http://127.0.0.1:${port}/metrics`);
      expect(r.status).toBe(200);
      expect(r.headers).toMatch(/content-type: text\/plain; version=0\.0\.4/i);
      expect(r.body).toMatch(/^duban_events_received_total\{kind="message"\} 1$/m);
      expect(r.body).toMatch(/^duban_replies_total 1$/m);
      expect(r.body).toMatch(/^duban_reply_latency_seconds_count 1$/m);
      expect(r.body).toMatch(/^duban_queue_jobs\{queue="delivery",state="waiting"\} 0$/m);
      expect(r.body).toMatch(/^duban_deliveries_waiting 0$/m);
      expect(r.body).toMatch(/^duban_reminders_planned_total \d+$/m);
      expect(r.body).toMatch(/^duban_lark_rate_limited_total\{op="[^"]+"\} 1$/m);
    });

    it('guards the queue dashboard with basic auth', async () => {
      const anon = await curl(`http://127.0.0.1:${port}/admin/queues`);
      expect(anon.status).toBe(401);
      expect(anon.headers).toMatch(/www-authenticate: Basic/i);
      const wrong = await curl(`http://127.0.0.1:${port}/admin/queues`, { user: 'ops:wrong-password-here' });
      expect(wrong.status).toBe(401);
      const ok = await curl(`http://127.0.0.1:${port}/admin/queues`, { user: 'ops:correct-horse-battery' });
      expect(ok.status).toBe(200);
      expect(ok.body).toContain('督办队列');
      const api = await curl(`http://127.0.0.1:${port}/admin/queues/api/queues`, { user: 'ops:correct-horse-battery' });
      expect(api.status).toBe(200);
      const names = (JSON.parse(api.body) as { queues: Array<{ name: string }> }).queues.map((q) => q.name).sort();
      expect(names).toEqual(['delivery', 'reminders', 'weekly']);
    });
  });
}
