/**
 * startLark with the real bot (createBot over a small hand-made ledger),
 * events sealed as Lark seals them, answers through the real SDK to the fake
 * Open API: what an official in a Lark group actually sees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLarkOptions, startLark, type LarkHandle } from '../../../src/adapters/lark/index.js';
import { createBot } from '../../../src/chat/bot.js';
import { silentLogger } from '../../../src/log.js';
import { startFakeLark, type FakeLark, type SentRecord } from '../../fakes/lark-server.js';
import { botAdded, postEvent, textMessage, type EventContext } from '../../fakes/lark-events.js';
import { useTestRedis } from '../../support/redis.js';
import { fixturePlans } from '../../chat/fixtures.js';
import { testInbox } from '../../support/inbox.js';

const t = useTestRedis('lark-index');
const ctx: EventContext = { appId: 'cli_a1b2c3d4e5f60718', tenantKey: 'tenant-q', verificationToken: 'vt-real-bot', encryptKey: 'ek-real-bot' };
const clock = { now: () => new Date('2024-07-10T09:00:00+08:00') };

let fake: FakeLark;
let lark: LarkHandle;
let url: string;
let n = 0;

beforeAll(async () => {
  fake = await startFakeLark({ appId: ctx.appId });
  const log = silentLogger();
  lark = await startLark({
    // The app config's env-style names are accepted as they are.
    config: {
      LARK_APP_ID: ctx.appId,
      LARK_APP_SECRET: fake.appSecret,
      LARK_ENCRYPT_KEY: ctx.encryptKey,
      LARK_VERIFICATION_TOKEN: ctx.verificationToken,
      LARK_DOMAIN: fake.url,
      LARK_MODE: 'webhook',
      PORT: '0',
      HOST: '127.0.0.1',
      WEBHOOK_PATH: '/lark/events',
      EVENT_MAX_AGE_SECONDS: '300',
      REDIS_PREFIX: `${t.prefix}:`,
    },
    bot: createBot({ plans: fixturePlans(), clock, log }),
    inbox: await testInbox(t, log),
    log,
  });
  url = `http://127.0.0.1:${lark.port}/lark/events`;
});
afterAll(async () => {
  await lark?.stop();
  await fake?.close();
});

const decode = (s: string) => s.replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)));
const shown = (r: SentRecord) => decode(JSON.stringify(r.content));

async function ask(text: string, opts: { chatType?: 'p2p' | 'group'; mention?: boolean; chatId?: string } = {}) {
  n += 1;
  const chatId = opts.chatId ?? `oc_q${n}`;
  const mention = opts.mention ?? true;
  const m = textMessage(ctx, {
    chatId,
    chatType: opts.chatType ?? 'group',
    senderOpenId: 'ou_official',
    text: mention ? `@_user_1 ${text}` : text,
    mentions: mention ? [{ openId: fake.bot.openId, name: '督办' }] : [],
  });
  fake.registerMessage(m.messageId, chatId);
  expect((await postEvent(url, ctx, m.body)).status).toBe(200);
  return { ...m, chatId };
}

async function answerTo(messageId: string): Promise<SentRecord[]> {
  const deadline = Date.now() + 5000;
  while (!fake.sent.some((s) => s.replyTo === messageId)) {
    if (Date.now() > deadline) throw new Error('no answer');
    await fake.waitForSent(fake.sent.length + 1, 1000).catch(() => undefined);
  }
  return fake.sent.filter((s) => s.replyTo === messageId);
}

describe('startLark with the real bot', () => {
  it('answers "@督办 青山县减税降费谁牵头？" in the group with the clause’s own lead', async () => {
    const q = await ask('青山县减税降费谁牵头？');
    const [a] = await answerTo(q.messageId);
    expect(a!.chatId).toBe(q.chatId);
    expect(a!.msgType).toBe('interactive');
    // The clause has its own lead: 县税务局, not the item's first lead 县财政局.
    expect(shown(a!)).toMatch(/牵头单位\*\*：县税务局/);
  });

  it('answers an unknown command with a hint towards /帮助', async () => {
    const q = await ask('/谁牵 减税降费');
    const [a] = await answerTo(q.messageId);
    expect(shown(a!)).toContain('/帮助');
  });

  it('stays silent in a group when not addressed', async () => {
    const chatId = 'oc_quiet';
    const q = await ask('今天中午吃什么', { mention: false, chatId });
    const s = await ask('减税降费谁牵头？', { chatId });
    await answerTo(s.messageId);
    expect(fake.sent.filter((r) => r.replyTo === q.messageId)).toHaveLength(0);
  });

  it('keeps an @all injected into a command word inert', async () => {
    const q = await ask('/<at id=all></at>');
    const [a] = await answerTo(q.messageId);
    const raw = JSON.stringify(a!.content);
    expect(raw).not.toMatch(/<at/i);
    expect(shown(a!)).toContain('<at');
  });

  it('greets a new group with the help text', async () => {
    n += 1;
    const chatId = `oc_new${n}`;
    fake.addChat({ chatId, name: '新群', members: [] });
    const { body } = botAdded(ctx, { chatId, operatorOpenId: 'ou_admin' });
    await postEvent(url, ctx, body);
    const deadline = Date.now() + 5000;
    while (fake.sentTo(chatId).length === 0 && Date.now() < deadline) await fake.waitForSent(fake.sent.length + 1, 1000).catch(() => undefined);
    const [greeting] = fake.sentTo(chatId);
    expect(greeting).toBeDefined();
    expect(shown(greeting!)).toContain('谁牵头');
  });
});

describe('parseLarkOptions', () => {
  it('reads the app config’s Lark section plus the HTTP port', () => {
    const o = parseLarkOptions({ appId: 'cli_x', appSecret: 's', mode: 'ws', webhookPath: '/e', eventMaxAgeSeconds: 60, domain: 'https://open.feishu.cn', port: 8080 });
    expect(o).toMatchObject({ appId: 'cli_x', mode: 'ws', port: 8080, eventMaxAgeSeconds: 60 });
  });

  it('names missing fields without echoing secret values', () => {
    expect(() => parseLarkOptions({ LARK_APP_SECRET: 'super-secret' })).toThrow(/appId/);
    try {
      parseLarkOptions({ LARK_APP_SECRET: 'super-secret' });
    } catch (e) {
      expect(String(e)).not.toContain('super-secret');
    }
  });

  it('refuses webhook mode without the encrypt key and verification token', async () => {
    await expect(
      startLark({ config: { appId: 'cli_a1b2c3d4e5f60718', appSecret: 's', domain: fake.url }, bot: { handle: async () => undefined }, inbox: await testInbox(t, silentLogger()), log: silentLogger() }),
    ).rejects.toThrow(/LARK_ENCRYPT_KEY/);
  });
});
