import { shanghaiDate } from '../src/calendar/shanghai.js';
import { defineCommand } from '../src/chat/command.js';
import type { Context } from '../src/chat/context.js';
import type { Block } from '../src/chat/types.js';
import { isGenericUnit } from '../src/reminders/targets.js';
import { plansDirectory } from '../src/progress/args.js';
import { whenText } from '../src/progress/card.js';
import { needsRedis } from '../src/progress/replies.js';
import { shortChineseDate, unitOutlook } from '../src/progress/unit-summary.js';

/** Groups only: a p2p chat is one person, not a unit's office. The console stands in for any chat. */
export async function refuseP2p(ctx: Context, command: string): Promise<boolean> {
  if (ctx.message.chatType !== 'p2p' || ctx.message.platform === 'console') return false;
  ctx.log.warn({ event: 'bad-input', reason: 'p2p-binding', command }, 'binding asked in a p2p chat');
  await ctx.reply({ tone: 'orange', blocks: [{ kind: 'text', text: `请在单位的工作群里发送 /${command}，私聊不能绑定单位。` }] });
  return true;
}

function outlookBlocks(ctx: Context, unit: string): Block[] {
  const today = shanghaiDate(ctx.clock.now());
  const o = unitOutlook(ctx.plans, unit, today);
  const items = [{ label: '任务', value: `牵头 ${o.lead} 项、配合 ${o.co} 项${o.recurring ? `（其中周期性任务 ${o.recurring} 项）` : ''}` }];
  items.push({ label: '下一个截止', value: o.next ? `${shortChineseDate(o.next.date)}（${o.next.text}） ${o.next.label}` : '暂无未到期的截止日期' });
  return [
    { kind: 'fields', items },
    { kind: 'note', text: '本群将收到该单位任务的截止提醒、逾期催办和每周催报；可在本群用 /进展 报告进展，/提醒 查看近期提醒。' },
  ];
}

export default defineCommand({
  name: '绑定',
  aliases: ['绑定单位'],
  args: [{ name: '单位', description: '单位名称或简称；省略则查看本群当前绑定', required: false, rest: true }],
  description: '把本群绑定到一个单位，接收该单位的提醒并报告进展',
  examples: ['/绑定 县财政局', '/绑定'],
  role: 'admin',
  group: '管理',
  async run(ctx) {
    const svc = ctx.progress;
    if (!svc) return needsRedis(ctx);
    if (await refuseP2p(ctx, '绑定')) return;
    const { tenant, chatId, senderId } = ctx.message;

    if (!ctx.args) {
      const current = await svc.bindings.get(tenant, chatId);
      if (!current) {
        return ctx.reply({ blocks: [{ kind: 'text', text: '本群尚未绑定单位。' }, { kind: 'fields', items: [{ label: '用法', value: '/绑定 单位名称' }] }] });
      }
      const blocks: Block[] = [{ kind: 'text', text: `本群已绑定：${current.unit}（${whenText(current.at)} 绑定）。` }, ...outlookBlocks(ctx, current.unit)];
      if (current.flagged) blocks.push({ kind: 'note', text: `最近一次提醒发送失败（${current.flagged.reason}），请检查机器人是否仍在群内并有发言权限，然后重新绑定。` });
      return ctx.reply({ title: `本群绑定：${current.unit}`, tone: 'blue', blocks });
    }

    if (isGenericUnit(ctx.args)) {
      ctx.log.warn({ event: 'bad-input', reason: 'generic-unit' }, 'binding to a class of units refused');
      return ctx.reply({ tone: 'orange', blocks: [{ kind: 'text', text: `“${ctx.args}”是统称，不是一个具体单位，不能绑定。请写具体单位名称，如“县财政局”。` }] });
    }
    const r = plansDirectory(ctx.plans).resolve(ctx.args);
    if (!r.unit) {
      ctx.log.warn({ event: 'bad-input', reason: 'unknown-unit', suggestions: r.suggestions.length }, 'unit not found');
      const blocks: Block[] = [{ kind: 'text', text: `没有找到单位“${ctx.args}”，未绑定。` }];
      if (r.suggestions.length) {
        blocks.push({ kind: 'text', text: '您要找的是不是：' }, { kind: 'list', items: r.suggestions.map((s) => `/绑定 ${s}`) });
      } else {
        blocks.push({ kind: 'note', text: '请用工作要点或单位目录中的单位名称再试。' });
      }
      return ctx.reply({ title: '没有找到这个单位', tone: 'orange', blocks });
    }
    const unit = r.unit.name;
    const previous = await svc.bindings.bind(tenant, chatId, unit, senderId);
    await svc.roles.forget(chatId);
    await svc.audit.record({
      tenant,
      action: 'bind',
      by: senderId,
      ...(ctx.message.senderName ? { byName: ctx.message.senderName } : {}),
      chatId,
      subject: unit,
      detail: previous ? { previous: previous.unit } : {},
    });
    ctx.log.info({ event: 'binding.bound', unit, previous: previous?.unit }, 'chat bound');
    const moved = previous && previous.unit !== unit ? `（原绑定：${previous.unit}）` : '';
    return ctx.reply({
      title: `已绑定：${unit}`,
      tone: 'green',
      blocks: [{ kind: 'text', text: `本群已绑定到 ${unit}${moved}。` }, ...outlookBlocks(ctx, unit)],
    });
  },
});
