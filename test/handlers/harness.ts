import { renderText } from '../../src/adapters/console/render.js';
import { createBot } from '../../src/chat/bot.js';
import type { Plans } from '../../src/chat/context.js';
import { silentLogger } from '../../src/log.js';
import { fixturePlans, msg } from '../chat/fixtures.js';

/** The real bot over the fixture plans; `ask` returns what the user would read. */
export function harness(opts: { now?: string; plans?: Plans } = {}) {
  const log = silentLogger('debug');
  const now = new Date(opts.now ?? '2024-07-10T09:00:00+08:00');
  const bot = createBot({ plans: opts.plans ?? fixturePlans(), clock: { now: () => now }, log });
  async function ask(text: string): Promise<string> {
    const out: string[] = [];
    await bot.handle(msg(text), { reply: async (r) => void out.push(renderText(r)) });
    return out.join('\n\n');
  }
  /** The value of a "标签：值" line, or undefined. */
  function field(text: string, label: string): string | undefined {
    return text
      .split('\n')
      .find((l) => l.startsWith(`${label}：`))
      ?.slice(label.length + 1);
  }
  return { ask, field, log };
}
