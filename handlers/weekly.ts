import { defineCommand } from '../src/chat/command.js';
import type { Context } from '../src/chat/context.js';
import { roleAtLeast } from '../src/chat/roles.js';
import type { Reply } from '../src/chat/types.js';
import { weeklyChartSpec } from '../src/summary/chart.js';
import { gatherSummary } from '../src/summary/gather.js';
import { unitDetailReply, weeklyReply } from '../src/summary/render.js';
import { decideScope } from '../src/summary/scope.js';
import { unitDetail, type WeeklySummary } from '../src/summary/weekly.js';

/**
 * /周报: the weekly summary now (supervisors), or one unit in detail
 * (/周报 <单位>). A unit member gets their own unit's detail in their bound
 * group. Without Redis (a bare console) the summary still shows deadlines and
 * lights, with every unit counted as not reporting, and says so.
 */

const NO_LOG_NOTE = '未连接进展记录（Redis），各项任务均按未启动统计。';

/** The sender's unit: the unit their group is bound to, when they are in it. */
export async function ownUnit(ctx: Context): Promise<string | undefined> {
  if (roleAtLeast(ctx.role, 'supervisor') || !ctx.progress) return undefined;
  return ctx.progress.roles.unitOf(ctx.message);
}

export async function summaryFor(ctx: Context): Promise<WeeklySummary> {
  const svc = ctx.progress;
  return gatherSummary({
    plans: ctx.plans,
    tenant: ctx.message.tenant,
    ...(svc ? { store: svc.store, bindings: svc.bindings } : {}),
    now: ctx.clock.now(),
  });
}

function withNote(reply: Reply, note: string | undefined): Reply {
  return note ? { ...reply, blocks: [...reply.blocks, { kind: 'note', text: note }] } : reply;
}

/**
 * The status-by-unit chart where the unit table ends: it takes the place of
 * the divider before the red items, and the divider is its fallback, so a
 * platform without charts (the console, a refused card) shows the summary
 * exactly as before; the table above already carries the same figures.
 */
export function withChart(reply: Reply, summary: WeeklySummary): Reply {
  const at = reply.blocks.findIndex((b) => b.kind === 'divider');
  if (summary.units.length === 0 || at < 0) return reply;
  const blocks = [...reply.blocks];
  blocks[at] = { kind: 'chart', spec: weeklyChartSpec(summary), fallback: { kind: 'divider' } };
  return { ...reply, blocks };
}

export default defineCommand({
  name: '周报',
  aliases: ['督办周报', '本周汇总', 'weekly'],
  args: [{ name: '单位', description: '只看一个单位的明细；单位成员在本单位群里发送时默认本单位', required: false, rest: true }],
  description: '本周督办汇总（各单位完成情况、红灯事项、未报送单位、近两周到期事项）',
  examples: ['/周报', '/周报 县财政局', '本周督办情况'],
  role: 'member',
  group: '督办',
  intents: [{ pattern: /^(?:请)?(?:看看|查看|发一下|给我)?(?:本周|这周|这个星期)的?(?:督办)?(?:周报|汇总|督办情况|进展汇总)$/u, priority: 2 }],
  async run(ctx) {
    const scope = decideScope(ctx.plans, '周报', ctx.role, await ownUnit(ctx), ctx.args);
    if (scope.kind === 'refused' || scope.kind === 'unknown-unit') {
      ctx.log.warn({ event: 'bad-input', reason: scope.kind === 'refused' ? `forbidden-${scope.reason}` : 'unknown-unit', command: '周报', role: ctx.role }, 'weekly summary refused');
      await ctx.reply(scope.reply);
      return;
    }
    const summary = await summaryFor(ctx);
    const note = ctx.progress ? undefined : NO_LOG_NOTE;
    if (scope.kind === 'all') {
      ctx.log.info({ event: 'weekly.shown', scope: 'all', units: summary.units.length, red: summary.red.length }, 'weekly summary');
      await ctx.reply(withNote(withChart(weeklyReply(summary, { log: !!ctx.progress }), summary), note));
      return;
    }
    const detail = unitDetail(summary, scope.unit);
    if (!detail) {
      ctx.log.info({ event: 'weekly.shown', scope: 'unit', found: false }, 'unit leads nothing');
      await ctx.reply({
        tone: 'grey',
        blocks: [
          { kind: 'text', text: `已载入的工作要点中没有${scope.unit}牵头的任务，暂无可统计的内容。` },
          { kind: 'note', text: `发送 /任务 ${scope.unit} 查看该单位参与的任务。` },
        ],
      });
      return;
    }
    ctx.log.info({ event: 'weekly.shown', scope: 'unit', items: detail.items.length }, 'unit weekly detail');
    await ctx.reply(withNote(unitDetailReply(summary, detail, { log: !!ctx.progress }), note));
  },
});
