import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/adapters/console/render.js';
import { demoClock, demoToday, withDemoLabel } from '../../src/chat/demo-today.js';
import type { IncomingMessage, Reply } from '../../src/chat/types.js';
import { seedPlans } from '../transcripts/seeds.js';
import { deadline, doc, task } from '../reminders/fixtures.js';

const seeds = seedPlans().ledger.documents;
const at = (iso: string) => new Date(iso);

describe('the terminal chat’s demo "today"', () => {
  it('applies only when every plan is from a past year: in the busiest due month of the year with most tasks', () => {
    // Bundled plans: 2018, 2022 ×3, 2023; most tasks in 2022, most due dates in December 2022 (first on the 31st).
    expect(demoToday('auto', seeds, at('2026-12-04T10:00:00+08:00'))).toEqual({ date: '2022-12-21', why: 'auto', years: [2018, 2022, 2023] });
    expect(demoToday('auto', seeds, at('2023-03-01T10:00:00+08:00'))).toBeUndefined();
    expect(demoToday('off', seeds, at('2026-12-04T10:00:00+08:00'))).toBeUndefined();
    expect(demoToday('2022-07-05', seeds, at('2026-12-04T10:00:00+08:00'))).toMatchObject({ date: '2022-07-05', why: 'set' });
    expect(demoToday('auto', [], at('2026-12-04T10:00:00+08:00'))).toBeUndefined();
  });

  it('never starts before the 1st of that month', () => {
    const plan = doc({ year: 2021, issuedOn: '2021-02-01', tasks: [task({ path: ['一、'], leads: ['县财政局'], deadlines: [deadline('2021-05-03'), deadline('2021-05-20')] })] });
    expect(demoToday('auto', [plan], at('2026-01-01T00:00:00+08:00'))?.date).toBe('2021-05-01');
  });

  it('runs the clock from 09:00 of that day at the real pace', () => {
    let real = 1_000_000;
    const clock = demoClock('2022-12-21', () => real);
    expect(clock.now().toISOString()).toBe('2022-12-21T01:00:00.000Z');
    real += 90_000;
    expect(clock.now().toISOString()).toBe('2022-12-21T01:01:30.000Z');
  });

  it('labels every reply and keeps the demo’s records in a tenant of its own', async () => {
    const seen: IncomingMessage[] = [];
    const bot = withDemoLabel(
      { handle: async (m, out) => void (seen.push(m), await out.reply({ blocks: [{ kind: 'text', text: '答复' }] })) },
      { date: '2022-12-21', why: 'auto', years: [2018, 2023] },
    );
    const replies: Reply[] = [];
    await bot.handle({ platform: 'console', tenant: 'local', chatId: 'console', chatType: 'p2p', senderId: 'console', text: '/截止', mentionsBot: false, messageId: 'm1' }, { reply: async (r) => void replies.push(r) });
    expect(seen[0]!.tenant).toBe('demo-2022-12-21');
    expect(renderText(replies[0]!)).toContain('演示日期：已载入的工作要点都是往年的（2018–2023 年），本次终端对话把 2022年12月21日 当作“今天”。');
  });
});
