/**
 * The handlers shared by webhook and long-connection mode, driven the way the
 * SDK's WSClient drives them: `dispatcher.invoke(envelope, { needCheck: false })`
 * with a plain (already authenticated) envelope.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLarkClient } from '../../../src/adapters/lark/client.js';
import { BackpressureError, createDispatcher, createEventHandlers } from '../../../src/adapters/lark/dispatch.js';
import { createWorkQueue } from '../../../src/adapters/lark/queue.js';
import { createMessenger, type LarkMessenger } from '../../../src/adapters/lark/send.js';
import type { Bot, IncomingMessage } from '../../../src/chat/types.js';
import { silentLogger } from '../../../src/log.js';
import { createRedisDedupe } from '../../../src/store/dedupe.js';
import { startFakeLark, type FakeLark } from '../../fakes/lark-server.js';
import { textMessage, type EventContext } from '../../fakes/lark-events.js';
import { useTestRedis } from '../../support/redis.js';

const t = useTestRedis('lark-dispatch');
const ctx: EventContext = { appId: 'cli_a1b2c3d4e5f60718', tenantKey: 'tenant-d', verificationToken: 'v', encryptKey: 'k' };

let fake: FakeLark;
let messenger: LarkMessenger;

beforeAll(async () => {
  fake = await startFakeLark({ appId: ctx.appId });
  const log = silentLogger();
  messenger = createMessenger({ client: createLarkClient({ appId: ctx.appId, appSecret: fake.appSecret, domain: fake.url, log }), log });
});
afterAll(async () => {
  await fake.close();
});

function msg(chatId: string, text: string) {
  const m = textMessage(ctx, { chatId, chatType: 'p2p', senderOpenId: 'ou_u', text });
  fake.registerMessage(m.messageId, chatId);
  return m;
}

describe('event handlers (the long-connection path)', () => {
  it('answers through the SDK dispatcher fed a plain envelope, and dedupes', async () => {
    const seen: IncomingMessage[] = [];
    const bot: Bot = { handle: async (m, out) => void (seen.push(m), await out.reply({ blocks: [{ kind: 'text', text: `收到：${m.text}` }] })) };
    const log = silentLogger();
    const queue = createWorkQueue({ log });
    const handlers = createEventHandlers({
      bot,
      messenger,
      dedupe: createRedisDedupe(t.redis, { prefix: `${t.prefix}:a:` }),
      queue,
      botOpenId: fake.bot.openId,
      log,
    });
    const dispatcher = createDispatcher(handlers, log);
    const m = msg('oc_ws_1', '长连接');
    await dispatcher.invoke(m.body, { needCheck: false });
    await dispatcher.invoke(m.body, { needCheck: false });
    expect(await queue.drain(5000)).toBe(true);
    expect(seen.map((s) => s.text)).toEqual(['长连接']);
    expect(fake.sent.filter((s) => s.replyTo === m.messageId)).toHaveLength(1);
  });

  it('keeps answers in a chat in order while chats run in parallel', async () => {
    const order: string[] = [];
    const bot: Bot = {
      async handle(m, out) {
        // The first message of each chat is the slowest.
        if (m.text.endsWith('1')) await new Promise((r) => setTimeout(r, 30));
        order.push(`${m.chatId}:${m.text}`);
        await out.reply({ blocks: [{ kind: 'text', text: m.text }] });
      },
    };
    const log = silentLogger();
    const queue = createWorkQueue({ log, concurrency: 4 });
    const h = createEventHandlers({ bot, messenger, dedupe: createRedisDedupe(t.redis, { prefix: `${t.prefix}:o:` }), queue, botOpenId: 'ou_bot', log });
    for (const text of ['1', '2', '3']) {
      for (const chat of ['oc_a', 'oc_b']) {
        const m = msg(chat, text);
        await h['im.message.receive_v1']({ ...m.body.header, ...m.body.event });
      }
    }
    expect(await queue.drain(5000)).toBe(true);
    expect(order.filter((o) => o.startsWith('oc_a'))).toEqual(['oc_a:1', 'oc_a:2', 'oc_a:3']);
    expect(order.filter((o) => o.startsWith('oc_b'))).toEqual(['oc_b:1', 'oc_b:2', 'oc_b:3']);
  });

  it('refuses work when the queue is full and gives the claim back, so a re-push is processed', async () => {
    const log = silentLogger();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const handled: string[] = [];
    const bot: Bot = {
      async handle(m) {
        handled.push(m.text);
        await gate;
      },
    };
    const queue = createWorkQueue({ log, concurrency: 1, maxPending: 1 });
    const h = createEventHandlers({ bot, messenger, dedupe: createRedisDedupe(t.redis, { prefix: `${t.prefix}:q:` }), queue, botOpenId: 'ou_bot', log });
    const merged = (m: ReturnType<typeof msg>) => ({ ...m.body.header, ...m.body.event });
    const a = msg('oc_q', 'a');
    const b = msg('oc_q', 'b');
    const c = msg('oc_q', 'c');
    await h['im.message.receive_v1'](merged(a)); // running
    await h['im.message.receive_v1'](merged(b)); // waiting (the one pending slot)
    await expect(h['im.message.receive_v1'](merged(c))).rejects.toBeInstanceOf(BackpressureError);
    release();
    expect(await queue.drain(5000)).toBe(true);
    // Lark re-pushes c: it is processed this time, since its claim was released.
    const queue2 = createWorkQueue({ log });
    const h2 = createEventHandlers({ bot, messenger, dedupe: createRedisDedupe(t.redis, { prefix: `${t.prefix}:q:` }), queue: queue2, botOpenId: 'ou_bot', log });
    await h2['im.message.receive_v1'](merged(c));
    expect(await queue2.drain(5000)).toBe(true);
    expect(handled).toEqual(['a', 'b', 'c']);
  });

  it('refuses (and logs) rather than risk a double answer when Redis is unreachable', async () => {
    const log = silentLogger();
    const dead = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    dead.on('error', () => undefined);
    const handled: string[] = [];
    const bot: Bot = { handle: async (m) => void handled.push(m.text) };
    const h = createEventHandlers({ bot, messenger, dedupe: createRedisDedupe(dead), queue: createWorkQueue({ log }), botOpenId: 'ou_bot', log });
    const m = msg('oc_dead', 'x');
    await expect(h['im.message.receive_v1']({ ...m.body.header, ...m.body.event })).rejects.toMatchObject({ reason: 'dedupe_unavailable' });
    expect(handled).toEqual([]);
    expect(log.lines.some((l) => l.event === 'lark_dedupe_unavailable')).toBe(true);
    dead.disconnect();
  });

  it('ignores a malformed event with a log line instead of throwing', async () => {
    const log = silentLogger();
    const h = createEventHandlers({
      bot: { handle: async () => undefined },
      messenger,
      dedupe: createRedisDedupe(t.redis, { prefix: `${t.prefix}:m:` }),
      queue: createWorkQueue({ log }),
      botOpenId: 'ou_bot',
      log,
    });
    await h['im.message.receive_v1']({ event_id: 'e1', message: { chat_id: 'oc' } });
    expect(log.lines.some((l) => l.event === 'lark_event_malformed')).toBe(true);
  });
});
