/**
 * The real bot with the progress features on real Redis and the fake Lark
 * server (membership decides roles), over the summary fixture plans and their
 * log, for the /周报 and /台账 handler tests. Chats and people come from the
 * progress harness: 县财政局 and 县税务局 have bound groups, SUP_CHAT is the
 * supervisors' chat, LOBBY is bound to nothing.
 */
import { renderText } from '../../src/adapters/console/render.js';
import { createLarkClient } from '../../src/adapters/lark/client.js';
import { createMessenger, type LarkMessenger } from '../../src/adapters/lark/send.js';
import { createBot } from '../../src/chat/bot.js';
import type { IncomingMessage, Reply } from '../../src/chat/types.js';
import { silentLogger, type CapturedLogger } from '../../src/log.js';
import { createProgressFeatures, type ProgressFeatures } from '../../src/progress/features.js';
import type { FileSink } from '../../src/summary/file-sink.js';
import { startFakeLark, type FakeLark } from '../fakes/lark-server.js';
import { ADMIN, CHATS, FIN_CHAT, SUP_CHAT, TAX_CHAT } from '../progress/harness.js';
import type { TestRedis } from '../support/redis.js';
import { NOW, summaryEvents, summaryPlans } from './fixtures.js';

export { ADMIN, FIN1, FIN_CHAT, LOBBY, OUTSIDER, SUP, SUP_CHAT, TAX, TAX_CHAT } from '../progress/harness.js';

export const TENANT = 'tn';

export interface SummaryBot {
  fake: FakeLark;
  messenger: LarkMessenger;
  features: ProgressFeatures;
  log: CapturedLogger;
  /** What `sender` reads after writing `text` in `chatId`. */
  say(sender: string, chatId: string, text: string): Promise<string>;
  /** The replies as data. */
  ask(sender: string, chatId: string, text: string): Promise<Reply[]>;
  close(): Promise<void>;
}

let seq = 0;

export async function startSummaryBot(t: TestRedis, name: string, opts: { files?: FileSink; now?: Date; events?: boolean } = {}): Promise<SummaryBot> {
  const fake = await startFakeLark({ chats: CHATS.map((c) => ({ ...c, members: [...c.members] })) });
  const log = silentLogger('debug');
  const messenger = createMessenger({
    client: createLarkClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url, log }),
    log,
    retry: { maxAttempts: 1 },
  });
  const now = opts.now ?? NOW;
  const plans = summaryPlans();
  const features = createProgressFeatures({
    redis: t.redis,
    config: { roles: { adminOpenIds: [ADMIN], supervisorOpenIds: [], supervisorChatId: SUP_CHAT } },
    messenger,
    plans,
    log,
    prefix: `${t.prefix}:${name}`,
    now: () => now,
  });
  await features.bindings.bind(TENANT, FIN_CHAT, '县财政局', ADMIN);
  await features.bindings.bind(TENANT, TAX_CHAT, '县税务局', ADMIN);
  if (opts.events !== false) for (const e of summaryEvents) await features.store.append({ ...e, tenant: TENANT });
  const bot = createBot({ plans, clock: { now: () => now }, log, roleOf: features.roleOf, progress: features.services, ...(opts.files ? { files: opts.files } : {}) });

  async function ask(sender: string, chatId: string, text: string): Promise<Reply[]> {
    seq += 1;
    const out: Reply[] = [];
    const message: IncomingMessage = { platform: 'lark', tenant: TENANT, chatId, chatType: 'group', senderId: sender, text, mentionsBot: true, messageId: `om_w${seq}` };
    await bot.handle(message, { reply: async (r) => void out.push(r) });
    await features.settle();
    return out;
  }
  return {
    fake,
    messenger,
    features,
    log,
    ask,
    async say(sender, chatId, text) {
      return (await ask(sender, chatId, text)).map(renderText).join('\n\n');
    },
    async close() {
      await features.settle();
      await fake.close();
    },
  };
}
