/**
 * 谁牵头 in a unit's bound group through the Lark adapter: the answer card
 * carries that unit's progress buttons, and a click on one (a signed
 * card.action.trigger) records the unit's report like any progress button.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCard } from '../../fakes/lark-server.js';
import { T } from '../../summary/fixtures.js';
import { useTestRedis } from '../../support/redis.js';
import { FIN1, FIN_CHAT, LOBBY, startSummaryLark, type SummaryLark } from './summary-lark.js';

const t = useTestRedis('lark-who-leads-buttons');
let h: SummaryLark;

beforeAll(async () => {
  h = await startSummaryLark(t, 'wl');
});
afterAll(() => h?.close());

/** Callback values of every button on a card. */
function buttons(card: unknown): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.tag === 'button') out.push(...(o.behaviors as Array<{ value: Record<string, string> }>).map((b) => b.value));
      else Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}

describe('谁牵头 answer cards in a bound group', () => {
  it('carry the bound unit’s progress buttons for the answered task; a click records the report', async () => {
    const [answer] = await h.say(FIN1, FIN_CHAT, '公开部门预算谁牵头');
    expect(answer!.msgType).toBe('interactive');
    expect(() => checkCard(answer!.content)).not.toThrow();
    expect(JSON.stringify(answer!.content)).toContain('县财政局');
    expect(buttons(answer!.content)).toEqual([
      { action: 'progress', taskId: T.budget, unit: '县财政局', status: 'done' },
      { action: 'progress', taskId: T.budget, unit: '县财政局', status: 'in-progress' },
      { action: 'progress', taskId: T.budget, unit: '县财政局', status: 'difficulty' },
    ]);
    const res = await h.click(FIN1, FIN_CHAT, answer!.messageId, buttons(answer!.content)[2]!);
    expect(res.json.toast).toEqual({ type: 'success', content: '已记录：有困难' });
    const history = await h.features.store.history(h.ctx.tenantKey, T.budget, '县财政局');
    expect(history.at(-1)).toMatchObject({ kind: 'report', status: 'difficulty', by: FIN1, chatId: FIN_CHAT });
  });

  it('in a group bound to nothing the same question gets no buttons', async () => {
    const [answer] = await h.say(FIN1, LOBBY, '公开部门预算谁牵头');
    expect(JSON.stringify(answer!.content)).toContain('县财政局');
    expect(buttons(answer!.content)).toEqual([]);
  });
});
