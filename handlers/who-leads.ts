import { defineCommand } from '../src/chat/command.js';
import type { Context } from '../src/chat/context.js';
import type { Reply } from '../src/chat/types.js';
import { progressButtons } from '../src/progress/card.js';
import { taskById, unitInTask } from '../src/progress/resolve-task.js';
import type { Answer } from '../src/search/types.js';
import { answerReply } from './lib/answer.js';

/** Question words, so "减税降费谁牵头？" asks 谁牵头 about "减税降费". */
const WHO = '(?:谁|哪个单位|哪个部门|哪家单位|哪些单位|哪些部门|哪家|什么单位|什么部门|哪个局)';
const DUTY = '(?:牵头|负责|主抓|主管|管|办理|办|落实|承办|抓)';
const LEAD_NOUN = '(?:牵头单位|牵头部门|责任单位|负责单位)';

/**
 * Asked in a group bound to a unit that the answered item makes responsible
 * (lead, clause lead or co-unit): the answer also offers that unit's progress
 * buttons, right under the answer (before any runners-up). Clicks are checked
 * like any progress button; without a binding or a progress log the answer is
 * as before.
 */
async function withProgressButtons(ctx: Context, reply: Reply, best: Answer | undefined): Promise<Reply> {
  const svc = ctx.progress;
  // The console stands for whatever group it is bound as (as for roles), so its buttons can be pressed there too.
  if (!best || !svc || (ctx.message.chatType !== 'group' && ctx.message.platform !== 'console')) return reply;
  const bound = await svc.bindings.get(ctx.message.tenant, ctx.message.chatId).catch((err: unknown) => {
    ctx.log.warn({ event: 'lookup.binding_unavailable', err: err }, 'binding not readable; answering without buttons');
    return undefined;
  });
  if (!bound) return reply;
  const hit = taskById(ctx.plans, best.taskId);
  const unit = hit ? unitInTask(hit.task, bound.unit, ctx.plans.units) : undefined;
  if (!hit || !unit) return reply;
  ctx.log.info({ event: 'lookup.progress_buttons', taskId: hit.task.id, unit }, 'answer offers progress buttons');
  const blocks = [...reply.blocks];
  const at = blocks.findIndex((b) => b.kind === 'divider');
  blocks.splice(at < 0 ? blocks.length : at, 0, { kind: 'text', text: `${unit}报告本项工作进展：` }, progressButtons(hit.task.id, unit));
  return { ...reply, blocks };
}

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
    await ctx.reply(await withProgressButtons(ctx, answerReply(ctx.args, answers, ctx.plans.ledger), answers[0]));
  },
});
