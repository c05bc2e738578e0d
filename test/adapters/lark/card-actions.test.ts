/**
 * Progress through the Lark adapter as it happens in production: signed
 * events over real HTTP to the webhook, the real SDK answering through the
 * fake Open API, the progress log and bindings in real Redis. A unit reports
 * by button and by command, the card updates in place, the supervisors
 * confirm, and the reminder worker then finds the task done.
 */
import { Queue, type Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReminderProcessor } from '../../../jobs/reminder-worker.js';
import { DELIVERY_QUEUE, type DeliveryJobData } from '../../../jobs/delivery-queue.js';
import { toJobData, type ReminderJobData } from '../../../jobs/reminder-queue.js';
import { startLark, type LarkHandle } from '../../../src/adapters/lark/index.js';
import { createBot } from '../../../src/chat/bot.js';
import { silentLogger } from '../../../src/log.js';
import { createProgressFeatures, type ProgressFeatures } from '../../../src/progress/features.js';
import { reminderReply } from '../../../src/reminders/message.js';
import { planReminders } from '../../../src/reminders/plan.js';
import { checkCard, startFakeLark, type FakeLark, type SentRecord } from '../../fakes/lark-server.js';
import { cardAction, postEvent, textMessage, type EventContext, webhookOptions } from '../../fakes/lark-events.js';
import { NOTE_MAX, noteFromForm } from '../../../src/adapters/lark/events.js';
import { fixturePlans } from '../../chat/fixtures.js';
import { ADMIN, CHATS, LOBBY, OUTSIDER, SUP, SUP_CHAT, TAX, TAX_CHAT, cardText } from '../../progress/harness.js';
import { useTestRedis } from '../../support/redis.js';
import { testInbox } from '../../support/inbox.js';

const t = useTestRedis('card-actions');
const ctx: EventContext = { appId: 'cli_a1b2c3d4e5f60718', tenantKey: 'tenant-p', verificationToken: 'vt-progress', encryptKey: 'ek-progress' };
const plans = fixturePlans();
const T11 = 'qingshan-2024#一、（一）';
let now = new Date('2024-07-24T09:00:00+08:00');

let fake: FakeLark;
let lark: LarkHandle;
let features: ProgressFeatures;
let url: string;
const log = silentLogger('debug');

beforeAll(async () => {
  fake = await startFakeLark({ appId: ctx.appId, chats: CHATS.map((c) => ({ ...c, members: [...c.members] })) });
  features = createProgressFeatures({
    redis: t.redis,
    config: { roles: { adminOpenIds: [ADMIN], supervisorOpenIds: [], supervisorChatId: SUP_CHAT } },
    // The messenger exists once startLark has run; the features ask for it when they send.
    messenger: () => lark?.messenger,
    plans,
    log,
    prefix: t.prefix,
    now: () => now,
  });
  const bot = createBot({ plans, clock: { now: () => now }, log, roleOf: features.roleOf, progress: features.services, buttons: features.buttons });
  lark = await startLark({
    config: webhookOptions(ctx, fake, `${t.prefix}:`),
    bot,
    inbox: await testInbox(t, log),
    log,
  });
  url = `http://127.0.0.1:${lark.port}/lark/events`;
});
afterAll(async () => {
  await features?.settle();
  await lark?.stop();
  await fake?.close();
});

/** A group message over the webhook; resolves with the bot's replies to it. */
async function say(sender: string, chatId: string, text: string, parentId?: string): Promise<string> {
  const m = textMessage(ctx, { chatId, senderOpenId: sender, text, ...(parentId ? { parentId } : {}) });
  fake.registerMessage(m.messageId, chatId);
  expect((await postEvent(url, ctx, m.body)).status).toBe(200);
  const deadline = Date.now() + 5000;
  while (!fake.sent.some((s) => s.replyTo === m.messageId)) {
    if (Date.now() > deadline) throw new Error(`no answer to ${text}`);
    await fake.waitForSent(fake.sent.length + 1, 500).catch(() => undefined);
  }
  await features.settle();
  return fake.sent.filter((s) => s.replyTo === m.messageId).map((s) => cardText(s.content)).join('\n');
}

async function click(
  sender: string,
  chatId: string,
  messageId: string,
  value: Record<string, string>,
  opts: { eventId?: string; signWith?: string; formValue?: Record<string, unknown> } = {},
) {
  const { body } = cardAction(ctx, {
    openId: sender,
    chatId,
    messageId,
    value,
    ...(opts.eventId ? { eventId: opts.eventId } : {}),
    ...(opts.formValue ? { formValue: opts.formValue } : {}),
  });
  const res = await postEvent(url, ctx, body, opts.signWith ? { signWith: opts.signWith } : {});
  await features.settle();
  return res as { status: number; json: { toast?: { type: string; content: string }; card?: { type: string; data: unknown } } };
}

const history = () => features.store.history('tenant-p', T11, '县税务局');
const reminders = planReminders(plans.ledger, { today: '2024-07-10', until: '2024-08-31', resolveUnit: (n) => plans.units.entryOf(n)?.entry.name });
const taxReminder = (kind: string) => {
  const r = reminders.find((x) => x.taskId === T11 && x.unit === '县税务局' && x.kind === kind)!;
  return { ...r, tenant: 'tenant-p' };
};

let reminderCard: SentRecord;
let confirmCard: SentRecord;

describe('progress through the Lark adapter', () => {
  it('an admin binds the tax office’s group; a reminder card with progress buttons goes out', async () => {
    expect(await say(ADMIN, TAX_CHAT, '/绑定 县税务局')).toContain('已绑定：县税务局');
    const r = taxReminder('before-7');
    // As the delivery worker sends it (features.withCardRefs around messenger.sendToChat).
    const send = features.withCardRefs((chatId: string, reply, uuid: string) => lark.messenger.sendToChat(chatId, reply, uuid));
    await send(TAX_CHAT, reminderReply(r, { today: '2024-07-24' }), 'dub-reminder-test');
    reminderCard = fake.sentTo(TAX_CHAT).at(-1)!;
    expect(cardText(reminderCard.content)).toContain('"action":"progress"');
    // The buttons submit a form with a text box for the note.
    expect(cardText(reminderCard.content)).toContain('"form_action_type":"submit"');
    expect(cardText(reminderCard.content)).toContain('说明（选填）');
  });

  it('a member types a note and clicks 推进中: recorded with the note, success toast, the card is replaced by one showing the new state', async () => {
    const res = await click(
      TAX,
      TAX_CHAT,
      reminderCard.messageId,
      { action: 'progress', taskId: T11, unit: '县税务局', status: 'in-progress' },
      { formValue: { note: '  已完成初稿，\n待局务会审议 ' } },
    );
    expect(res.status).toBe(200);
    expect(res.json.toast).toEqual({ type: 'success', content: '已记录：推进中' });
    expect(res.json.card?.type).toBe('raw');
    expect(() => checkCard(res.json.card!.data)).not.toThrow();
    const card = cardText(res.json.card!.data);
    expect(card).toContain('工作进展：推进中');
    expect(card).toContain('"status":"done"');
    expect(card).toContain('已完成初稿， 待局务会审议');
    expect(await history()).toEqual([expect.objectContaining({ kind: 'report', status: 'in-progress', note: '已完成初稿， 待局务会审议', by: TAX, chatId: TAX_CHAT })]);
    // The history the unit asks for (/进展 in reply to the card) shows the note.
    const shown = await say(TAX, TAX_CHAT, '/进展', reminderCard.messageId);
    expect(shown).toContain('进展记录');
    expect(shown).toContain('已完成初稿， 待局务会审议');
    expect(await history()).toHaveLength(1);
  });

  it('the note is read as untrusted text: control characters dropped, whitespace collapsed, capped; anything else is no note', () => {
    expect(noteFromForm({ note: 'a\u0000b\u202ec\t\td' })).toBe('abc d');
    expect([...noteFromForm({ note: '很'.repeat(900) })]).toHaveLength(NOTE_MAX);
    // A card with several forms names later boxes note_2, note_3…; only the submitting form's fields arrive.
    expect(noteFromForm({ note_3: '第三项说明' })).toBe('第三项说明');
    expect(noteFromForm({ note: 42 })).toBe('');
    expect(noteFromForm({ other: 'x' })).toBe('');
    expect(noteFromForm('note')).toBe('');
    expect(noteFromForm(undefined)).toBe('');
  });

  it('a re-pushed click (same event_id) is recorded once', async () => {
    const eventId = 'evt-dup-0001';
    const a = await click(TAX, TAX_CHAT, reminderCard.messageId, { action: 'progress', taskId: T11, unit: '县税务局', status: 'blocked' }, { eventId });
    const b = await click(TAX, TAX_CHAT, reminderCard.messageId, { action: 'progress', taskId: T11, unit: '县税务局', status: 'blocked' }, { eventId });
    expect(a.json.toast?.content).toBe('已记录：有困难');
    expect(b.json).toEqual({});
    expect((await history()).map((e) => e.status)).toEqual(['in-progress', 'difficulty']);
  });

  it('a forged click is rejected before anything runs', async () => {
    const res = await click(TAX, TAX_CHAT, reminderCard.messageId, { action: 'progress', taskId: T11, unit: '县税务局', status: 'done' }, { signWith: 'not-the-key' });
    expect(res.status).toBe(401);
    expect(await history()).toHaveLength(2);
  });

  it('an outsider’s click is refused with an error toast and nothing recorded', async () => {
    const fromLobby = await click(OUTSIDER, LOBBY, 'om_forwarded', { action: 'progress', taskId: T11, unit: '县税务局', status: 'done' });
    expect(fromLobby.json.toast?.type).toBe('error');
    expect(fromLobby.json.toast?.content).toContain('只有该任务责任单位');
    expect(fromLobby.json.card).toBeUndefined();
    // In the unit's group but not one of its members.
    const stranger = await click(OUTSIDER, TAX_CHAT, reminderCard.messageId, { action: 'progress', taskId: T11, unit: '县税务局', status: 'done' });
    expect(stranger.json.toast?.type).toBe('error');
    expect(await history()).toHaveLength(2);
  });

  it('the same unit reports 已完成 by command in reply to the card; the log has both; the supervisors get a card', async () => {
    const out = await say(TAX, TAX_CHAT, '/进展 已完成 政策已集中推送', reminderCard.messageId);
    expect(out).toContain('已记录：已完成');
    expect(out).toContain('待确认');
    const h = await history();
    expect(h.map((e) => [e.status, e.chatId])).toEqual([
      ['in-progress', TAX_CHAT],
      ['difficulty', TAX_CHAT],
      ['done', TAX_CHAT],
    ]);
    expect((await features.store.stateOf('tenant-p', T11, '县税务局'))!.state).toBe('pending-confirm');
    // The reminder card itself now shows 待确认.
    expect(cardText(fake.updates.filter((u) => u.messageId === reminderCard.messageId).at(-1)!.content)).toContain('待确认');
    confirmCard = fake.sentTo(SUP_CHAT).at(-1)!;
    expect(cardText(confirmCard.content)).toContain('待确认：县税务局报告已完成');
    expect(cardText(confirmCard.content)).toContain('政策已集中推送');
  });

  it('while 待确认 the reminder worker still reminds', async () => {
    const queue = new Queue<DeliveryJobData>(DELIVERY_QUEUE, { connection: await t.connect({ forBullmq: true }), prefix: `{${t.prefix}:q1}` });
    const fire = createReminderProcessor({ connection: {}, deliveryQueue: queue, bindings: features.bindings, supervisorsChat: () => SUP_CHAT, isDone: features.isDone, log, now: () => now });
    const r = taxReminder('before-7');
    expect(await fire({ id: r.id, data: toJobData(r) } as Job<ReminderJobData>)).toMatchObject({ status: 'queued', chats: [TAX_CHAT] });
    await queue.close();
  });

  it('a unit member cannot press 办结销号; a supervisor can, and the card shows the decision', async () => {
    const refused = await click(TAX, SUP_CHAT, confirmCard.messageId, { action: 'confirm', taskId: T11, unit: '县税务局' });
    expect(refused.json.toast).toMatchObject({ type: 'error' });
    expect(refused.json.toast!.content).toContain('需要督办员权限');
    expect(cardText(confirmCard.content)).toContain('退回原因（退回时必填）');
    const returnValue = { action: 'return', taskId: T11, unit: '县税务局' };
    // 退回 without a reason (no form value, or only blanks): an error toast, nothing recorded.
    for (const formValue of [undefined, { note: '' }, { note: ' \n ' }]) {
      const noReason = await click(SUP, SUP_CHAT, confirmCard.messageId, returnValue, formValue ? { formValue } : {});
      expect(noReason.json).toEqual({ toast: { type: 'error', content: '请填写退回原因' } });
    }
    // A unit member cannot return, reason or not.
    const byUnit = await click(TAX, SUP_CHAT, confirmCard.messageId, returnValue, { formValue: { note: '自己退回' } });
    expect(byUnit.json.toast?.type).toBe('error');
    expect(byUnit.json.toast?.content).toContain('督办员权限');
    expect(await history()).toHaveLength(3);
    expect((await features.store.stateOf('tenant-p', T11, '县税务局'))!.state).toBe('pending-confirm');

    // With a reason: returned exactly as /退回 would, the card shows the decision, the unit is told.
    const returned = await click(SUP, SUP_CHAT, confirmCard.messageId, returnValue, { formValue: { note: '请补充佐证材料' } });
    expect(returned.json.toast).toEqual({ type: 'success', content: '已退回' });
    expect(() => checkCard(returned.json.card!.data)).not.toThrow();
    expect(cardText(returned.json.card!.data)).toContain('已退回：县税务局');
    expect(cardText(returned.json.card!.data)).toContain('请补充佐证材料');
    expect((await history()).at(-1)).toMatchObject({ kind: 'return', note: '请补充佐证材料', by: SUP, chatId: SUP_CHAT });
    expect((await features.store.stateOf('tenant-p', T11, '县税务局'))!.state).toBe('in-progress');
    const notice = cardText(fake.sentTo(TAX_CHAT).at(-1)!.content);
    expect(notice).toContain('任务被退回，请继续办理');
    expect(notice).toContain('请补充佐证材料');

    // The unit reports 已完成 again from the card, with a note; a new confirmation card goes to the supervisors.
    const again = await click(TAX, TAX_CHAT, reminderCard.messageId, { action: 'progress', taskId: T11, unit: '县税务局', status: 'done' }, { formValue: { note: '佐证材料已补充' } });
    expect(again.json.toast?.content).toBe('已记录：已完成');
    expect((await features.store.stateOf('tenant-p', T11, '县税务局'))!.state).toBe('pending-confirm');
    confirmCard = fake.sentTo(SUP_CHAT).at(-1)!;
    expect(cardText(confirmCard.content)).toContain('佐证材料已补充');

    const ok = await click(SUP, SUP_CHAT, confirmCard.messageId, { action: 'confirm', taskId: T11, unit: '县税务局' });
    expect(ok.json.toast).toEqual({ type: 'success', content: '已办结销号' });
    expect(() => checkCard(ok.json.card!.data)).not.toThrow();
    expect(cardText(ok.json.card!.data)).toContain('已办结：县税务局');
    expect(cardText(ok.json.card!.data)).not.toContain('"action"');
    expect((await features.store.stateOf('tenant-p', T11, '县税务局'))!.state).toBe('closed');
    expect(cardText(fake.sentTo(TAX_CHAT).at(-1)!.content)).toContain('督办员已确认办结');
    const audit = await features.audit.recent('tenant-p', 10);
    expect(audit.map((a) => a.action)).toEqual(['confirm', 'report', 'return', 'report', 'report', 'report', 'bind']);
  });

  it('once confirmed, the reminder worker sends nothing more', async () => {
    now = new Date('2024-07-30T09:00:00+08:00');
    const queue = new Queue<DeliveryJobData>(DELIVERY_QUEUE, { connection: await t.connect({ forBullmq: true }), prefix: `{${t.prefix}:q2}` });
    const fire = createReminderProcessor({ connection: {}, deliveryQueue: queue, bindings: features.bindings, supervisorsChat: () => SUP_CHAT, isDone: features.isDone, log, now: () => now });
    const r = taxReminder('before-1');
    expect(await fire({ id: r.id, data: toJobData(r) } as Job<ReminderJobData>)).toEqual({ status: 'done' });
    expect(await queue.getJobCounts('waiting', 'delayed', 'active', 'completed')).toEqual({ waiting: 0, delayed: 0, active: 0, completed: 0 });
    await queue.close();
  });
});
