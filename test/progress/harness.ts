/**
 * The real bot with the progress features on real Redis, membership and
 * outgoing cards through the real messenger against the fake Lark server.
 * Messages go straight to Bot.handle (the adapter has its own tests); what a
 * person would read is the console rendering of the replies.
 */
import { renderText } from '../../src/adapters/console/render.js';
import { createLarkClient } from '../../src/adapters/lark/client.js';
import { createMessenger } from '../../src/adapters/lark/send.js';
import { createBot } from '../../src/chat/bot.js';
import type { DeliveryLog } from '../../src/chat/deliveries.js';
import type { Plans } from '../../src/chat/context.js';
import type { IncomingMessage } from '../../src/chat/types.js';
import { silentLogger, type CapturedLogger } from '../../src/log.js';
import { createProgressFeatures, type ProgressFeatures } from '../../src/progress/features.js';
import { startFakeLark, type FakeChat, type FakeLark } from '../fakes/lark-server.js';
import { fixturePlans } from '../chat/fixtures.js';
import type { TestRedis } from '../support/redis.js';

export const ADMIN = 'ou_admin';
export const SUP = 'ou_sup';
export const FIN1 = 'ou_fin1';
export const FIN2 = 'ou_fin2';
export const TAX = 'ou_tax';
export const DATA = 'ou_data';
export const OUTSIDER = 'ou_outsider';

export const FIN_CHAT = 'oc_fin';
export const TAX_CHAT = 'oc_tax';
export const DATA_CHAT = 'oc_data';
export const SUP_CHAT = 'oc_sup';
export const LOBBY = 'oc_lobby';

export const CHATS: FakeChat[] = [
  { chatId: FIN_CHAT, name: '县财政局工作群', members: [{ openId: FIN1, name: '王财政' }, { openId: FIN2, name: '钱会计' }] },
  { chatId: TAX_CHAT, name: '县税务局工作群', members: [{ openId: TAX, name: '孙税务' }] },
  { chatId: DATA_CHAT, name: '大数据中心工作群', members: [{ openId: DATA, name: '周数据' }] },
  { chatId: SUP_CHAT, name: '督办群', members: [{ openId: SUP, name: '李督办' }] },
  { chatId: LOBBY, name: '闲聊群', members: [{ openId: FIN1, name: '王财政' }, { openId: OUTSIDER, name: '路人' }] },
];

export interface Harness {
  fake: FakeLark;
  features: ProgressFeatures;
  log: CapturedLogger;
  plans: Plans;
  /** Send as `sender` in `chatId` (a group unless told otherwise); returns the rendered replies. */
  say(sender: string, chatId: string, text: string, over?: Partial<IncomingMessage>): Promise<string>;
  setNow(iso: string): void;
  close(): Promise<void>;
}

let seq = 0;

export async function startHarness(t: TestRedis, name: string, opts: { now?: string; plans?: Plans; deliveries?: DeliveryLog } = {}): Promise<Harness> {
  const fake = await startFakeLark({ chats: CHATS.map((c) => ({ ...c, members: [...c.members] })) });
  const log = silentLogger('debug');
  const messenger = createMessenger({
    client: createLarkClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url, log }),
    log,
    retry: { maxAttempts: 1 },
  });
  let now = new Date(opts.now ?? '2024-07-10T09:00:00+08:00');
  const plans = opts.plans ?? fixturePlans();
  const features = createProgressFeatures({
    redis: t.redis,
    config: { roles: { adminOpenIds: [ADMIN], supervisorOpenIds: [], supervisorChatId: SUP_CHAT } },
    messenger,
    plans,
    log,
    prefix: `${t.prefix}:${name}`,
    now: () => now,
  });
  const bot = createBot({ plans, clock: { now: () => now }, log, roleOf: features.roleOf, progress: features.services, ...(opts.deliveries ? { deliveries: opts.deliveries } : {}) });
  return {
    fake,
    features,
    log,
    plans,
    async say(sender, chatId, text, over = {}) {
      seq += 1;
      const out: string[] = [];
      const message: IncomingMessage = {
        platform: 'lark',
        tenant: 'tn',
        chatId,
        chatType: chatId.startsWith('oc_p2p') ? 'p2p' : 'group',
        senderId: sender,
        text,
        mentionsBot: true,
        messageId: `om_h${seq}`,
        ...over,
      };
      await bot.handle(message, { reply: async (r) => void out.push(renderText(r)) });
      await features.settle();
      return out.join('\n\n');
    },
    setNow(iso) {
      now = new Date(iso);
    },
    async close() {
      await features.settle();
      await fake.close();
    },
  };
}

/** Text of a card as the fake received it, entities decoded. */
export function cardText(content: unknown): string {
  return JSON.stringify(content).replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)));
}
