/**
 * A click on the weekly 催报 card, through the webhook as Lark posts it
 * (signed card.action.trigger): the report is recorded and the card comes
 * back as the unit's 催报 card as it now stands, every other open task keeping
 * its buttons; a task reported 已完成 leaves the list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callReply, openItems } from '../../../src/summary/call.js';
import { gatherSummary } from '../../../src/summary/gather.js';
import { checkCard, type SentRecord } from '../../fakes/lark-server.js';
import { NOW, summaryPlans, T } from '../../summary/fixtures.js';
import { useTestRedis } from '../../support/redis.js';
import { FIN1, FIN_CHAT, OUTSIDER, startSummaryLark, TAX_CHAT, type SummaryLark } from './summary-lark.js';

const t = useTestRedis('lark-weekly-call');
let h: SummaryLark;
let call: SentRecord;

beforeAll(async () => {
  h = await startSummaryLark(t, 'call');
  // The 催报 card as the weekly job sends it to 县财政局's group.
  const summary = await gatherSummary({ plans: summaryPlans(), tenant: h.ctx.tenantKey, store: h.features.store, now: NOW });
  const reply = callReply('县财政局', openItems(summary.items, '县财政局'), { weekName: summary.week.name });
  await h.lark.messenger.sendToChat(FIN_CHAT, reply, 'weekly-call-test');
  call = h.fake.sentTo(FIN_CHAT).at(-1)!;
});
afterAll(() => h?.close());

interface Button {
  value: Record<string, string>;
}
/** Callback values of every button on a card, in order. */
function buttons(card: unknown): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.tag === 'button') out.push(...(o.behaviors as Button[]).map((b) => b.value));
      else Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}
const tasksWithButtons = (card: unknown) => [...new Set(buttons(card).map((v) => v.taskId))];

describe('催报 card buttons', () => {
  it('the card as sent lists both of 县财政局’s open tasks with buttons', () => {
    expect(tasksWithButtons(call.content)).toEqual([T.budget, T.other]);
    expect(buttons(call.content).every((v) => v.card === 'weekly-call')).toBe(true);
    // Each task's buttons submit their own form; the boxes are named apart within the card.
    const text = JSON.stringify(call.content);
    expect(text.match(/"tag":"form"/g)).toHaveLength(2);
    expect(text).toContain('"name":"note"');
    expect(text).toContain('"name":"note_2"');
  });

  it('推进中 on one task with a note in its box: recorded with the note, and the card still offers buttons for the other task', async () => {
    // The second task's form: its box is note_2, and only that form's fields arrive.
    const res = await h.click(FIN1, FIN_CHAT, call.messageId, { action: 'progress', taskId: T.other, unit: '县财政局', status: 'in-progress', card: 'weekly-call' }, { note_2: '已排查完毕' });
    expect(res.status).toBe(200);
    expect(res.json.toast).toEqual({ type: 'success', content: '已记录：推进中' });
    expect(res.json.card?.type).toBe('raw');
    const card = res.json.card!.data;
    expect(() => checkCard(card)).not.toThrow();
    expect(tasksWithButtons(card)).toEqual([T.budget, T.other]);
    const text = JSON.stringify(card);
    expect(text).toContain('请报送本周工作进展（2025-W27）');
    expect(text).toContain('清理拖欠账款');
    expect(text).toContain('公开部门预算');
    const history = await h.features.store.history(h.ctx.tenantKey, T.other, '财政局');
    expect(history.at(-1)).toMatchObject({ kind: 'report', status: 'in-progress', note: '已排查完毕', by: FIN1, chatId: FIN_CHAT });
  });

  it('已完成 on a task: it leaves the list (awaiting confirmation), the other keeps its buttons', async () => {
    const res = await h.click(FIN1, FIN_CHAT, call.messageId, { action: 'progress', taskId: T.budget, unit: '县财政局', status: 'done', card: 'weekly-call' });
    expect(res.json.toast).toEqual({ type: 'success', content: '已记录：已完成' });
    const card = res.json.card!.data;
    expect(tasksWithButtons(card)).toEqual([T.other]);
    expect(JSON.stringify(card)).toContain('县财政局有 1 项任务尚未办结');
    expect(JSON.stringify(card)).not.toContain('公开部门预算');
  });

  it('the last open task reported done: the card thanks the unit and offers no buttons', async () => {
    const res = await h.click(FIN1, FIN_CHAT, call.messageId, { action: 'progress', taskId: T.other, unit: '县财政局', status: 'done', card: 'weekly-call' });
    const card = res.json.card!.data;
    expect(buttons(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('县财政局本周需报送的任务均已报告完成，谢谢！');
  });

  it('a button without the card marker still turns the card into that one task’s progress card', async () => {
    const res = await h.click(FIN1, FIN_CHAT, call.messageId, { action: 'progress', taskId: T.shared, unit: '县财政局', status: 'in-progress' });
    expect(res.json.toast?.type).toBe('success');
    const text = JSON.stringify(res.json.card!.data);
    expect(text).toContain('整治老旧小区');
    expect(text).not.toContain('请报送本周工作进展');
  });

  it('an outsider’s click is refused and the card is left as it is', async () => {
    const res = await h.click(OUTSIDER, TAX_CHAT, call.messageId, { action: 'progress', taskId: T.split, unit: '县税务局', status: 'done', card: 'weekly-call' });
    expect(res.json.toast?.type).toBe('error');
    expect(res.json.card).toBeUndefined();
  });
});
