import { defineCommand } from '../src/chat/command.js';
import { answerReply } from './lib/answer.js';

/** Question words, so "减税降费谁牵头？" asks 谁牵头 about "减税降费". */
const WHO = '(?:谁|哪个单位|哪个部门|哪家单位|哪些单位|哪些部门|哪家|什么单位|什么部门|哪个局)';
const DUTY = '(?:牵头|负责|主抓|主管|管|办理|办|落实|承办|抓)';
const LEAD_NOUN = '(?:牵头单位|牵头部门|责任单位|负责单位)';

export default defineCommand({
  name: '谁牵头',
  aliases: ['牵头', '谁负责', '牵头单位', '负责单位', 'lead'],
  args: [
    {
      name: '关键词|编号',
      description: '事项的关键词（可带地名缩小范围），或文件中的编号，如 三（二）1',
      required: true,
      rest: true,
    },
  ],
  description: '查询事项的牵头单位、责任单位、时限和出处',
  examples: ['/谁牵头 减税降费', '/谁牵头 三（二）1', '减税降费谁牵头？', 'IPv6改造归谁管', '牵头单位是谁：政府网站找错留言'],
  role: 'everyone',
  group: '查询',
  intents: [
    // "牵头单位是谁：X"
    { pattern: new RegExp(`^(?:请问)?${LEAD_NOUN}(?:是谁|是哪个|是哪家|是什么)?[:：,，\\s]+`, 'u'), priority: 2 },
    // "谁负责X", "由哪个单位牵头X"
    { pattern: new RegExp(`^(?:请问)?(?:是|由)?${WHO}(?:来)?${DUTY}(?:的)?(?=\\S)`, 'u'), priority: 1 },
    // "X，牵头单位是谁"
    { pattern: new RegExp(`[,，\\s]*(?:的)?${LEAD_NOUN}(?:是谁|是哪个|是哪家|是什么|有哪些)?$`, 'u'), priority: 1 },
    // "X谁牵头", "X归谁管", "X哪个单位负责", "X找哪个单位", "X，这事谁牵头"
    {
      pattern: new RegExp(
        `[,，\\s]*(?:这事|这件事|这项工作|这项任务|这个)?(?:是|由|归|该|找|要)?${WHO}(?:来)?${DUTY}?(?:的|呢|啊)?$`,
        'u',
      ),
      priority: 1,
    },
    // "X 牵头"
    { pattern: /\s+牵头$/u, priority: 1 },
    // Time questions are answered by the same lookup, whose reply carries 时限.
    {
      pattern: /(?:是)?(?:啥时候|什么时候|何时|几时|几月(?:底|份)?(?:前)?|几号(?:前)?|最迟|最晚|哪天|截止时间|截止日期|时限|时间节点|deadline|多久|多长时间|频率)/iu,
      priority: 0,
    },
  ],
  catchAll: true,
  async run(ctx) {
    // A question goes to the index whole: its own analysis reads "什么时候" as asking for a date.
    const asked = ctx.via === 'intent' || ctx.via === 'catch-all' ? ctx.message.text : ctx.args;
    const answers = ctx.plans.index.ask(asked, 3);
    ctx.log.info({ event: 'lookup', answers: answers.length, top: answers[0]?.taskId }, 'lookup');
    await ctx.reply(answerReply(ctx.args, answers, ctx.plans.ledger));
  },
});
