/**
 * The bot in Lark mode as `npm start` runs it, over the weekly-summary
 * fixture plans and their progress log: signed events over real HTTP to the
 * webhook, the real SDK answering through the fake Open API, roles from the
 * fake's member lists, the log and bindings in real Redis, files put into the
 * chat through larkFileSink and the messenger. 县财政局 and 县税务局 have bound
 * groups; SUP_CHAT is the supervisors' chat.
 */
import { startLark, type LarkHandle } from '../../../src/adapters/lark/index.js';
import { createBot } from '../../../src/chat/bot.js';
import { silentLogger, type CapturedLogger } from '../../../src/log.js';
import { createProgressFeatures, type ProgressFeatures } from '../../../src/progress/features.js';
import { larkFileSink } from '../../../src/summary/file-sink.js';
import { startFakeLark, type FakeLark, type SentRecord } from '../../fakes/lark-server.js';
import { cardAction, postEvent, textMessage, type EventContext, webhookOptions } from '../../fakes/lark-events.js';
import { ADMIN, CHATS, FIN_CHAT, SUP_CHAT, TAX_CHAT } from '../../progress/harness.js';
import { NOW, summaryEvents, summaryPlans } from '../../summary/fixtures.js';
import type { TestRedis } from '../../support/redis.js';
import { testInbox } from '../../support/inbox.js';

export { ADMIN, FIN1, FIN2, FIN_CHAT, LOBBY, OUTSIDER, SUP, SUP_CHAT, TAX, TAX_CHAT } from '../../progress/harness.js';

export interface CardResponse {
  status: number;
  json: { toast?: { type: string; content: string }; card?: { type: string; data: unknown } };
}

export interface SummaryLark {
  fake: FakeLark;
  lark: LarkHandle;
  features: ProgressFeatures;
  log: CapturedLogger;
  ctx: EventContext;
  /** A group message @-mentioning the bot, over the webhook; resolves with what the bot put into that chat in answer (replies and files). */
  say(sender: string, chatId: string, text: string): Promise<SentRecord[]>;
  /** A signed card.action.trigger over the webhook, as Lark posts a button click. */
  click(sender: string, chatId: string, messageId: string, value: Record<string, string>, formValue?: Record<string, unknown>): Promise<CardResponse>;
  close(): Promise<void>;
}

export async function startSummaryLark(t: TestRedis, name: string, opts: { now?: Date } = {}): Promise<SummaryLark> {
  const ctx: EventContext = { appId: 'cli_a1b2c3d4e5f60718', tenantKey: `tenant-${name}`, verificationToken: `vt-${name}`, encryptKey: `ek-${name}` };
  const now = opts.now ?? NOW;
  const plans = summaryPlans();
  const log = silentLogger('debug');
  const fake = await startFakeLark({ appId: ctx.appId, chats: CHATS.map((c) => ({ ...c, members: [...c.members] })) });
  let lark: LarkHandle | undefined;
  const features = createProgressFeatures({
    redis: t.redis,
    config: { roles: { adminOpenIds: [ADMIN], supervisorOpenIds: [], supervisorChatId: SUP_CHAT } },
    // The messenger exists once startLark has run; the features ask for it when they send.
    messenger: () => lark?.messenger,
    plans,
    log,
    prefix: `${t.prefix}:${name}`,
    now: () => now,
  });
  await features.bindings.bind(ctx.tenantKey, FIN_CHAT, '县财政局', ADMIN);
  await features.bindings.bind(ctx.tenantKey, TAX_CHAT, '县税务局', ADMIN);
  for (const e of summaryEvents) await features.store.append({ ...e, tenant: ctx.tenantKey });
  // As the service wiring does it: the sink reaches the messenger only when a file goes out.
  const files = larkFileSink({
    uploadFile: (input) => lark!.messenger.uploadFile(input),
    sendFile: (chatId, fileKey, uuid) => lark!.messenger.sendFile(chatId, fileKey, uuid),
  });
  const bot = createBot({ plans, clock: { now: () => now }, log, roleOf: features.roleOf, progress: features.services, buttons: features.buttons, files });
  lark = await startLark({
    config: webhookOptions(ctx, fake, `${t.prefix}:${name}:`),
    bot,
    inbox: await testInbox(t, log),
    log,
  });
  const url = `http://127.0.0.1:${lark.port}/lark/events`;
  const handle = lark;

  return {
    fake,
    lark: handle,
    features,
    log,
    ctx,
    async say(sender, chatId, text) {
      const before = fake.sent.length;
      // In a group the bot hears what @-mentions it.
      const m = textMessage(ctx, { chatId, senderOpenId: sender, text: `@_user_1 ${text}`, mentions: [{ openId: fake.bot.openId, name: fake.bot.name }] });
      fake.registerMessage(m.messageId, chatId);
      const res = await postEvent(url, ctx, m.body);
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      // The reply comes last (a file goes in before the reply that names it); bounded wait.
      const deadline = Date.now() + 5000;
      while (!fake.sent.some((s) => s.replyTo === m.messageId)) {
        if (Date.now() > deadline) throw new Error(`no answer to ${text}`);
        await fake.waitForSent(fake.sent.length + 1, 500).catch(() => undefined);
      }
      await features.settle();
      return fake.sent.slice(before).filter((s) => s.chatId === chatId);
    },
    async click(sender, chatId, messageId, value, formValue) {
      const { body } = cardAction(ctx, { openId: sender, chatId, messageId, value, ...(formValue ? { formValue } : {}) });
      const res = await postEvent(url, ctx, body);
      await features.settle();
      return res as CardResponse;
    },
    async close() {
      await features.settle();
      await handle.stop();
      await fake.close();
    },
  };
}
