/**
 * Webhook-to-reply latency: events sealed exactly as Lark seals them (AES +
 * signature, done before the clock starts) are POSTed at a steady 100/s for
 * ~10 s to the adapter's webhook; the clock stops when the fake Lark Open API
 * records the reply. Real SDK, real Redis dedupe (REDIS_URL), logs formatted
 * at info into a sink. Two bots: the real one over the bundled seeds, and an
 * echo bot to show the adapter's own share. Target: p99 < 50 ms.
 */
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { Redis } from 'ioredis';
import { startLark } from '../src/adapters/lark/index.js';
import { createBot } from '../src/chat/bot.js';
import { systemClock, type Bot } from '../src/chat/types.js';
import { createLogger } from '../src/log.js';
import { parsePlan } from '../src/plan/parse.js';
import type { Ledger } from '../src/plan/schema.js';
import { PlanIndex } from '../src/search/index.js';
import { UnitDirectory } from '../src/units/directory.js';
import { startFakeLark, type SentRecord } from '../test/fakes/lark-server.js';
import { testInbox } from '../test/support/inbox.js';
import { postRaw, sealed, textMessage, type EventContext, webhookOptions } from '../test/fakes/lark-events.js';

const RATE = 100;
const SECONDS = 10;
const CHATS = 50;
const QUESTIONS = ['减税降费谁牵头？', '政府网站谁牵头', '/帮助', '/截止 本月', '政务公开谁负责', '/文件'];

const ctx: EventContext = {
  appId: 'cli_a1b2c3d4e5f60718',
  tenantKey: 'bench-tenant',
  verificationToken: `vt-${randomBytes(6).toString('hex')}`,
  encryptKey: `ek-${randomBytes(6).toString('hex')}`,
};

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const f = (ms: number) => `${ms.toFixed(1)} ms`;

async function connectRedis(): Promise<Redis> {
  const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const redis = new Redis(url, { connectTimeout: 2000, maxRetriesPerRequest: 1, retryStrategy: (n) => (n > 3 ? null : 100) });
  redis.on('error', () => undefined);
  try {
    await redis.ping();
  } catch (e) {
    redis.disconnect();
    throw new Error(`lark-webhook 基准需要 Redis，但 ${url} 无响应（${e instanceof Error ? e.message : String(e)}）。请用 npm run bench 运行或设置 REDIS_URL。`);
  }
  return redis;
}

async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  for (let i = 0; i < 10_000; i += 1) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length) await redis.unlink(...keys);
    cursor = next;
    if (cursor === '0') return;
  }
}

function seedBot(): { bot: Bot; docs: number } {
  const dir = join(import.meta.dirname, '..', 'seeds');
  const documents = readdirSync(dir)
    .filter((x) => x.endsWith('.txt'))
    .map((x) => parsePlan(readFileSync(join(dir, x)), x));
  const ledger: Ledger = { documents };
  const units = UnitDirectory.fromYaml(readFileSync(join(dir, 'units.yaml'), 'utf8'));
  const plans = { ledger, index: PlanIndex.build(ledger, units), units };
  const log = createLogger({ level: 'info', destination: { write() {} } });
  return { bot: createBot({ plans, clock: systemClock, log }), docs: documents.length };
}

const echoBot: Bot = {
  async handle(m, out) {
    await out.reply({ title: '回显', blocks: [{ kind: 'text', text: m.text }] });
  },
};

async function run(label: string, bot: Bot, redis: Redis): Promise<void> {
  const started = new Map<string, number>();
  const replied = new Map<string, number>();
  const fake = await startFakeLark({
    appId: ctx.appId,
    onSent: (r: SentRecord) => {
      // First part of each answer: what the user sees arrive.
      if (r.replyTo && !replied.has(r.replyTo)) replied.set(r.replyTo, performance.now());
    },
  });
  const prefix = `bench:lark:${randomBytes(4).toString('hex')}`;
  const bullmq = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const log = createLogger({ level: 'info', destination: { write() {} } });
  const lark = await startLark({
    config: webhookOptions(ctx, fake, prefix),
    bot,
    inbox: await testInbox({ redis, prefix, connect: async () => bullmq }, log),
    log,
  });
  const url = `http://127.0.0.1:${lark.port}/lark/events`;
  try {
    // Warm-up: token, JIT, keep-alive sockets.
    for (let i = 0; i < 20; i += 1) {
      const m = textMessage(ctx, { chatId: 'oc_warm', chatType: 'p2p', senderOpenId: 'ou_b', text: QUESTIONS[i % QUESTIONS.length]! });
      fake.registerMessage(m.messageId, 'oc_warm');
      const { body, headers } = sealed(ctx, m.body);
      await postRaw(url, body, headers);
    }
    await fake.waitForSent(20, 10_000);

    const total = RATE * SECONDS;
    const requests = Array.from({ length: total }, (_, i) => {
      const chatId = `oc_bench_${i % CHATS}`;
      const m = textMessage(ctx, { chatId, chatType: 'p2p', senderOpenId: 'ou_b', text: QUESTIONS[i % QUESTIONS.length]! });
      fake.registerMessage(m.messageId, chatId);
      return { id: m.messageId, ...sealed(ctx, m.body) };
    });
    const acks: number[] = [];
    let failed = 0;
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const inflight: Array<Promise<void>> = [];
    for (let i = 0; i < total; i += 1) {
      // Open loop: request i leaves at t0 + i/RATE whatever happened before.
      const due = t0 + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const r = requests[i]!;
      const start = performance.now();
      started.set(r.id, start);
      inflight.push(
        postRaw(url, r.body, r.headers).then(
          (res) => {
            acks.push(performance.now() - start);
            if (res.status !== 200) failed += 1;
          },
          () => {
            failed += 1;
          },
        ),
      );
    }
    await Promise.all(inflight);
    const deadline = performance.now() + 10_000;
    while (replied.size < total + 20 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const elapsed = (performance.now() - t0) / 1000;
    loop.disable();
    const cpu = process.cpuUsage(cpu0);
    const cpuPerReq = (cpu.user + cpu.system) / 1000 / total;

    const lat: number[] = [];
    for (const [id, s] of started) {
      const e = replied.get(id);
      if (e !== undefined) lat.push(e - s);
    }
    lat.sort((a, b) => a - b);
    acks.sort((a, b) => a - b);
    const p99 = pct(lat, 99);
    console.log(`lark webhook → reply, ${label}: ${total} requests at ${RATE}/s over ${elapsed.toFixed(1)} s, ${CHATS} chats`);
    console.log(`  HTTP ack:        p50 ${f(pct(acks, 50))}  p99 ${f(pct(acks, 99))}  max ${f(acks[acks.length - 1] ?? NaN)}`);
    console.log(`  reply at Lark:   p50 ${f(pct(lat, 50))}  p99 ${f(p99)}  max ${f(lat[lat.length - 1] ?? NaN)}`);
    console.log(`  answered ${lat.length}/${total}, non-200 ${failed}, token requests ${fake.tokenRequests}, messages sent ${fake.sent.length}`);
    // CPU of the whole process (client + adapter + bot + fake Lark) per request: less noisy than latency on a shared machine.
    console.log(`  CPU per request (whole process): ${f(cpuPerReq)}`);
    // Load generator, adapter and fake Lark share this process: a stalled loop shows up here.
    console.log(`  event-loop delay: p99 ${f(loop.percentile(99) / 1e6)}  max ${f(loop.max / 1e6)}; load average ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} cores`);
    console.log(`  target p99 < 50 ms: ${p99 < 50 ? 'met' : 'NOT met'}`);
  } finally {
    await lark.stop();
    await fake.close();
    await bullmq.quit().catch(() => bullmq.disconnect());
    await deletePrefix(redis, `{${prefix}}`);
    await deletePrefix(redis, prefix);
  }
}

export default async function bench(): Promise<void> {
  const redis = await connectRedis();
  try {
    const { bot, docs } = seedBot();
    await run(`real bot over ${docs} bundled plans`, bot, redis);
    await run('echo bot (adapter only)', echoBot, redis);
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}
