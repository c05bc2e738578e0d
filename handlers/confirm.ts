import { defineCommand } from '../src/chat/command.js';
import type { Context } from '../src/chat/context.js';
import type { Block } from '../src/chat/types.js';
import { parseDecisionArgs, unitWord } from '../src/progress/args.js';
import { decidedCard } from '../src/progress/card.js';
import { actorOf, needsRedis, taskNotFound } from '../src/progress/replies.js';
import { decide } from '../src/progress/report.js';
import { findTask, taskById, taskLabel, type TaskHit } from '../src/progress/resolve-task.js';
import { TASK_STATE_LABEL } from '../src/progress/types.js';

/**
 * /办结 and /退回: a supervisor closes a unit's task (办结销号) or returns it
 * with a reason. Sent as a reply to the confirmation card they need no task
 * or unit: "/退回 请补充佐证材料".
 */

async function target(ctx: Context, kind: 'confirm' | 'return'): Promise<{ hit: TaskHit; unit?: string; rest: string } | undefined> {
  const svc = ctx.progress!;
  const parent = ctx.message.parentId ? await svc.cardRefs.lookup(ctx.message.parentId) : undefined;
  const fromCard = parent ? taskById(ctx.plans, parent.taskId) : undefined;
  if (fromCard) {
    // On the card, everything typed is the reason (退回) or, at most, the unit (办结).
    if (kind === 'return') return { hit: fromCard, unit: parent!.unit, rest: ctx.args };
    return { hit: fromCard, unit: ctx.args && unitWord(ctx.plans, ctx.args) ? ctx.args : parent!.unit, rest: '' };
  }
  const name = kind === 'confirm' ? '办结' : '退回';
  if (!ctx.args) {
    ctx.log.warn({ event: 'bad-input', reason: 'missing-task', command: name }, 'no task named');
    await ctx.reply({
      tone: 'orange',
      blocks: [
        { kind: 'text', text: `请写明任务和单位，或直接回复督办群里的确认卡片。` },
        { kind: 'fields', items: [{ label: '用法', value: kind === 'confirm' ? '/办结 <任务> <单位>' : '/退回 <任务> <单位> <原因>' }] },
      ],
    });
    return undefined;
  }
  const a = parseDecisionArgs(ctx.plans, ctx.args);
  const r = findTask(ctx.plans, a.task, a.unit ? { unit: a.unit } : {});
  if (r.kind !== 'found') {
    ctx.log.info({ event: 'bad-input', reason: r.kind === 'none' ? 'unknown-task' : 'ambiguous-task', command: name }, 'task not resolved');
    await ctx.reply(taskNotFound(name, a.task, r));
    return undefined;
  }
  return { hit: r.hit, ...(a.unit ? { unit: a.unit } : {}), rest: a.rest };
}

async function run(ctx: Context, kind: 'confirm' | 'return'): Promise<void> {
  const svc = ctx.progress;
  if (!svc) return needsRedis(ctx);
  const t = await target(ctx, kind);
  if (!t) return;
  const result = await decide(svc, ctx.plans, {
    actor: actorOf(ctx.message),
    hit: t.hit,
    ...(t.unit ? { unit: t.unit } : {}),
    kind,
    note: kind === 'return' ? t.rest : '',
    at: ctx.clock.now(),
  });
  if (!result.ok) {
    ctx.log.warn({ event: 'bad-input', reason: `${kind}-${result.reason}`, taskId: t.hit.task.id }, 'decision refused');
    return ctx.reply({ title: '未记录', tone: result.reason === 'not-supervisor' ? 'red' : 'orange', blocks: [{ kind: 'text', text: result.text }] });
  }
  ctx.log.info({ event: `progress.${kind}`, taskId: t.hit.task.id, unit: result.unit, eventId: result.event.id }, 'decision recorded');
  const items = [
    { label: '责任单位', value: result.unit },
    { label: '任务', value: taskLabel(t.hit.task) },
  ];
  const blocks: Block[] = [{ kind: 'fields', items }];
  const was = result.before?.state ?? 'not-started';
  if (kind === 'confirm') {
    items.push({ label: '结果', value: '已办结销号，不再提醒' });
    if (was !== 'pending-confirm') blocks.push({ kind: 'note', text: `该单位尚未报告完成（原状态：${TASK_STATE_LABEL[was]}），已直接办结。` });
  } else {
    items.push({ label: '退回原因', value: result.event.note }, { label: '当前状态', value: TASK_STATE_LABEL['in-progress'] });
    blocks.push({
      kind: 'note',
      text: svc.notifier ? '已通知该单位工作群（如已绑定）；提醒照常发送，直至办结。' : '未接入飞书，没有通知该单位工作群；接入飞书后，退回的任务照常提醒，直至办结。',
    });
  }
  await ctx.reply({ title: kind === 'confirm' ? '已办结销号' : '已退回', tone: kind === 'confirm' ? 'green' : 'orange', blocks });

  const parentId = ctx.message.parentId;
  const notifier = svc.notifier;
  if (parentId && notifier && (await svc.cardRefs.lookup(parentId))) {
    svc.background.run('card-update', () => notifier.updateCard(parentId, decidedCard(t.hit, result.unit, result.event)));
  }
}

export default defineCommand({
  name: '办结',
  aliases: ['办结销号', '销号', '确认办结'],
  args: [
    { name: '任务', description: '编号或关键词；回复确认卡片时可省略', required: false },
    { name: '单位', description: '责任单位；任务只有一个责任单位或只有一个待确认时可省略', required: false },
  ],
  description: '确认单位报告的完成情况，办结销号',
  examples: ['/办结 三（二）1 县财政局'],
  role: 'supervisor',
  group: '进展',
  run: (ctx) => run(ctx, 'confirm'),
});

export const returnTask = defineCommand({
  name: '退回',
  aliases: ['退回任务', '驳回'],
  args: [
    { name: '任务', description: '编号或关键词；回复确认卡片时可省略', required: false },
    { name: '单位', description: '责任单位；只有一个时可省略', required: false },
    { name: '原因', description: '退回原因，会发给该单位', required: true, rest: true },
  ],
  description: '退回单位的完成报告并说明原因',
  examples: ['/退回 三（二）1 县财政局 请补充佐证材料'],
  role: 'supervisor',
  group: '进展',
  run: (ctx) => run(ctx, 'return'),
});
