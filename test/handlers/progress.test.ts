/**
 * /进展, /办结, /退回 as people in Lark groups use them: who may report what,
 * what is recorded, what the supervisors' chat receives, and when a task stops
 * being reminded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressKey } from '../../src/progress/types.js';
import { ADMIN, DATA, DATA_CHAT, FIN1, FIN2, FIN_CHAT, LOBBY, OUTSIDER, SUP, SUP_CHAT, TAX, TAX_CHAT, cardText, startHarness, type Harness } from '../progress/harness.js';
import { useTestRedis } from '../support/redis.js';

const t = useTestRedis('handlers-progress');
let h: Harness;
const T11 = 'qingshan-2024#一、（一）';
const T12 = 'qingshan-2024#一、（二）';
const T23 = 'qingshan-2024#二、（三）';

beforeAll(async () => {
  h = await startHarness(t, 'p');
  expect(await h.say(ADMIN, FIN_CHAT, '/绑定 县财政局')).toContain('已绑定');
  expect(await h.say(ADMIN, TAX_CHAT, '/绑定 县税务局')).toContain('已绑定');
  expect(await h.say(ADMIN, DATA_CHAT, '/绑定 大数据中心')).toContain('已绑定');
});
afterAll(async () => {
  await h?.close();
});

const events = (taskId: string) => h.features.store.history('tn', taskId);

describe('/进展 from a unit’s group', () => {
  it('records a member’s report for the unit’s own task, with who, where and the note', async () => {
    const out = await h.say(FIN1, FIN_CHAT, '/进展 一（一） 推进中 预算公开方案已起草');
    expect(out).toContain('【已记录：推进中】');
    expect(out).toContain('责任单位：县财政局');
    expect(out).toContain('当前状态：推进中');
    const [e] = await events(T11);
    // The name comes from the group's member list (Lark events carry none).
    expect(e).toMatchObject({ unit: '县财政局', kind: 'report', status: 'in-progress', note: '预算公开方案已起草', by: FIN1, byName: '王财政', chatId: FIN_CHAT });
    const audit = await h.features.audit.recent('tn', 10);
    expect(audit[0]).toMatchObject({ action: 'report', by: FIN1, subject: T11, detail: { unit: '县财政局', status: 'in-progress' } });
  });

  it('a co-unit may report too (县财政局 is 责任单位 of 二（三）), under its own name', async () => {
    expect(await h.say(FIN2, FIN_CHAT, '/进展 二（三） 有困难 等待发改局提供清单')).toContain('已记录：有困难');
    expect((await events(T23))[0]).toMatchObject({ unit: '县财政局', status: 'difficulty', by: FIN2 });
  });

  it('refuses another unit’s task and names who may report; nothing is recorded', async () => {
    const out = await h.say(FIN1, FIN_CHAT, '/进展 一（二） 已完成');
    expect(out).toContain('未记录');
    expect(out).toContain('该任务的责任单位是县大数据发展中心、县府办，本群绑定的是县财政局');
    expect(await events(T12)).toEqual([]);
  });

  it('refuses naming another unit on a shared task from this group', async () => {
    const out = await h.say(FIN1, FIN_CHAT, '/进展 一（一） 县税务局 已完成');
    expect(out).toContain('本群绑定的是县财政局，只能报告县财政局的进展');
    expect((await events(T11)).filter((e) => e.unit === '县税务局')).toEqual([]);
  });

  it('refuses an outsider in an unbound group, and a stranger posting in a bound one', async () => {
    const lobby = await h.say(OUTSIDER, LOBBY, '/进展 网站集约化改造 已完成');
    expect(lobby).toContain('只有该任务责任单位（县大数据发展中心、县府办）绑定工作群的成员，或管理员，可以报告进展');
    expect(lobby).toContain('本群尚未绑定单位');
    // Not in the fake's member list of the finance group (e.g. a forwarded message or a stale client).
    const stranger = await h.say(OUTSIDER, FIN_CHAT, '/进展 一（一） 已完成');
    expect(stranger).toContain('本群绑定的是县财政局，但未能确认您是本群成员');
    expect(await events(T12)).toEqual([]);
    expect((await events(T11)).map((e) => e.by)).toEqual([FIN1]);
    const refused = h.log.lines.filter((l) => l.event === 'bad-input' && String(l.reason).startsWith('report-'));
    expect(refused.map((l) => l.reason)).toEqual(expect.arrayContaining(['report-not-member', 'report-other-unit']));
  });

  it('says which task it could not find, or lists candidates', async () => {
    expect(await h.say(FIN1, FIN_CHAT, '/进展 火星基地 推进中')).toContain('没有找到任务“火星基地”');
    expect(await h.say(ADMIN, 'oc_p2p_admin', '/进展 一（一）')).toContain('对应多项任务');
  });
});

describe('admins', () => {
  it('may report for any unit, naming it when the task has several', async () => {
    expect(await h.say(ADMIN, 'oc_p2p_admin', '/进展 网站集约化改造 推进中')).toContain('责任单位：县大数据发展中心');
    const need = await h.say(ADMIN, 'oc_p2p_admin', '/进展 深化财政预算信息公开 推进中');
    expect(need).toContain('该任务有多个责任单位（县财政局、县税务局），请写明为哪个单位报告');
    const named = await h.say(ADMIN, 'oc_p2p_admin', '/进展 一（一） 县税务局 推进中');
    expect(named).toContain('责任单位：县税务局');
    expect((await events(T11)).at(-1)).toMatchObject({ unit: '县税务局', by: ADMIN });
  });
});

describe('closing: 已完成 -> 待确认 -> 办结销号', () => {
  it('已完成 makes it 待确认 and asks the supervisors’ chat with 办结销号/退回 buttons', async () => {
    const before = h.fake.sentTo(SUP_CHAT).length;
    const out = await h.say(DATA, DATA_CHAT, '/进展 网站集约化改造 已完成 已上线运行');
    expect(out).toContain('当前状态：待确认');
    expect(out).toContain('已提交督办群确认');
    const cards = h.fake.sentTo(SUP_CHAT).slice(before);
    expect(cards).toHaveLength(1);
    const text = cardText(cards[0]!.content);
    expect(text).toContain('待确认：县大数据发展中心报告已完成');
    expect(text).toContain('已上线运行');
    expect(text).toContain('"action":"confirm"');
    expect(text).toContain('办结销号');
    expect(await h.features.isDone(T12, '县大数据发展中心', { tenant: 'tn' })).toBe(false);
  });

  it('a unit member cannot confirm; a supervisor (member of the supervisors’ chat) can, and reminders stop', async () => {
    expect(await h.say(DATA, DATA_CHAT, '/办结 一（二） 县大数据发展中心')).toContain('需要督办员权限');
    const out = await h.say(SUP, SUP_CHAT, '/办结 一（二） 县大数据发展中心');
    expect(out).toContain('【已办结销号】');
    const state = await h.features.store.state('tn');
    expect(state.get(progressKey(T12, '县大数据发展中心'))!.state).toBe('closed');
    // Reminders name the unit as the directory does; the check goes through it.
    expect(await h.features.isDone(T12, '县大数据发展中心', { tenant: 'tn' })).toBe(true);
    expect(await h.features.isDone(T12, '县府办', { tenant: 'tn' })).toBe(false);
    // The unit's group is told.
    expect(cardText(h.fake.sentTo(DATA_CHAT).at(-1)!.content)).toContain('督办员已确认办结');
    expect((await h.features.audit.recent('tn', 1))[0]).toMatchObject({ action: 'confirm', by: SUP, subject: T12 });
  });

  it('a report after 办结 is kept in the history but changes nothing', async () => {
    const out = await h.say(DATA, DATA_CHAT, '/进展 网站集约化改造 有困难 服务器故障');
    expect(out).toContain('状态仍为“已办结”');
    expect((await h.features.store.stateOf('tn', T12, '县大数据发展中心'))!.state).toBe('closed');
    expect((await events(T12)).map((e) => e.status ?? e.kind)).toEqual(['in-progress', 'done', 'confirm', 'difficulty']);
  });

  it('confirming twice is refused', async () => {
    expect(await h.say(SUP, SUP_CHAT, '/办结 一（二） 县大数据发展中心')).toContain('已经办结销号，无需重复确认');
  });
});

describe('/退回', () => {
  it('needs something to return and a reason', async () => {
    expect(await h.say(SUP, SUP_CHAT, '/退回 一（一） 县财政局 请补充材料')).toContain('没有待确认的完成报告');
    expect(await h.say(SUP, SUP_CHAT, '/退回')).toContain('/退回 需要原因');
  });

  it('returns a 待确认 report with the reason; the unit sees it and the task is open again', async () => {
    await h.say(TAX, TAX_CHAT, '/进展 减税降费 已完成 已推送');
    const sent = h.fake.sentTo(SUP_CHAT).at(-1)!;
    expect(cardText(sent.content)).toContain('待确认：县税务局报告已完成');
    // Replying to the confirmation card names task and unit: only the reason is typed.
    h.fake.registerMessage('om_reply_to_card', SUP_CHAT);
    const out = await h.say(SUP, SUP_CHAT, '/退回 缺少推送记录截图', { parentId: sent.messageId });
    expect(out).toContain('【已退回】');
    expect(out).toContain('退回原因：缺少推送记录截图');
    const s = await h.features.store.stateOf('tn', T11, '县税务局');
    expect(s).toMatchObject({ state: 'in-progress', note: '缺少推送记录截图', lastKind: 'return' });
    expect(cardText(h.fake.sentTo(TAX_CHAT).at(-1)!.content)).toContain('缺少推送记录截图');
    // The supervisors' card now shows the decision instead of its buttons.
    const update = h.fake.updates.find((u) => u.messageId === sent.messageId);
    expect(cardText(update!.content)).toContain('已退回');
    expect(cardText(update!.content)).not.toContain('"action":"confirm"');
  });
});

describe('/进展 <任务>: the history', () => {
  it('shows each unit’s state and the log, oldest first', async () => {
    const out = await h.say(FIN1, FIN_CHAT, '/进展 一（一）');
    expect(out).toContain('【进展记录：一、（一）深化财政预算信息公开】');
    expect(out).toContain('• 县财政局：推进中（2024年7月10日 09:00，预算公开方案已起草）');
    expect(out).toContain('• 县税务局：推进中（2024年7月10日 09:00，缺少推送记录截图）');
    const rows = out.split('\n').filter((l) => l.startsWith('2024年'));
    expect(rows.map((r) => r.split(/\s{2,}/u)[2])).toEqual(['推进中', '推进中', '已完成', '退回']);
    expect(rows[0]).toMatch(/王财政$/u);
    expect(rows[3]).toMatch(/李督办$/u);
  });
});

describe('answering a reminder card', () => {
  it('"/进展 推进中 说明" as a reply to a card needs no task', async () => {
    const sent = await h.features.withCardRefs((chat: string, reply, uuid: string) =>
      h.features.services.notifier!.sendToChat(chat, reply, uuid),
    )(FIN_CHAT, { blocks: [{ kind: 'actions', buttons: [{ label: '推进中', value: { action: 'progress', taskId: T23, unit: '县财政局', status: 'in-progress' } }] }] }, 'uuid-reminder-1');
    const messageId = (sent as Array<{ messageId: string }>)[0]!.messageId;
    const out = await h.say(FIN1, FIN_CHAT, '/进展 推进中 清单已收到', { parentId: messageId });
    expect(out).toContain('任务：二、（三）做好项目审批信息公开');
    expect((await events(T23)).at(-1)).toMatchObject({ unit: '县财政局', status: 'in-progress', note: '清单已收到' });
    expect(cardText(h.fake.updates.at(-1)!.content)).toContain('清单已收到');
  });
});

describe('without the progress features (no Redis)', () => {
  it('says the feature needs Redis instead of failing, and /提醒 <单位> still plans from the ledger', async () => {
    const { createBot } = await import('../../src/chat/bot.js');
    const { renderText } = await import('../../src/adapters/console/render.js');
    const { silentLogger } = await import('../../src/log.js');
    const { msg } = await import('../chat/fixtures.js');
    const log = silentLogger();
    const bot = createBot({ plans: h.plans, clock: { now: () => new Date('2024-07-10T09:00:00+08:00') }, log });
    const ask = async (text: string) => {
      const out: string[] = [];
      await bot.handle(msg(text, { platform: 'console' }), { reply: async (r) => void out.push(renderText(r)) });
      return out.join('\n');
    };
    expect(await ask('/进展 一（一） 推进中')).toContain('需要连接 Redis');
    expect(await ask('/绑定 县财政局')).toContain('需要连接 Redis');
    expect(await ask('/提醒 大数据中心')).toContain('县大数据发展中心的近期提醒');
    expect(log.lines.some((l) => l.event === 'feature-unavailable')).toBe(true);
  });
});
