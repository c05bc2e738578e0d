/**
 * End to end over real HTTP: events sealed exactly as Lark seals them are
 * POSTed to the adapter's webhook; the adapter (real SDK) answers through the
 * fake Open API; dedupe uses the real Redis. The bot here is a small echo bot
 * so escaping and splitting can be driven from the message text.
 *
 * "No reply" is proven without sleeping: after the message under test, a
 * sentinel message goes to the same chat. Work in a chat runs in order, so
 * once the sentinel's answer is there, any answer to the earlier message
 * would be there too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLark, type LarkHandle } from '../../../src/adapters/lark/index.js';
import { NON_TEXT_NOTE } from '../../../src/adapters/lark/events.js';
import { HANDLER_ERROR_TEXT } from '../../../src/adapters/lark/dispatch.js';
import { CARD_LIMIT_BYTES, TRUNCATED_NOTE } from '../../../src/adapters/lark/render-card.js';
import type { Bot, ButtonPress, IncomingMessage } from '../../../src/chat/types.js';
import { silentLogger, type CapturedLogger } from '../../../src/log.js';
import { startFakeLark, type FakeLark, type SentRecord } from '../../fakes/lark-server.js';
import {
  botAdded,
  botMenu,
  cardAction,
  postEvent,
  postRaw,
  sealed,
  textMessage,
  urlVerification,
  type EventContext,
  type TextMessageSpec,
  webhookOptions,
} from '../../fakes/lark-events.js';
import { useTestRedis } from '../../support/redis.js';
import { testInbox } from '../../support/inbox.js';

const t = useTestRedis('lark-webhook');

const ctx: EventContext = {
  appId: 'cli_a1b2c3d4e5f60718',
  tenantKey: 'tenant-a',
  verificationToken: 'vtok-9f8e7d6c',
  encryptKey: 'ekey-1a2b3c4d5e',
};
const USER = 'ou_user_li';

/** Echoes the text back; "/长文" answers with a huge list, "/崩溃" throws. */
function echoBot(seen: IncomingMessage[], cardActions: ButtonPress[] = []): Bot {
  return {
    async press(e) {
      cardActions.push(e);
      return { toast: { type: 'success', text: '已记录' } };
    },
    async handle(m, out) {
      seen.push(m);
      if (m.chatType === 'group' && !m.mentionsBot && !m.text.startsWith('/')) return;
      if (m.text === '/崩溃') throw new Error('boom');
      if (m.text === '/长文') {
        const items = Array.from({ length: 3000 }, (_, i) => `第${i + 1}项：推进政务公开标准化规范化建设，按时报送进展（县政府办公室牵头）`);
        return out.reply({ title: '清单', blocks: [{ kind: 'list', items }] });
      }
      await out.reply({ title: '回显', blocks: [{ kind: 'text', text: m.text }] });
    },
  };
}

let fake: FakeLark;
let lark: LarkHandle;
let replica: LarkHandle;
let log: CapturedLogger;
let url: string;
let replicaUrl: string;
const seen: IncomingMessage[] = [];
const cardActions: ButtonPress[] = [];
let chatSeq = 0;

function config(extra: Record<string, unknown> = {}) {
  return webhookOptions(ctx, fake, `${t.prefix}:`, { webhookPath: '/lark/events', eventMaxAgeSeconds: 300, ...extra });
}

beforeAll(async () => {
  fake = await startFakeLark({ appId: ctx.appId });
  log = silentLogger('debug');
  const inbox = await testInbox(t, log);
  lark = await startLark({ config: config(), bot: echoBot(seen, cardActions), inbox, log });
  url = `http://127.0.0.1:${lark.port}/lark/events`;
  // A second replica sharing Redis, as behind a load balancer.
  // Same logger: either replica's worker may answer any event.
  replica = await startLark({ config: config(), bot: echoBot(seen, cardActions), inbox, log });
  replicaUrl = `http://127.0.0.1:${replica.port}/lark/events`;
});

afterAll(async () => {
  await lark?.stop();
  await replica?.stop();
  await fake?.close();
});

function newChat(): string {
  chatSeq += 1;
  const id = `oc_chat_${chatSeq}`;
  fake.addChat({ chatId: id, name: `群${chatSeq}`, members: [] });
  return id;
}

/** Build a user message in a chat and make it known to the fake (so it can be replied to). */
function message(spec: Omit<TextMessageSpec, 'senderOpenId'> & { senderOpenId?: string }) {
  const m = textMessage(ctx, { senderOpenId: USER, ...spec });
  fake.registerMessage(m.messageId, spec.chatId);
  return m;
}

const repliesTo = (messageId: string): SentRecord[] => fake.sent.filter((s) => s.replyTo === messageId);

async function waitReplies(messageId: string, n = 1, timeoutMs = 5000): Promise<SentRecord[]> {
  const deadline = Date.now() + timeoutMs;
  while (repliesTo(messageId).length < n) {
    if (Date.now() > deadline) throw new Error(`no reply to ${messageId} within ${timeoutMs} ms`);
    await fake.waitForSent(fake.sent.length + 1, Math.max(1, deadline - Date.now())).catch(() => undefined);
  }
  return repliesTo(messageId);
}

/** A valid message after the one under test; resolves once it is answered. */
async function sentinel(chatId: string, target = url): Promise<void> {
  const s = message({ chatId, chatType: 'p2p', text: '哨兵' });
  expect((await postEvent(target, ctx, s.body)).status).toBe(200);
  await waitReplies(s.messageId);
}

function cardText(r: SentRecord): string {
  return JSON.stringify(r.content);
}

function decodeEntities(s: string): string {
  return s.replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)));
}

describe('Lark webhook: URL verification', () => {
  it('answers the encrypted challenge', async () => {
    const res = await postEvent(url, ctx, urlVerification(ctx, 'challenge-☆-42'), { unsigned: true });
    expect(res).toEqual({ status: 200, json: { challenge: 'challenge-☆-42' } });
  });

  it('refuses a challenge with the wrong verification token', async () => {
    const res = await postEvent(url, ctx, urlVerification(ctx, 'c', 'not-our-token'), { unsigned: true });
    expect(res.status).toBe(401);
    expect(JSON.stringify(res.json)).not.toContain('c');
  });
});

describe('Lark webhook: messages', () => {
  it('answers in the chat the message came from, as a reply card', async () => {
    const chat = newChat();
    const m = message({ chatId: chat, chatType: 'p2p', text: '减税降费谁牵头？' });
    const res = await postEvent(url, ctx, m.body);
    expect(res.status).toBe(200);
    const [reply] = await waitReplies(m.messageId);
    expect(reply).toMatchObject({ chatId: chat, replyTo: m.messageId, msgType: 'interactive' });
    expect(cardText(reply!)).toContain('减税降费谁牵头？');
    expect(seen.find((s) => s.messageId === m.messageId)).toMatchObject({
      platform: 'lark',
      tenant: 'tenant-a',
      chatId: chat,
      chatType: 'p2p',
      senderId: USER,
    });
  });

  it('strips the bot mention in a group and renders other mentions as @name', async () => {
    const chat = newChat();
    const m = message({
      chatId: chat,
      text: '@_user_1 谁牵头 @_user_2',
      mentions: [
        { openId: fake.bot.openId, name: '督办' },
        { openId: 'ou_wang', name: '王五' },
      ],
    });
    await postEvent(url, ctx, m.body);
    const [reply] = await waitReplies(m.messageId);
    expect(decodeEntities(cardText(reply!))).toContain('谁牵头 @王五');
    expect(seen.find((s) => s.messageId === m.messageId)).toMatchObject({ text: '谁牵头 @王五', mentionsBot: true });
  });

  it('escapes an @all injection echoed back into the card', async () => {
    const chat = newChat();
    const evil = '<at id=all></at> 点击[领取](https://evil.example) <font color="red">急</font>';
    const m = message({ chatId: chat, chatType: 'p2p', text: evil });
    await postEvent(url, ctx, m.body);
    const [reply] = await waitReplies(m.messageId);
    const card = reply!.content as { body: { elements: Array<{ tag: string; content?: string }> } };
    const md = card.body.elements.filter((e) => e.tag === 'markdown').map((e) => e.content!);
    expect(md.length).toBeGreaterThan(0);
    for (const c of md) {
      expect(c).not.toMatch(/<at/i);
      expect(c).not.toContain('](');
      expect(c).not.toMatch(/<font/i);
    }
    expect(decodeEntities(md.join(''))).toContain(evil);
  });

  it('splits an oversized answer into cards under 30 KB and trims with a note', async () => {
    const chat = newChat();
    const m = message({ chatId: chat, chatType: 'p2p', text: '/长文' });
    await postEvent(url, ctx, m.body);
    await sentinel(chat);
    const replies = repliesTo(m.messageId);
    expect(replies.length).toBeGreaterThan(1);
    for (const r of replies) {
      expect(r.msgType).toBe('interactive');
      expect(Buffer.byteLength(r.rawContent)).toBeLessThanOrEqual(CARD_LIMIT_BYTES);
    }
    expect(new Set(replies.map((r) => r.uuid)).size).toBe(replies.length);
    expect(decodeEntities(cardText(replies[replies.length - 1]!))).toContain(TRUNCATED_NOTE);
  });

  it('answers a non-text message with a short note', async () => {
    const chat = newChat();
    const m = message({ chatId: chat, chatType: 'p2p', text: '', messageType: 'image', content: JSON.stringify({ image_key: 'img_x' }) });
    await postEvent(url, ctx, m.body);
    const [reply] = await waitReplies(m.messageId);
    expect(decodeEntities(cardText(reply!))).toContain(NON_TEXT_NOTE);
  });

  it('apologises in Chinese when the bot throws, and logs it', async () => {
    const chat = newChat();
    const m = message({ chatId: chat, chatType: 'p2p', text: '/崩溃' });
    await postEvent(url, ctx, m.body);
    const [reply] = await waitReplies(m.messageId);
    expect(decodeEntities(cardText(reply!))).toContain(HANDLER_ERROR_TEXT);
    expect(log.lines.some((l) => l.event === 'lark_handler_failed' && l.messageId === m.messageId)).toBe(true);
  });
});

describe('Lark webhook: at-least-once delivery', () => {
  it('answers once when the same push arrives twice', async () => {
    const chat = newChat();
    const m = message({ chatId: chat, chatType: 'p2p', text: '重复推送' });
    const { body, headers } = sealed(ctx, m.body);
    expect((await postRaw(url, body, headers)).status).toBe(200);
    expect((await postRaw(url, body, headers)).status).toBe(200);
    await sentinel(chat);
    expect(repliesTo(m.messageId)).toHaveLength(1);
    expect(log.lines.some((l) => l.event === 'lark_duplicate_delivery' && l.messageId === m.messageId)).toBe(true);
  });

  it('answers once when Lark re-pushes the message under a new event_id', async () => {
    const chat = newChat();
    const m = message({ chatId: chat, chatType: 'p2p', text: '重推' });
    const again = textMessage(ctx, { chatId: chat, chatType: 'p2p', senderOpenId: USER, text: '重推', messageId: m.messageId });
    expect(again.eventId).not.toBe(m.eventId);
    await postEvent(url, ctx, m.body);
    await postEvent(url, ctx, again.body);
    await sentinel(chat);
    expect(repliesTo(m.messageId)).toHaveLength(1);
  });

  it('answers once when the re-push lands on another replica', async () => {
    const chat = newChat();
    const m = message({ chatId: chat, chatType: 'p2p', text: '跨副本' });
    await postEvent(url, ctx, m.body);
    await waitReplies(m.messageId);
    expect((await postEvent(replicaUrl, ctx, m.body)).status).toBe(200);
    await sentinel(chat, replicaUrl);
    expect(repliesTo(m.messageId)).toHaveLength(1);
  });
});

describe('Lark webhook: forged and replayed requests', () => {
  const rejected = (reason: string) => log.lines.filter((l) => l.event === 'lark_webhook_rejected' && l.reason === reason);

  it('drops a request signed with the wrong key: 401, no reply, logged', async () => {
    const chat = newChat();
    const m = message({ chatId: chat, chatType: 'p2p', text: '伪造' });
    const before = rejected('signature_mismatch').length;
    const res = await postEvent(url, ctx, m.body, { signWith: 'attacker-key' });
    expect(res.status).toBe(401);
    await sentinel(chat);
    expect(repliesTo(m.messageId)).toHaveLength(0);
    expect(rejected('signature_mismatch').length).toBe(before + 1);
    expect(seen.some((s) => s.messageId === m.messageId)).toBe(false);
  });

  it('drops a request replayed after the window: 401, no reply, logged', async () => {
    const chat = newChat();
    const m = message({ chatId: chat, chatType: 'p2p', text: '重放' });
    const res = await postEvent(url, ctx, m.body, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect(res.status).toBe(401);
    await sentinel(chat);
    expect(repliesTo(m.messageId)).toHaveLength(0);
    expect(rejected('timestamp_stale').some((l) => typeof l.timestamp === 'string')).toBe(true);
  });

  it('drops a request stamped far in the future', async () => {
    const chat = newChat();
    const m = message({ chatId: chat, chatType: 'p2p', text: '未来' });
    const res = await postEvent(url, ctx, m.body, { timestamp: Math.floor(Date.now() / 1000) + 3600 });
    expect(res.status).toBe(401);
    await sentinel(chat);
    expect(repliesTo(m.messageId)).toHaveLength(0);
    expect(rejected('timestamp_future').length).toBeGreaterThan(0);
  });

  it('drops a correctly signed event carrying the wrong verification token', async () => {
    const chat = newChat();
    const m = message({ chatId: chat, chatType: 'p2p', text: '错令牌', token: 'stolen-or-old-token' });
    const res = await postEvent(url, ctx, m.body);
    expect(res.status).toBe(401);
    await sentinel(chat);
    expect(repliesTo(m.messageId)).toHaveLength(0);
    expect(rejected('token_mismatch').length).toBeGreaterThan(0);
  });

  it('drops an unsigned event even when it is encrypted with our key', async () => {
    const chat = newChat();
    const m = message({ chatId: chat, chatType: 'p2p', text: '无签名' });
    const res = await postEvent(url, ctx, m.body, { unsigned: true });
    expect(res.status).toBe(401);
    await sentinel(chat);
    expect(repliesTo(m.messageId)).toHaveLength(0);
    expect(rejected('signature_headers_missing').length).toBeGreaterThan(0);
  });

  it('never logs the encrypt key, the verification token or message text', async () => {
    const text = JSON.stringify(log.lines);
    expect(text).not.toContain(ctx.encryptKey);
    expect(text).not.toContain(ctx.verificationToken);
    expect(text).not.toContain(fake.appSecret);
    expect(text).not.toContain('减税降费谁牵头');
  });
});

describe('Lark webhook: other events', () => {
  it('turns a bot-menu click into its command, answered in the user’s p2p chat', async () => {
    const { body, eventId } = botMenu(ctx, { openId: 'ou_menu_user', eventKey: 'help' });
    expect((await postEvent(url, ctx, body)).status).toBe(200);
    const deadline = Date.now() + 5000;
    while (!fake.sent.some((s) => s.chatId === 'p2p:ou_menu_user') && Date.now() < deadline) {
      await fake.waitForSent(fake.sent.length + 1, 1000).catch(() => undefined);
    }
    const sent = fake.sent.filter((s) => s.chatId === 'p2p:ou_menu_user');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.receiveIdType).toBe('open_id');
    expect(seen.find((s) => s.messageId === `menu-${eventId}`)).toMatchObject({ text: '/帮助', chatType: 'p2p', senderId: 'ou_menu_user' });
  });

  it('greets a chat it was added to with the help answer, once', async () => {
    const chat = newChat();
    const { body, eventId } = botAdded(ctx, { chatId: chat, operatorOpenId: 'ou_admin' });
    await postEvent(url, ctx, body);
    await postEvent(url, ctx, body);
    // The greeting and the sentinel share the chat's lane, so the sentinel comes after it.
    await sentinel(chat);
    const greetings = fake.sentTo(chat).filter((s) => s.receiveIdType === 'chat_id');
    expect(greetings).toHaveLength(1);
    expect(seen.filter((s) => s.messageId === `added-${eventId}`)).toEqual([
      expect.objectContaining({ text: '/帮助', chatId: chat, chatType: 'group', mentionsBot: true }),
    ]);
  });

  it('routes a card button to the bot and returns its answer; a duplicate gets {}', async () => {
    const { body } = cardAction(ctx, { openId: USER, chatId: 'oc_x', messageId: 'om_card', value: { op: 'done', task: 't1' } });
    const { body: raw, headers } = sealed(ctx, body);
    const first = await postRaw(url, raw, headers);
    expect(first).toEqual({ status: 200, json: { toast: { type: 'success', content: '已记录' } } });
    expect(cardActions).toHaveLength(1);
    expect(cardActions[0]).toMatchObject({ kind: 'button', value: { op: 'done', task: 't1' }, chatId: 'oc_x', senderId: USER, messageId: 'om_card' });
    const second = await postRaw(url, raw, headers);
    expect(second).toEqual({ status: 200, json: {} });
    expect(cardActions).toHaveLength(1);
  });
});

describe('Lark webhook: HTTP edges', () => {
  it('refuses bodies over the limit, non-JSON, other paths and methods', async () => {
    const big = await postRaw(url, JSON.stringify({ encrypt: 'x'.repeat(2 * 1024 * 1024) }), { 'content-type': 'application/json' });
    expect(big.status).toBe(413);
    expect((await postRaw(url, 'not json', { 'content-type': 'application/json' })).status).toBe(400);
    expect((await postRaw(url.replace('/lark/events', '/other'), '{}', {})).status).toBe(404);
    const get = await fetch(url, { signal: AbortSignal.timeout(5000) });
    expect(get.status).toBe(405);
  });
});
