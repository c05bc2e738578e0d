/**
 * Long-connection mode end to end: the SDK's real WSClient connects to the
 * fake platform's endpoint, events are pushed down the socket as pbbp2
 * frames, and answers go out through the fake Open API. Dedupe is Redis.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLark, type LarkHandle } from '../../../src/adapters/lark/index.js';
import { startWs } from '../../../src/adapters/lark/ws.js';
import { createDispatcher, createEventHandlers } from '../../../src/adapters/lark/dispatch.js';
import type { Bot, IncomingMessage } from '../../../src/chat/types.js';
import { silentLogger } from '../../../src/log.js';
import { startFakeLark, type FakeLark } from '../../fakes/lark-server.js';
import { cardAction, textMessage, type EventContext } from '../../fakes/lark-events.js';
import { useTestRedis } from '../../support/redis.js';
import { testInbox } from '../../support/inbox.js';

const t = useTestRedis('lark-ws');
const ctx: EventContext = { appId: 'cli_0123456789abcdef', tenantKey: 'tenant-w', verificationToken: 'unused', encryptKey: 'unused' };

let fake: FakeLark;
let lark: LarkHandle;
const seen: IncomingMessage[] = [];

const bot: Bot = {
  async handle(m, out) {
    seen.push(m);
    await out.reply({ title: '回显', blocks: [{ kind: 'text', text: m.text }] });
  },
  press: async () => ({ toast: { type: 'success', text: '好' } }),
};

beforeAll(async () => {
  fake = await startFakeLark({ appId: ctx.appId });
  lark = await startLark({
    config: { appId: ctx.appId, appSecret: fake.appSecret, domain: fake.url, mode: 'ws', redisPrefix: `${t.prefix}:` },
    bot,
    inbox: await testInbox(t, silentLogger()),
    log: silentLogger(),
  });
});
afterAll(async () => {
  await lark?.stop();
  await fake?.close();
});

describe('Lark long connection', () => {
  it('connects with the real WSClient (no encrypt key or token needed)', () => {
    expect(lark.mode).toBe('ws');
    expect(fake.wsClients).toBe(1);
  });

  it('answers a pushed message in its chat, once even when pushed twice', async () => {
    const m = textMessage(ctx, { chatId: 'oc_ws', chatType: 'group', senderOpenId: 'ou_u', text: '@_user_1 谁牵头', mentions: [{ openId: fake.bot.openId, name: '督办' }] });
    fake.registerMessage(m.messageId, 'oc_ws');
    expect(await fake.pushWsEvent(m.body)).toEqual({ code: 200 });
    expect(await fake.pushWsEvent(m.body)).toEqual({ code: 200 });
    await vi.waitFor(() => expect(fake.sent.filter((s) => s.replyTo === m.messageId)).toHaveLength(1), { timeout: 5000 });
    // A later message in the same chat is answered after it, so nothing else is on its way.
    const later = textMessage(ctx, { chatId: 'oc_ws', chatType: 'p2p', senderOpenId: 'ou_u', text: '之后' });
    fake.registerMessage(later.messageId, 'oc_ws');
    await fake.pushWsEvent(later.body);
    await vi.waitFor(() => expect(fake.sent.some((s) => s.replyTo === later.messageId)).toBe(true), { timeout: 5000 });
    expect(fake.sent.filter((s) => s.replyTo === m.messageId)).toHaveLength(1);
    expect(seen.find((s) => s.messageId === m.messageId)).toMatchObject({ text: '谁牵头', mentionsBot: true, chatId: 'oc_ws' });
  });

  it('returns the card-action answer over the socket', async () => {
    const { body } = cardAction(ctx, { openId: 'ou_u', chatId: 'oc_ws', messageId: 'om_c', value: { op: 'x' } });
    expect(await fake.pushWsEvent(body)).toEqual({ code: 200, data: { toast: { type: 'success', content: '好' } } });
  });

  it('refuses an app id the WSClient would silently ignore', async () => {
    const log = silentLogger();
    const handlers = createEventHandlers({
      inbox: { accept: async () => 'accepted' as const, answer: async () => undefined },
      botOpenId: 'ou_bot',
      log,
    });
    await expect(
      startWs({ appId: 'cli_short', appSecret: 's', domain: fake.url, dispatcher: createDispatcher(handlers, log), log }),
    ).rejects.toThrow(/cli_/);
  });
});
