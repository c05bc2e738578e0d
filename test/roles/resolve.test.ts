/**
 * Roles from configuration, the supervisors' chat and bound groups, with
 * membership read through the real messenger from the fake Lark server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLarkClient } from '../../src/adapters/lark/client.js';
import { createMessenger, type LarkMessenger } from '../../src/adapters/lark/send.js';
import { silentLogger } from '../../src/log.js';
import { createRoleResolver, type RoleResolverOptions, type Sender } from '../../src/roles/resolve.js';
import { createBindingStore } from '../../src/store/bindings.js';
import { startFakeLark, type FakeLark } from '../fakes/lark-server.js';
import { useTestRedis } from '../support/redis.js';

const t = useTestRedis('roles');
let fake: FakeLark;
let messenger: LarkMessenger;
let calls = 0;

const SUP_CHAT = 'oc_supervisors';
const UNIT_CHAT = 'oc_finance';
const OTHER_CHAT = 'oc_chatter';

beforeAll(async () => {
  fake = await startFakeLark({
    chats: [
      { chatId: SUP_CHAT, name: '督办群', members: [{ openId: 'ou_sup_member', name: '李督办' }] },
      { chatId: UNIT_CHAT, name: '财政局工作群', members: [{ openId: 'ou_fin', name: '王财政' }, { openId: 'ou_both', name: '赵' }] },
      { chatId: OTHER_CHAT, name: '闲聊群', members: [{ openId: 'ou_fin', name: '王财政' }] },
    ],
  });
  const log = silentLogger();
  messenger = createMessenger({ client: createLarkClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url, log }), log, retry: { maxAttempts: 1 } });
  const bindings = createBindingStore(t.redis, { prefix: t.prefix });
  await bindings.bind('tn', UNIT_CHAT, '县财政局', 'ou_admin');
});
afterAll(async () => {
  await fake?.close();
});

function resolver(over: Partial<RoleResolverOptions> = {}) {
  const log = silentLogger();
  const r = createRoleResolver({
    adminOpenIds: ['ou_admin'],
    supervisorOpenIds: ['ou_sup_config'],
    supervisorChatId: SUP_CHAT,
    bindings: createBindingStore(t.redis, { prefix: t.prefix }),
    members: async (chatId) => {
      calls += 1;
      return (await messenger.listChatMembers(chatId)).map((m) => m.memberId);
    },
    log,
    ...over,
  });
  return { r, log };
}

const from = (senderId: string, chatId: string, platform: Sender['platform'] = 'lark'): Sender => ({ platform, tenant: 'tn', chatId, senderId });

describe('role resolver', () => {
  it('gives each kind of sender their role', async () => {
    const { r } = resolver();
    expect(await r.roleOf(from('ou_admin', OTHER_CHAT))).toBe('admin');
    expect(await r.roleOf(from('ou_sup_config', OTHER_CHAT))).toBe('supervisor');
    expect(await r.roleOf(from('ou_sup_member', OTHER_CHAT))).toBe('supervisor');
    expect(await r.roleOf(from('ou_fin', UNIT_CHAT))).toBe('member');
    expect(await r.unitOf(from('ou_fin', UNIT_CHAT))).toBe('县财政局');
    // The same person outside the bound group is nobody's member.
    expect(await r.roleOf(from('ou_fin', OTHER_CHAT))).toBe('everyone');
    expect(await r.unitOf(from('ou_fin', OTHER_CHAT))).toBeUndefined();
    // A click from someone not in the bound group (forwarded card) is not the unit's.
    expect(await r.unitOf(from('ou_stranger', UNIT_CHAT))).toBeUndefined();
    expect(await r.roleOf(from('ou_stranger', UNIT_CHAT))).toBe('everyone');
  });

  it('makes the local console user an admin, and the console takes the unit it is bound as', async () => {
    const { r } = resolver();
    expect(await r.roleOf(from('console', 'console', 'console'))).toBe('admin');
    await createBindingStore(t.redis, { prefix: t.prefix }).bind('tn', 'console', '县税务局', 'console');
    expect(await r.unitOf(from('console', 'console', 'console'))).toBe('县税务局');
  });

  it('caches members: many messages, one Lark call per chat until the TTL passes', async () => {
    let clock = 1_000;
    const { r } = resolver({ now: () => clock, cacheTtlMs: 60_000 });
    const before = calls;
    await Promise.all(Array.from({ length: 20 }, () => r.roleOf(from('ou_fin', UNIT_CHAT))));
    // One call for the supervisors' chat, one for the unit's.
    expect(calls - before).toBe(2);
    clock += 61_000;
    await r.roleOf(from('ou_fin', UNIT_CHAT));
    expect(calls - before).toBe(4);
  });

  it('shares the cache through Redis between replicas', async () => {
    const shared = { redis: t.redis, prefix: `${t.prefix}:shared` };
    const a = resolver(shared).r;
    const b = resolver(shared).r;
    const before = calls;
    expect(await a.isMember(UNIT_CHAT, 'ou_both')).toBe(true);
    expect(await b.isMember(UNIT_CHAT, 'ou_both')).toBe(true);
    expect(calls - before).toBe(1);
    await b.forget(UNIT_CHAT);
    expect(await b.isMember(UNIT_CHAT, 'ou_both')).toBe(true);
    expect(calls - before).toBe(2);
  });

  it('falls back to the weaker role with a log line when the members API fails, and retries next time', async () => {
    const { r, log } = resolver();
    fake.failNext({ path: /\/members$/ }, { status: 500, code: 99991400, msg: 'internal error' }, 2);
    expect(await r.roleOf(from('ou_fin', UNIT_CHAT))).toBe('everyone');
    expect(log.lines.filter((l) => l.event === 'roles.members_unavailable').map((l) => l.chatId)).toEqual([SUP_CHAT, UNIT_CHAT]);
    expect(await r.roleOf(from('ou_fin', UNIT_CHAT))).toBe('member');
  });

  it('a supervisor chat member is not an admin, and an unbound chat has no unit', async () => {
    const { r } = resolver();
    expect(r.isAdmin(from('ou_sup_member', SUP_CHAT))).toBe(false);
    expect(await r.unitOf(from('ou_sup_member', SUP_CHAT))).toBeUndefined();
  });
});
