import { describe, expect, it } from 'vitest';
import type { Reply } from '../../src/chat/types.js';
import { silentLogger } from '../../src/log.js';
import { cardRefOf, createCardRefs, withCardRefs } from '../../src/progress/card-refs.js';
import { progressButtons, supervisorButtons } from '../../src/progress/card.js';
import { useTestRedis } from '../support/redis.js';

const t = useTestRedis('card-refs');
const withButtons: Reply = { title: '截止提醒', blocks: [{ kind: 'text', text: 'x' }, progressButtons('p#1', '县财政局')] };

describe('card references', () => {
  it('reads the task and unit off progress and supervisor buttons only', () => {
    expect(cardRefOf(withButtons)).toEqual({ taskId: 'p#1', unit: '县财政局' });
    expect(cardRefOf({ blocks: [supervisorButtons('p#2', '县税务局')] })).toEqual({ taskId: 'p#2', unit: '县税务局' });
    expect(cardRefOf({ blocks: [{ kind: 'actions', buttons: [{ label: '打开', value: { action: 'open', url: 'x' } }] }] })).toBeUndefined();
    expect(cardRefOf({ blocks: [{ kind: 'text', text: '没有按钮' }] })).toBeUndefined();
  });

  it('remembers every message a wrapped send produced for a card with buttons, and nothing else', async () => {
    const refs = createCardRefs(t.redis, { prefix: t.prefix });
    let n = 0;
    const send = withCardRefs(async (_chat: string, _reply: Reply, _uuid: string) => [{ messageId: `om_${++n}` }, { messageId: `om_${++n}` }], refs);
    await send('oc_a', withButtons, 'u1');
    await send('oc_a', { blocks: [{ kind: 'text', text: '普通消息' }] }, 'u2');
    expect(await refs.lookup('om_1')).toEqual({ taskId: 'p#1', unit: '县财政局' });
    expect(await refs.lookup('om_2')).toEqual({ taskId: 'p#1', unit: '县财政局' });
    expect(await refs.lookup('om_3')).toBeUndefined();
  });

  it('a send still succeeds when the reference cannot be stored', async () => {
    const broken = await t.connect();
    await broken.quit();
    const log = silentLogger();
    const send = withCardRefs(async () => [{ messageId: 'om_x' }], createCardRefs(broken, { prefix: t.prefix }), log);
    await expect(send('oc_a', withButtons)).resolves.toEqual([{ messageId: 'om_x' }]);
    expect(log.lines.some((l) => l.event === 'cardref.not_stored')).toBe(true);
  });
});
