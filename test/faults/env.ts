/**
 * A bot deployment for fault tests: the fake Lark (enforcing Lark's limits:
 * 50/s and 1000/min per app, 5/s per chat, uuid dedupe for an hour), a
 * tenant, chats, and the environment `npm start` gets. Keys live under a
 * queue prefix and a tenant of their own; `cleanup` removes them.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { startFakeLark, type FakeChat, type FakeLark } from '../fakes/lark-server.js';
import { postEvent, textMessage, type EventContext } from '../fakes/lark-events.js';
import { deleteByPrefix } from '../support/redis.js';

export const ADMIN = 'ou_fault_admin';
export const ASKER = 'ou_fault_asker';
export const SUP_CHAT = 'oc_fault_supervisors';

export interface Deployment {
  fake: FakeLark;
  ctx: EventContext;
  tenant: string;
  queuePrefix: string;
  env: Record<string, string>;
  /** POST one signed text message; resolves with the HTTP status (0 when the connection failed). */
  say(url: string, chatId: string, text: string, opts?: { chatType?: 'p2p' | 'group'; sender?: string; messageId?: string }): Promise<{ messageId: string; status: number; body: unknown }>;
  cleanup(redis: Redis): Promise<void>;
}

export async function deployment(opts: { chats: FakeChat[]; env?: Record<string, string>; limits?: boolean }): Promise<Deployment> {
  const id = randomBytes(4).toString('hex');
  const tenant = `tk_fault_${id}`;
  const fake = await startFakeLark({
    chats: [...opts.chats, { chatId: SUP_CHAT, name: '督查室', members: [{ openId: ADMIN, name: '管理员' }] }],
    ...(opts.limits === false ? {} : { rateLimits: { appPerSecond: 50, appPerMinute: 1000, chatPerSecond: 5 } }),
  });
  const ctx: EventContext = { appId: fake.appId, tenantKey: tenant, verificationToken: `vt-${id}`, encryptKey: `ek-${id}` };
  const queuePrefix = `{fault-${id}}`;
  const env = {
    LARK_APP_ID: fake.appId,
    LARK_APP_SECRET: fake.appSecret,
    LARK_DOMAIN: fake.url,
    LARK_ENCRYPT_KEY: ctx.encryptKey,
    LARK_VERIFICATION_TOKEN: ctx.verificationToken,
    QUEUE_PREFIX: queuePrefix,
    ADMIN_OPEN_IDS: ADMIN,
    SUPERVISOR_CHAT_ID: SUP_CHAT,
    ...opts.env,
  };
  return {
    fake,
    ctx,
    tenant,
    queuePrefix,
    env,
    async say(url, chatId, text, o = {}) {
      const m = textMessage(ctx, { chatId, chatType: o.chatType ?? 'p2p', senderOpenId: o.sender ?? ASKER, text, ...(o.messageId ? { messageId: o.messageId } : {}) });
      fake.registerMessage(m.messageId, chatId);
      try {
        const r = await postEvent(`${url}/lark/events`, ctx, m.body);
        return { messageId: m.messageId, status: r.status, body: r.json };
      } catch {
        return { messageId: m.messageId, status: 0, body: undefined };
      }
    },
    async cleanup(redis) {
      await fake.close();
      await deleteByPrefix(redis, queuePrefix);
      await deleteByPrefix(redis, `duban:{progress:${tenant}}`);
      await deleteByPrefix(redis, `duban:{bind:${tenant}}`);
      await deleteByPrefix(redis, `duban:{audit:${tenant}}`);
    },
  };
}

/** First parts of the answers to `messageId` that reached the fake (a uuid is accepted once). */
export function answers(fake: FakeLark, messageId: string): number {
  return fake.sent.filter((s) => s.replyTo === messageId && s.uuid === `${messageId}-0`).length;
}
