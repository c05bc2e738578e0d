import { shanghaiDate } from '../src/calendar/shanghai.js';
import { defineCommand } from '../src/chat/command.js';
import { dueBetween } from '../src/ledger/queries.js';
import { dueReply } from './lib/due-reply.js';
import { parseWindow } from './lib/window.js';

/** Time windows people name; kept as one pattern so the intents below stay readable. */
const WINDOW =
  '(?:本月|这个月|这月|当月|下个?月|下一个月|本周|这周|下周|今年|\\d{4}年\\d{1,2}月|\\d{1,2}月份?|[一二三四五六七八九十]{1,3}月份?|(?:未来|近|最近)?\\d{1,3}天)';

export default defineCommand({
  name: '截止',
  aliases: ['到期', '截止日期', 'due'],
  args: [
    {
      name: '时间范围',
      description: '本月（默认）、下月、本周、下周、7月、2022年7月、30天、今年',
      required: false,
    },
  ],
  description: '列出某段时间内到期的任务',
  examples: ['/截止', '/截止 下月', '/截止 7月', '/截止 30天', '这个月有什么到期'],
  role: 'everyone',
  group: '查询',
  intents: [
    // "这个月有什么到期", "7月有哪些任务要截止", "30天内到期的任务"
    {
      pattern: new RegExp(
        `^(?:请问)?(?<arg>${WINDOW})(?:内|以内)?(?:都)?(?:有(?:什么|哪些|啥|几项|多少)?)?(?:任务|事项|工作|事)?(?:要|将|快|会)?(?:到期|截止)(?:的)?(?:任务|事项|工作)?(?:有哪些|是什么)?$`,
        'u',
      ),
      priority: 3,
    },
    // "到期的任务有哪些", "有什么快到期的": no window named, so the default one
    {
      pattern: /^(?:最近|近期)?(?:有)?(?:哪些|什么)?(?:任务|事项|工作)?(?:快要|快|即将|要)?(?:到期|截止)(?:了)?(?:的)?(?:任务|事项|工作)?(?:有哪些|是什么|有什么)?$/u,
      priority: 3,
    },
    // "哪些任务这个月到期"
    {
      pattern: new RegExp(`^(?:有)?(?:哪些|什么)(?:任务|事项|工作)?(?:在)?(?<arg>${WINDOW})(?:内|以内)?(?:要|将|会)?(?:到期|截止)$`, 'u'),
      priority: 3,
    },
  ],
  async run(ctx) {
    const today = shanghaiDate(ctx.clock.now());
    const window = parseWindow(ctx.args, today);
    if (!window) {
      ctx.log.warn({ event: 'bad-input', reason: 'bad-window' }, 'unrecognised time window');
      await ctx.reply({
        tone: 'orange',
        blocks: [
          { kind: 'text', text: `看不懂时间范围“${ctx.args}”。` },
          { kind: 'fields', items: [{ label: '可以用', value: '本月、下月、本周、下周、7月、2022年7月、30天、今年' }, { label: '例如', value: '/截止 下月' }] },
        ],
      });
      return;
    }
    const items = dueBetween(ctx.plans.ledger, window.from, window.to);
    await ctx.reply(dueReply(window, items, ctx.plans.ledger));
  },
});
