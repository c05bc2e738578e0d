/**
 * The handlers shared by webhook and long-connection mode, driven the way the
 * SDK's WSClient drives them: `dispatcher.invoke(envelope, { needCheck: false })`
 * with a plain (already authenticated) envelope. Events go through the real
 * durable inbox (BullMQ on the test Redis) to the runner that answers them.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLarkClient } from '../../../src/adapters/lark/client.js';
import { BackpressureError, createDispatcher, createEventHandlers, createLarkEventRunner } from '../../../src/adapters/lark/dispatch.js';
import { createMessenger, type LarkMessenger } from '../../../src/adapters/lark/send.js';
import type { Bot, IncomingMessage } from '../../../src/chat/types.js';
import { silentLogger } from '../../../src/log.js';
import { createInboxQueue, startInbox } from '../../../jobs/inbox.js';
import { startFakeLark, type FakeLark } from '../../fakes/lark-server.js';
import { textMessage, type EventContext } from '../../fakes/lark-events.js';
import { useTestRedis } from '../../support/redis.js';

const t = useTestRedis('lark-dispatch');
const ctx: EventContext = { appId: 'cli_a1b2c3d4e5f60718', tenantKey: 'tenant-d', verificationToken: 'v', encryptKey: 'k' };

let fake: FakeLark;
let messenger: LarkMessenger;
let connection: Redis;

beforeAll(async () => {
  fake = await startFakeLark({ appId: ctx.appId });
  const log = silentLogger();
  messenger = createMessenger({ client: createLarkClient({ appId: ctx.appId, appSecret: fake.appSecret, domain: fake.url, log }), log });
  connection = await t.connect({ forBullmq: true });
});
afterAll(async () => {
  await fake.close();
});

function msg(chatId: string, text: string) {
  const m = textMessage(ctx, { chatId, chatType: 'p2p', senderOpenId: 'ou_u', text });
  fake.registerMessage(m.messageId, chatId);
  return m;
}

const merged = (m: ReturnType<typeof msg>) => ({ ...m.body.header, ...m.body.event });

function harness(bot: Bot, name: string, concurrency = 4) {
  const log = silentLogger();
  const started = startInbox({ connection, redis: t.redis, prefix: `${t.prefix}:{${name}}`, run: createLarkEventRunner({ bot, messenger, log }), log, concurrency });
  const handlers = createEventHandlers({ inbox: started.inbox, botOpenId: fake.bot.openId, log });
  return { log, started, handlers };
}

describe('event handlers (the long-connection path)', () => {
  it('answers through the SDK dispatcher fed a plain envelope, and dedupes', async () => {
    const seen: IncomingMessage[] = [];
    const bot: Bot = { handle: async (m, out) => void (seen.push(m), await out.reply({ blocks: [{ kind: 'text', text: `收到：${m.text}` }] })) };
    const h = harness(bot, 'a');
    const dispatcher = createDispatcher(h.handlers, h.log);
    const m = msg('oc_ws_1', '长连接');
    await dispatcher.invoke(m.body, { needCheck: false });
    await dispatcher.invoke(m.body, { needCheck: false });
    await vi.waitFor(() => expect(fake.sent.filter((s) => s.replyTo === m.messageId)).toHaveLength(1), { timeout: 5000 });
    await h.started.stop();
    expect(seen.map((s) => s.text)).toEqual(['长连接']);
    expect(h.log.lines.filter((l) => l.event === 'lark_duplicate_delivery')).toHaveLength(1);
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
    const h = harness(bot, 'o');
    for (const text of ['1', '2', '3']) {
      for (const chat of ['oc_a', 'oc_b']) await h.handlers['im.message.receive_v1'](merged(msg(chat, text)));
    }
    await vi.waitFor(() => expect(order).toHaveLength(6), { timeout: 10_000 });
    await h.started.stop();
    expect(order.filter((o) => o.startsWith('oc_a'))).toEqual(['oc_a:1', 'oc_a:2', 'oc_a:3']);
    expect(order.filter((o) => o.startsWith('oc_b'))).toEqual(['oc_b:1', 'oc_b:2', 'oc_b:3']);
  });

  it('keeps an acknowledged event when no worker survives: a later worker answers it, once, and a re-push meanwhile is a duplicate', async () => {
    const log = silentLogger();
    // Accepted (stored) by a process whose worker never ran it: the process died after acknowledging.
    const queueOnly = createInboxQueue({ connection, redis: t.redis, prefix: `${t.prefix}:{k}`, log });
    const handlers = createEventHandlers({ inbox: queueOnly, botOpenId: fake.bot.openId, log });
    const m = msg('oc_k', '还在吗');
    await handlers['im.message.receive_v1'](merged(m));
    // Lark re-pushes before anyone answered: the stored event is the claim, so this is a duplicate…
    await handlers['im.message.receive_v1'](merged(m));
    expect(log.lines.filter((l) => l.event === 'lark_duplicate_delivery')).toHaveLength(1);
    await queueOnly.close();
    // …and the event is not lost: the next process's worker answers it.
    const seen: string[] = [];
    const h = harness({ handle: async (x, out) => void (seen.push(x.text), await out.reply({ blocks: [{ kind: 'text', text: 'ok' }] })) }, 'k');
    await vi.waitFor(() => expect(fake.sent.filter((s) => s.replyTo === m.messageId)).toHaveLength(1), { timeout: 10_000 });
    await h.started.stop();
    expect(seen).toEqual(['还在吗']);
  });

  it('refuses (and logs) when the event cannot be stored, so Lark pushes it again', async () => {
    const log = silentLogger();
    const dead = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    dead.on('error', () => undefined);
    const inbox = createInboxQueue({ connection: dead, redis: dead, prefix: `${t.prefix}:{dead}`, log });
    const h = createEventHandlers({ inbox, botOpenId: 'ou_bot', log });
    const m = msg('oc_dead', 'x');
    await expect(h['im.message.receive_v1'](merged(m))).rejects.toBeInstanceOf(BackpressureError);
    expect(log.lines.some((l) => l.event === 'lark_inbox_unavailable')).toBe(true);
    await Promise.race([inbox.close(), new Promise((r) => setTimeout(r, 1000))]);
    dead.disconnect();
  });

  it('ignores a malformed event with a log line instead of throwing', async () => {
    const log = silentLogger();
    const h = createEventHandlers({ inbox: { accept: async () => 'accepted', answer: async () => undefined }, botOpenId: 'ou_bot', log });
    await h['im.message.receive_v1']({ event_id: 'e1', message: { chat_id: 'oc' } });
    expect(log.lines.some((l) => l.event === 'lark_event_malformed')).toBe(true);
  });
});
