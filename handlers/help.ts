import { defineCommand } from '../src/chat/command.js';
import { helpDetail, helpSummary } from '../src/chat/help.js';
import { nearestCommand } from '../src/chat/suggest.js';

export default defineCommand({
  name: '帮助',
  aliases: ['help', '说明', '菜单'],
  args: [{ name: '命令', description: '查看某个命令的用法和示例', required: false }],
  description: '查看可用的命令；加命令名查看用法和示例',
  examples: ['/帮助', '/帮助 谁牵头'],
  role: 'everyone',
  group: '其他',
  intents: [{ pattern: /^(?:你能做什么|你会什么|怎么用|如何使用|使用说明)$/u, priority: 3 }],
  onEmpty: true,
  async run(ctx) {
    const wanted = ctx.args.replace(/^[/／]/u, '').trim().toLowerCase();
    if (!wanted) return ctx.reply(helpSummary(ctx.commands, ctx.role));
    const command = ctx.commands.find((c) => [c.name, ...c.aliases].some((k) => k.toLowerCase() === wanted));
    if (command) return ctx.reply(helpDetail(command, (await command.localExamples?.(ctx)) ?? []));
    const guess = nearestCommand(wanted, ctx.commands);
    ctx.log.warn({ event: 'bad-input', reason: 'unknown-help-topic', suggestion: guess?.name }, 'unknown help topic');
    return ctx.reply({
      tone: 'orange',
      blocks: [
        { kind: 'text', text: `没有“/${wanted}”这个命令。${guess ? `您要找的是不是 /${guess.name}？` : ''}` },
        { kind: 'note', text: '发送 /帮助 查看全部命令。' },
      ],
    });
  },
});
