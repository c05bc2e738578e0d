import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/adapters/console/render.js';
import { createBot } from '../../src/chat/bot.js';
import { defineCommand, type Command } from '../../src/chat/command.js';
import type { Context } from '../../src/chat/context.js';
import { MAX_INPUT_CHARS } from '../../src/chat/route.js';
import type { IncomingMessage, Reply, Role } from '../../src/chat/types.js';
import { silentLogger } from '../../src/log.js';
import { fixturePlans, msg } from './fixtures.js';

const clock = { now: () => new Date('2024-07-10T09:00:00+08:00') };

function harness(opts: { roleOf?: (m: IncomingMessage) => Promise<Role>; commands?: readonly Command[] } = {}) {
  const log = silentLogger('debug');
  const bot = createBot({ plans: fixturePlans(), clock, log, ...opts });
  const replies: Reply[] = [];
  const send = async (m: IncomingMessage) => {
    replies.length = 0;
    await bot.handle(m, { reply: async (r) => void replies.push(r) });
    return replies.map(renderText).join('\n\n');
  };
  const badInputs = () => log.lines.filter((l) => l.event === 'bad-input');
  return { bot, log, send, replies, badInputs };
}

/** A command that records what it was given, to see exactly when handlers run. */
function recorder(name: string, role: Role, required = true) {
  const calls: Context[] = [];
  const command = defineCommand({
    name,
    aliases: [],
    args: [{ name: '参数', description: '参数', required }],
    description: name,
    examples: [`/${name} 示例`],
    role,
    group: '测试',
    run(ctx) {
      calls.push(ctx);
      return ctx.reply(`ok ${ctx.args}`);
    },
  });
  return { command, calls };
}

describe('createBot: the seam', () => {
  it('answers a natural question in a one-to-one chat', async () => {
    const { send } = harness();
    const out = await send(msg('减税降费谁牵头？'));
    expect(out).toContain('牵头单位：');
  });

  it('stays silent in a group when not mentioned, and logs that at debug', async () => {
    const { send, replies, log } = harness();
    expect(await send(msg('减税降费谁牵头？', { chatType: 'group' }))).toBe('');
    expect(replies).toHaveLength(0);
    expect(log.lines.filter((l) => l.event === 'ignored')).toEqual([
      expect.objectContaining({ level: 20, reason: 'group-not-addressed' }),
    ]);
  });

  it('answers in a group when mentioned', async () => {
    const { send } = harness();
    const out = await send(msg('谁牵头 减税降费', { chatType: 'group', mentionsBot: true }));
    expect(out).toContain('牵头单位：');
  });

  it('turns a string reply into a text block', async () => {
    const probe = recorder('探针', 'everyone');
    const { send, replies } = harness({ commands: [probe.command] });
    await send(msg('/探针 甲'));
    expect(replies).toEqual([{ blocks: [{ kind: 'text', text: 'ok 甲' }] }]);
    expect(probe.calls[0]!.args).toBe('甲');
  });
});

describe('createBot: bad input gets a clear reply and exactly one structured log line', () => {
  it('unknown command: suggests the nearest and points to /帮助', async () => {
    const { send, badInputs } = harness();
    const out = await send(msg('/谁签头 减税降费'));
    expect(out).toContain('您要找的是不是 /谁牵头？');
    expect(out).toContain('/帮助');
    expect(badInputs()).toEqual([expect.objectContaining({ reason: 'unknown-command', word: '谁签头', suggestion: '谁牵头' })]);
  });

  it('unknown command with nothing close: no guess, still the help pointer', async () => {
    const { send } = harness();
    const out = await send(msg('/天气预报'));
    expect(out).not.toContain('您要找的是不是');
    expect(out).toContain('发送 /帮助 查看全部命令');
  });

  it('missing argument: usage with the declared example, handler not run', async () => {
    const probe = recorder('探针', 'everyone');
    const { send, badInputs } = harness({ commands: [probe.command] });
    const out = await send(msg('/探针'));
    expect(out).toContain('用法：/探针 <参数>');
    expect(out).toContain('例如：/探针 示例');
    expect(probe.calls).toHaveLength(0);
    expect(badInputs()).toEqual([expect.objectContaining({ reason: 'missing-arg', command: '探针' })]);
  });

  it('missing argument of a real command uses its first example', async () => {
    const { send } = harness();
    const out = await send(msg('谁牵头？'));
    expect(out).toContain('用法：/谁牵头 <关键词|编号>');
    expect(out).toMatch(/例如：\/谁牵头 \S+/u);
  });

  it('role too weak: refusal naming the needed role; the handler never runs', async () => {
    const probe = recorder('绑定', 'supervisor');
    const { send, badInputs } = harness({ commands: [probe.command], roleOf: async () => 'member' });
    const out = await send(msg('/绑定 县财政局'));
    expect(out).toContain('需要督办员权限');
    expect(out).toContain('成员单位');
    expect(probe.calls).toHaveLength(0);
    expect(badInputs()).toEqual([expect.objectContaining({ reason: 'forbidden', command: '绑定', role: 'member', need: 'supervisor' })]);
  });

  it('a strong enough role runs the command and the handler sees the role', async () => {
    const probe = recorder('绑定', 'supervisor');
    const { send } = harness({ commands: [probe.command], roleOf: async () => 'admin' });
    expect(await send(msg('/绑定 县财政局'))).toBe('ok 县财政局');
    expect(probe.calls[0]!.role).toBe('admin');
  });

  it('without roleOf, the local console user is admin and remote senders are everyone', async () => {
    const probe = recorder('绑定', 'admin');
    const { send } = harness({ commands: [probe.command] });
    expect(await send(msg('/绑定 甲', { platform: 'console' }))).toBe('ok 甲');
    expect(await send(msg('/绑定 甲', { platform: 'lark' }))).toContain('需要管理员权限');
  });

  it('oversized input: polite refusal with the limit, nothing run', async () => {
    const probe = recorder('探针', 'everyone');
    const { send, badInputs } = harness({ commands: [probe.command] });
    const out = await send(msg('/探针 ' + '字'.repeat(MAX_INPUT_CHARS)));
    expect(out).toContain(`超过了 ${MAX_INPUT_CHARS} 字的上限`);
    expect(probe.calls).toHaveLength(0);
    expect(badInputs()).toEqual([expect.objectContaining({ reason: 'too-long', length: MAX_INPUT_CHARS + 4 })]);
  });

  it('a failing handler: an apology to the user, the error logged, the bot keeps working', async () => {
    const boom = defineCommand({
      name: '炸', aliases: [], args: [], description: '', examples: [], role: 'everyone', group: '测试',
      run() {
        throw new Error('kaboom');
      },
    });
    const probe = recorder('探针', 'everyone');
    const { send, log } = harness({ commands: [boom, probe.command] });
    expect(await send(msg('/炸'))).toContain('出错了');
    expect(log.lines.filter((l) => l.event === 'handler-error')).toHaveLength(1);
    expect(await send(msg('/探针 乙'))).toBe('ok 乙');
  });

  it('logs the user\'s words only in shortened form', async () => {
    const { send, badInputs } = harness();
    await send(msg('/' + '甲'.repeat(50)));
    const word = String(badInputs()[0]!.word);
    expect([...word].length).toBeLessThanOrEqual(21);
  });
});
