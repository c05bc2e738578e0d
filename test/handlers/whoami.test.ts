import { expect, it } from 'vitest';
import { renderText } from '../../src/adapters/console/render.js';
import { createBot } from '../../src/chat/bot.js';
import { silentLogger } from '../../src/log.js';
import { createProgressFeatures } from '../../src/progress/features.js';
import { useTestRedis } from '../support/redis.js';
import { fixturePlans, msg } from '../chat/fixtures.js';

const t = useTestRedis('whoami');

it('/我是谁 shows the sender’s open_id and the chat_id, and the unit the group is bound to', async () => {
  const plans = fixturePlans();
  const log = silentLogger('fatal');
  const features = createProgressFeatures({
    redis: t.redis,
    config: { roles: { adminOpenIds: [], supervisorOpenIds: [] } },
    plans,
    log,
    prefix: t.prefix,
    messenger: { sendToChat: async () => [], updateCard: async () => {}, listChatMembers: async () => [{ memberId: 'ou_asker_1' }] },
  });
  await features.bindings.bind('t1', 'oc_finance_group', '县财政局', 'ou_admin');
  const bot = createBot({ plans, clock: { now: () => new Date('2024-07-10T09:00:00+08:00') }, log, roleOf: features.roleOf, progress: features.services });
  const ask = async (text: string, over: Parameters<typeof msg>[1]) => {
    const out: string[] = [];
    await bot.handle(msg(text, { platform: 'lark', ...over }), { reply: async (r) => void out.push(renderText(r)) });
    return out.join('\n');
  };
  const inGroup = await ask('/我是谁', { chatType: 'group', chatId: 'oc_finance_group', senderId: 'ou_asker_1', mentionsBot: true });
  expect(inGroup).toContain('open_id：ou_asker_1');
  expect(inGroup).toContain('chat_id：oc_finance_group');
  expect(inGroup).toContain('本群绑定：县财政局');
  expect(inGroup).toContain('SUPERVISOR_CHAT_ID');
  const p2p = await ask('whoami', { chatType: 'p2p', chatId: 'oc_p2p_asker', senderId: 'ou_asker_2' });
  expect(p2p).toContain('open_id：ou_asker_2');
  expect(p2p).toContain('chat_id：oc_p2p_asker');
  expect(p2p).toContain('ADMIN_OPEN_IDS');
});
