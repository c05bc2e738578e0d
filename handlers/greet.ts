import { defineCommand } from '../src/chat/command.js';

/** "你好": a greeting back, what the bot is for, and where the commands are. */
export default defineCommand({
  name: '你好',
  aliases: ['您好', '你好呀', '在吗', 'hi', 'hello'],
  args: [],
  description: '打个招呼，看看督办能做什么',
  examples: ['你好'],
  role: 'everyone',
  group: '其他',
  async run(ctx) {
    ctx.log.info({ event: 'greeting' }, 'greeted');
    await ctx.reply({
      title: '您好，我是督办',
      tone: 'blue',
      blocks: [
        { kind: 'text', text: '我可以查工作要点里某项任务由谁牵头、某个单位有哪些任务、近期有哪些任务到期，也收集各单位的进展、给督查室出周报。' },
        { kind: 'list', items: ['减税降费谁牵头', '县财政局有哪些任务', '这个月有什么到期'] },
        { kind: 'note', text: '可以直接这样问；发送 /帮助 查看全部命令。' },
      ],
    });
  },
});
