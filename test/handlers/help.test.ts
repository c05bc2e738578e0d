import { describe, expect, it } from 'vitest';
import { commands } from '../../handlers/index.js';
import { harness } from './harness.js';

describe('帮助', () => {
  it('lists every installed command', async () => {
    const { ask } = harness();
    const out = await ask('/帮助');
    for (const c of commands) expect(out).toContain(`• /${c.name}`);
  });

  it('explains one command, by name or alias, with or without the slash', async () => {
    const { ask } = harness();
    for (const q of ['/帮助 谁牵头', '/帮助 /谁负责', 'help 谁牵头']) {
      const out = await ask(q);
      expect(out.split('\n')[0]).toBe('【/谁牵头】');
      expect(out).toContain('• /谁牵头 减税降费');
    }
  });

  it('suggests the nearest command for a mistyped topic', async () => {
    const { ask, log } = harness();
    const out = await ask('/帮助 谁签头');
    expect(out).toContain('您要找的是不是 /谁牵头？');
    expect(log.lines.filter((l) => l.event === 'bad-input')).toHaveLength(1);
  });

  it('every declared example routes to its own command', async () => {
    const { route } = await import('../../src/chat/route.js');
    const { msg } = await import('../chat/fixtures.js');
    for (const c of commands) {
      for (const example of c.examples) {
        const r = route(msg(example), commands);
        expect(r.kind === 'command' && r.command.name, example).toBe(c.name);
      }
    }
  });
});
