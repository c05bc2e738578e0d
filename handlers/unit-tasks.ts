import { shanghaiDate } from '../src/calendar/shanghai.js';
import { defineCommand } from '../src/chat/command.js';
import { tasksForUnit } from '../src/ledger/queries.js';
import { unitTasksReply } from './lib/unit-reply.js';

export default defineCommand({
  name: '任务',
  aliases: ['单位任务', '查任务', 'tasks'],
  args: [{ name: '单位', description: '单位名称或简称，如 县发改局、发改局', required: true, rest: true }],
  description: '列出某个单位牵头和参与的任务，按时限排序',
  examples: ['/任务 县财政局', '/任务 发改局', '县财政局有哪些任务'],
  role: 'everyone',
  group: '查询',
  intents: [
    // "县财政局有哪些任务", "发改局负责什么工作"
    {
      pattern: /^(?:请问)?(?<arg>.+?)(?:都|一共|总共)?(?:有|负责|牵头|承担|要做)(?:哪些|什么|多少|几项)(?:任务|工作|事项|事情)(?:呢)?$/u,
      priority: 2,
    },
    // "县财政局的任务"
    { pattern: /^(?:请问)?(?<arg>.+?)的(?:全部)?(?:任务|工作任务)(?:有哪些|是什么|清单|列表)?$/u, priority: 2 },
  ],
  async run(ctx) {
    const result = tasksForUnit(ctx.plans.ledger, ctx.plans.units, ctx.args, { today: shanghaiDate(ctx.clock.now()) });
    if (result.unit === undefined) {
      ctx.log.info({ event: 'bad-input', reason: 'unknown-unit', suggestions: result.suggestions.length }, 'unit not found');
    }
    await ctx.reply(unitTasksReply(ctx.args, result));
  },
});
