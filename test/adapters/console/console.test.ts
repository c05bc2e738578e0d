import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startConsole } from '../../../src/adapters/console/index.js';
import type { Bot, IncomingMessage } from '../../../src/chat/types.js';
import { silentLogger } from '../../../src/log.js';

/** A bot that answers "echo: <text>" and records what it was given. */
function echoBot(opts: { delays?: number[]; failOn?: string } = {}) {
  const seen: IncomingMessage[] = [];
  const bot: Bot = {
    async handle(message, out) {
      seen.push(message);
      const delay = opts.delays?.[seen.length - 1] ?? 0;
      if (delay) await new Promise((r) => setTimeout(r, delay));
      if (message.text === opts.failOn) throw new Error('boom');
      await out.reply({ title: '回显', blocks: [{ kind: 'text', text: `echo: ${message.text}` }] });
    },
  };
  return { bot, seen };
}

async function run(bot: Bot, input: string, tty = false) {
  const inp = new PassThrough();
  const out = new PassThrough();
  if (tty) Object.assign(inp, { isTTY: true }), Object.assign(out, { isTTY: true, columns: 80 });
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString('utf8')));
  const log = silentLogger();
  const done = startConsole({ bot, input: inp, output: out, log });
  inp.end(input);
  await done;
  return { text, log };
}

describe('startConsole', () => {
  it('answers each piped line as a p2p console message and resolves at EOF', async () => {
    const { bot, seen } = echoBot();
    const { text } = await run(bot, '减税降费谁牵头\n/帮助\n');
    expect(text).toBe('【回显】\necho: 减税降费谁牵头\n\n【回显】\necho: /帮助\n');
    expect(seen.map((m) => [m.platform, m.chatType, m.mentionsBot, m.tenant])).toEqual([
      ['console', 'p2p', false, 'local'],
      ['console', 'p2p', false, 'local'],
    ]);
    expect(new Set(seen.map((m) => m.messageId)).size).toBe(2);
  });

  it('handles the last line even without a trailing newline, and skips blank lines', async () => {
    const { bot, seen } = echoBot();
    await run(bot, '\n  \n第一\n\n第二');
    expect(seen.map((m) => m.text)).toEqual(['第一', '第二']);
  });

  it('answers lines in order even when an earlier answer takes longer', async () => {
    const { bot } = echoBot({ delays: [30, 0, 0] });
    const { text } = await run(bot, '一\n二\n三\n');
    expect(text.match(/echo: \S+/gu)).toEqual(['echo: 一', 'echo: 二', 'echo: 三']);
  });

  it('keeps going after a failing message, with an apology and an error log line', async () => {
    const { bot } = echoBot({ failOn: '坏' });
    const { text, log } = await run(bot, '坏\n好\n');
    expect(text).toContain('抱歉，处理这条消息时出错了');
    expect(text).toContain('echo: 好');
    expect(log.lines.filter((l) => l.event === 'console-error')).toHaveLength(1);
  });

  it('prints no prompt when piped, but prompts and stops at "exit" on a terminal', async () => {
    const piped = await run(echoBot().bot, '甲\n');
    expect(piped.text).not.toContain('督办>');
    const { bot, seen } = echoBot();
    const tty = await run(bot, '甲\nexit\n乙\n', true);
    expect(tty.text).toContain('督办> ');
    expect(tty.text).toContain('/帮助');
    expect(seen.map((m) => m.text)).toEqual(['甲']);
  });

  it('ends on Ctrl-C at a terminal instead of hanging', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    Object.assign(input, { isTTY: true, setRawMode: () => input });
    Object.assign(output, { isTTY: true, columns: 80 });
    output.resume();
    const { bot, seen } = echoBot();
    const done = startConsole({ bot, input, output, log: silentLogger() });
    input.write('甲\n');
    input.write('\x03');
    await done; // input never ends: only Ctrl-C can finish this
    expect(seen.map((m) => m.text)).toEqual(['甲']);
  });
});
