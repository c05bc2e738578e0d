import { defineCommand } from '../src/chat/command.js';
import type { Context } from '../src/chat/context.js';
import type { Block, Reply } from '../src/chat/types.js';
import { parseReportArgs, splitTaskAndUnit, strayWords, unitWord, type ReportArgs } from '../src/progress/args.js';
import { progressCard, STATE_TONE, whenText } from '../src/progress/card.js';
import { actorOf, needsRedis, taskNotFound } from '../src/progress/replies.js';
import { submitReport } from '../src/progress/report.js';
import { acceptedStatusLines } from '../src/progress/status-words.js';
import { tasksForUnit } from '../src/ledger/queries.js';
import { findTask, taskById, taskLabel, taskUnits, unitInTask, type TaskHit } from '../src/progress/resolve-task.js';
import { deriveState } from '../src/progress/state.js';
import { progressKey, REPORT_STATUS_LABEL, TASK_STATE_LABEL, type ProgressEvent, type TaskProgress } from '../src/progress/types.js';

const HISTORY_ROWS = 10;
const USAGE = '/进展 <任务> [单位] <已完成|推进中|有困难|未启动> [说明]';

function eventWhat(e: ProgressEvent): string {
  if (e.kind === 'confirm') return '办结销号';
  if (e.kind === 'return') return '退回';
  return e.status ? REPORT_STATUS_LABEL[e.status] : '报告';
}

function historyReply(hit: TaskHit, events: ProgressEvent[], onlyUnit?: string): Reply {
  const label = taskLabel(hit.task);
  const state = deriveState(events);
  const units = onlyUnit ? [onlyUnit] : taskUnits(hit.task);
  const lines = units.map((u) => {
    const p = state.get(progressKey(hit.task.id, u));
    if (!p) return `${u}：未报告`;
    return `${u}：${TASK_STATE_LABEL[p.state]}（${whenText(p.updatedAt)}${p.note ? `，${p.note}` : ''}）`;
  });
  const blocks: Block[] = [{ kind: 'list', items: lines }];
  if (events.length === 0) {
    blocks.push({ kind: 'note', text: `尚无进展记录。报告进展：/进展 ${hit.task.path.join('')} 推进中 说明` });
  } else {
    const shown = events.slice(-HISTORY_ROWS);
    blocks.push({
      kind: 'table',
      columns: ['时间', '单位', '事项', '说明', '操作人'],
      rows: shown.map((e) => [whenText(e.at), e.unit, eventWhat(e), e.note, e.byName || (e.by === 'console' ? '本机管理员' : e.by)]),
    });
    if (events.length > shown.length) blocks.push({ kind: 'note', text: `共 ${events.length} 条记录，显示最近 ${shown.length} 条。` });
  }
  return { title: `进展记录：${label}`, tone: 'blue', blocks };
}

/** A status nobody declared ("好了吗"): say which words work and record nothing. */
async function unknownStatus(ctx: Context, word: string): Promise<void> {
  ctx.log.warn({ event: 'bad-input', reason: 'unknown-status', command: '进展' }, 'status word not recognised');
  await ctx.reply({
    title: '状态无法识别',
    tone: 'orange',
    blocks: [
      { kind: 'text', text: `状态“${word}”无法识别，本次没有记录。可用的状态：` },
      { kind: 'list', items: acceptedStatusLines() },
      { kind: 'fields', items: [{ label: '用法', value: USAGE }, { label: '例如', value: '/进展 三（二）1 推进中 已完成初稿' }] },
      { kind: 'note', text: '只写任务（不写状态）则查看该任务的进展记录。' },
    ],
  });
}

async function resolveTarget(ctx: Context, a: ReportArgs): Promise<{ hit: TaskHit; unit?: string } | undefined> {
  const svc = ctx.progress!;
  const parent = ctx.message.parentId ? await svc.cardRefs.lookup(ctx.message.parentId) : undefined;
  const fromCard = parent ? taskById(ctx.plans, parent.taskId) : undefined;
  if (!a.status) {
    const stray = strayWords(ctx.plans, a.before, fromCard !== undefined);
    if (stray) {
      await unknownStatus(ctx, stray);
      return undefined;
    }
  }
  const before = a.before;
  if (fromCard && (!before || unitWord(ctx.plans, before))) return { hit: fromCard, unit: before || parent!.unit };
  if (!before) {
    ctx.log.warn({ event: 'bad-input', reason: 'missing-task', command: '进展' }, 'no task named');
    await ctx.reply({
      tone: 'orange',
      blocks: [
        { kind: 'text', text: '请写明任务：编号（如 三（二）1）或关键词；也可以直接回复提醒卡片。' },
        { kind: 'fields', items: [{ label: '用法', value: USAGE }, { label: '例如', value: '/进展 三（二）1 推进中 已完成初稿' }] },
      ],
    });
    return undefined;
  }
  const { task, unit } = splitTaskAndUnit(ctx.plans, before);
  // The group's unit decides what "一（二）" means here, whoever asks (permission is checked later).
  const groupUnit = (await svc.bindings.get(ctx.message.tenant, ctx.message.chatId))?.unit;
  const narrow = unit ?? groupUnit;
  const r = findTask(ctx.plans, task, narrow ? { unit: narrow } : {});
  if (r.kind !== 'found') {
    ctx.log.info({ event: 'bad-input', reason: r.kind === 'none' ? 'unknown-task' : 'ambiguous-task', candidates: r.kind === 'ambiguous' ? r.candidates.length : 0 }, 'task not resolved');
    await ctx.reply(taskNotFound('进展', task, r));
    return undefined;
  }
  return { hit: r.hit, ...(unit ? { unit } : {}) };
}

/** In a bound group, examples built from the unit's own tasks, each checked to resolve here. */
async function boundExamples(ctx: Context): Promise<string[]> {
  const unit = ctx.progress ? (await ctx.progress.bindings.get(ctx.message.tenant, ctx.message.chatId).catch(() => undefined))?.unit : undefined;
  if (!unit) return [];
  const mine = tasksForUnit(ctx.plans.ledger, ctx.plans.units, unit);
  if (!mine.unit) return [];
  for (const ref of [...mine.lead, ...mine.co]) {
    const path = ref.path.join('');
    const r = findTask(ctx.plans, path, { unit });
    if (r.kind !== 'found' || r.hit.task.id !== ref.taskId) continue;
    return [`/进展 ${path} 推进中 已完成初稿`, `/进展 ${path} 已完成 已按要求公开`, `/进展 ${path}`];
  }
  return [];
}

export default defineCommand({
  name: '进展',
  aliases: ['报告进展', '汇报进展', '进度'],
  args: [
    { name: '任务', description: '编号（如 三（二）1）或关键词；回复提醒卡片时可省略', required: false },
    { name: '单位', description: '任务有多个责任单位时写明为哪个单位报告（管理员代报时用）；在本单位工作群中可省略', required: false },
    { name: '状态', description: '已完成、推进中、有困难或未启动（也认“完成了”“办完了”“正在办”等说法，见回复中的列表）；省略则查看该任务的进展记录', required: false },
    { name: '说明', description: '补充说明，如完成情况、困难和需要的支持', required: false, rest: true },
  ],
  description: '报告任务进展（本单位工作群成员）；只写任务则查看进展记录',
  examples: ['/进展 三（二）1 推进中 已完成初稿', '/进展 网站集约化 已完成 已上线运行', '/进展 一（二） 县发改局 推进中', '/进展 三（二）1'],
  role: 'everyone',
  group: '进展',
  localExamples: boundExamples,
  async run(ctx) {
    const svc = ctx.progress;
    if (!svc) return needsRedis(ctx);
    const a = parseReportArgs(ctx.args);
    const target = await resolveTarget(ctx, a);
    if (!target) return;
    const { hit } = target;

    if (!a.status) {
      const only = target.unit ? unitInTask(hit.task, target.unit, ctx.plans.units) : undefined;
      const events = await svc.store.history(ctx.message.tenant, hit.task.id, only);
      ctx.log.info({ event: 'progress.history', taskId: hit.task.id, events: events.length }, 'history shown');
      return ctx.reply(historyReply(hit, events, only));
    }

    const result = await submitReport(svc, ctx.plans, {
      actor: actorOf(ctx.message),
      hit,
      ...(target.unit ? { unit: target.unit } : {}),
      status: a.status,
      note: a.note,
      at: ctx.clock.now(),
    });
    if (!result.ok) {
      ctx.log.warn({ event: 'bad-input', reason: `report-${result.reason}`, taskId: hit.task.id }, 'report refused');
      return ctx.reply({ title: '未记录', tone: 'red', blocks: [{ kind: 'text', text: result.text }] });
    }
    ctx.log.info({ event: 'progress.reported', taskId: hit.task.id, unit: result.unit, status: a.status, eventId: result.event.id }, 'progress reported');
    const p = result.progress as TaskProgress;
    const items = [
      { label: '责任单位', value: result.unit },
      { label: '任务', value: taskLabel(hit.task) },
      { label: '当前状态', value: TASK_STATE_LABEL[p.state] },
    ];
    if (a.note) items.push({ label: '说明', value: a.note });
    const blocks: Block[] = [{ kind: 'fields', items }];
    if (result.before?.state === 'closed') {
      blocks.push({ kind: 'note', text: '该任务已办结销号，本次报告已记入进展记录，状态仍为“已办结”。' });
    } else if (a.status === 'done') {
      blocks.push({
        kind: 'note',
        text: svc.supervisorChatId && svc.notifier ? '已提交督办群确认；确认办结后不再提醒。' : '等待督办员确认办结（/办结）；确认后不再提醒。',
      });
    }
    await ctx.reply({ title: `已记录：${REPORT_STATUS_LABEL[a.status]}`, tone: STATE_TONE[p.state], blocks });

    // A reply to a progress card: that card shows the new state too.
    const parentId = ctx.message.parentId;
    const notifier = svc.notifier;
    if (parentId && notifier && (await svc.cardRefs.lookup(parentId))) {
      svc.background.run('card-update', () => notifier.updateCard(parentId, progressCard(hit, result.unit, p)));
    }
  },
});
