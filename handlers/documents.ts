import { defineCommand } from '../src/chat/command.js';

export default defineCommand({
  name: '文件',
  aliases: ['文档', '文件列表', 'docs'],
  args: [],
  description: '列出已载入的工作要点文件',
  examples: ['/文件', '载入了哪些文件'],
  role: 'everyone',
  group: '查询',
  intents: [{ pattern: /^(?:现在|目前|都)?(?:载入|加载|导入|有)了?(?:哪些|什么)(?:文件|文档|工作要点)$/u, priority: 3 }],
  async run(ctx) {
    const docs = ctx.plans.ledger.documents;
    if (!docs.length) {
      await ctx.reply({ title: '已载入的文件', tone: 'grey', blocks: [{ kind: 'text', text: '还没有载入任何工作要点文件。' }] });
      return;
    }
    const tasks = docs.reduce((n, d) => n + d.tasks.length, 0);
    await ctx.reply({
      title: '已载入的文件',
      tone: 'blue',
      blocks: [
        {
          kind: 'table',
          columns: ['文件', '发文机关', '文号', '日期', '任务数'],
          rows: docs.map((d) => [d.title, d.issuer || '—', d.docNumber || '—', d.issuedOn || '—', String(d.tasks.length)]),
        },
        { kind: 'note', text: `共 ${docs.length} 份文件，${tasks} 项任务。` },
      ],
    });
  },
});
