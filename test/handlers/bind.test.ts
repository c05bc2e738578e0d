/** /绑定 and /解绑 in Lark groups: who may, what is stored, what the group is told. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgressFeatures } from '../../src/progress/features.js';
import { silentLogger } from '../../src/log.js';
import { ADMIN, FIN1, FIN_CHAT, TAX_CHAT, startHarness, type Harness } from '../progress/harness.js';
import { useTestRedis } from '../support/redis.js';
import { fixturePlans } from '../chat/fixtures.js';

const t = useTestRedis('handlers-bind');
let h: Harness;

beforeAll(async () => {
  h = await startHarness(t, 'b');
});
afterAll(async () => {
  await h?.close();
});

const binding = (chat: string) => h.features.bindings.get('tn', chat);

describe('/绑定', () => {
  it('is for admins: a unit member is told which role is needed, nothing is stored', async () => {
    const out = await h.say(FIN1, FIN_CHAT, '/绑定 县财政局');
    expect(out).toContain('/绑定 需要管理员权限，您当前的身份是所有人');
    expect(await binding(FIN_CHAT)).toBeUndefined();
  });

  it('is for groups, not private chats', async () => {
    expect(await h.say(ADMIN, 'oc_p2p_admin', '/绑定 县财政局')).toContain('请在单位的工作群里发送 /绑定');
    expect(await binding('oc_p2p_admin')).toBeUndefined();
  });

  it('shows there is no binding yet', async () => {
    expect(await h.say(ADMIN, FIN_CHAT, '/绑定')).toContain('本群尚未绑定单位');
  });

  it('an unknown unit gets suggestions and nothing is stored', async () => {
    const out = await h.say(ADMIN, FIN_CHAT, '/绑定 县财务局');
    expect(out).toContain('没有找到单位“县财务局”，未绑定');
    expect(out).toContain('• /绑定 县财政局');
    expect(await binding(FIN_CHAT)).toBeUndefined();
  });

  it('refuses a class of units', async () => {
    expect(await h.say(ADMIN, FIN_CHAT, '/绑定 各有关单位')).toContain('是统称，不是一个具体单位');
    expect(await binding(FIN_CHAT)).toBeUndefined();
  });

  it('binds by alias to the canonical name and says what the group will receive', async () => {
    const out = await h.say(ADMIN, FIN_CHAT, '/绑定 财政局');
    expect(out).toContain('【已绑定：县财政局】');
    // 县财政局 leads a clause of 一（一） and is co-unit of 二（三）, due 7月20日.
    expect(out).toContain('任务：牵头 1 项、配合 1 项');
    expect(out).toContain('下一个截止：7月20日（7月20日前） 二、（三）做好项目审批信息公开');
    expect(await binding(FIN_CHAT)).toMatchObject({ unit: '县财政局', by: ADMIN });
    const [a] = await h.features.audit.recent('tn', 1);
    expect(a).toMatchObject({ action: 'bind', by: ADMIN, chatId: FIN_CHAT, subject: '县财政局' });
  });

  it('shows the current binding, and a rebind says what it replaced', async () => {
    expect(await h.say(ADMIN, FIN_CHAT, '/绑定')).toContain('本群已绑定：县财政局');
    const out = await h.say(ADMIN, FIN_CHAT, '/绑定 发改局');
    expect(out).toContain('本群已绑定到 县发展和改革局（原绑定：县财政局）');
    expect((await h.features.bindings.chatsForUnit('tn', '县财政局')).length).toBe(0);
    expect((await h.features.audit.recent('tn', 1))[0]!.detail).toEqual({ previous: '县财政局' });
    await h.say(ADMIN, FIN_CHAT, '/绑定 县财政局');
  });

  it('bindings survive a restart: a new process on the same Redis sees them', async () => {
    const again = createProgressFeatures({
      redis: await t.connect(),
      config: { roles: { adminOpenIds: [ADMIN], supervisorOpenIds: [] } },
      plans: fixturePlans(),
      log: silentLogger(),
      prefix: `${t.prefix}:b`,
    });
    expect(await again.bindings.get('tn', FIN_CHAT)).toMatchObject({ unit: '县财政局' });
  });
});

describe('/解绑', () => {
  it('is for admins', async () => {
    expect(await h.say(FIN1, FIN_CHAT, '/解绑')).toContain('需要管理员权限');
    expect(await binding(FIN_CHAT)).toBeDefined();
  });

  it('removes the binding, says where reminders go now, and is audit-logged', async () => {
    const out = await h.say(ADMIN, FIN_CHAT, '/解绑');
    expect(out).toContain('已解除本群与 县财政局 的绑定');
    expect(out).toContain('转至督办群');
    expect(await binding(FIN_CHAT)).toBeUndefined();
    expect((await h.features.audit.recent('tn', 1))[0]).toMatchObject({ action: 'unbind', subject: '县财政局', by: ADMIN });
    // Members of the group are no longer the unit's.
    expect(await h.features.roleOf({ platform: 'lark', tenant: 'tn', chatId: FIN_CHAT, chatType: 'group', senderId: FIN1, text: '', mentionsBot: true, messageId: 'x' })).toBe('everyone');
  });

  it('says so when there is nothing to unbind', async () => {
    expect(await h.say(ADMIN, TAX_CHAT, '/解绑')).toContain('本群没有绑定单位，无需解绑');
  });
});
