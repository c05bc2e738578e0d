import { describe, expect, it } from 'vitest';
import { createMetrics, instrumentBot } from '../../src/ops/metrics.js';
import type { Bot, Outbox } from '../../src/chat/types.js';
import { msg } from '../chat/fixtures.js';

describe('instrumentBot', () => {
  it('counts a message and its reply, and hands the core the outbox as given (its idempotency key included)', async () => {
    const seen: Outbox[] = [];
    const bot: Bot = {
      async handle(_m, out) {
        seen.push(out);
        await out.reply({ blocks: [{ kind: 'text', text: '好' }] });
      },
    };
    const metrics = createMetrics();
    const replies: unknown[] = [];
    // The inbox gives each event's handling a key; a re-run after a crash must record nothing twice.
    await instrumentBot(bot, metrics).handle(msg('你好'), { idempotencyKey: 'lark:om_1', reply: async (r) => void replies.push(r) });
    expect(seen[0]!.idempotencyKey).toBe('lark:om_1');
    expect(replies).toHaveLength(1);
    const text = await metrics.registry.metrics();
    expect(text).toContain('duban_events_received_total{kind="message"} 1');
    expect(text).toContain('duban_replies_total 1');
  });
});
