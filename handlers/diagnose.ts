import { shanghaiDate } from '../src/calendar/shanghai.js';
import { defineCommand } from '../src/chat/command.js';
import type { DeliveryRecord, ReminderRecord, UnitDeliveries } from '../src/chat/deliveries.js';
import type { Block } from '../src/chat/types.js';
import { ReminderKind } from '../src/reminders/types.js';
import { plansDirectory } from '../src/progress/args.js';
import { nextReminders, reminderKindLabel, shortChineseDate } from '../src/progress/unit-summary.js';

/** "12-04 09:00" in Asia/Shanghai (fixed +08:00), whatever the server's TZ. */
function shanghaiMinute(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t) || t <= 0) return '—';
  return new Date(t + 8 * 3600_000).toISOString().slice(5, 16).replace('T', ' ');
}

function kindLabel(x: ReminderRecord): string {
  const kind = ReminderKind.safeParse(x.kind);
  return kind.success ? reminderKindLabel({ kind: kind.data, ...(x.offsetDays === undefined ? {} : { offsetDays: x.offsetDays }) }) : x.kind;
}

const clip = (s: string, n = 60) => ([...s].length > n ? `${[...s].slice(0, n).join('')}…` : s);

const REMINDER_OUTCOME: Record<ReminderRecord['outcome'], string> = {
  queued: '已排入发送',
  'no-chat': '无处可发（未绑定群，也未配置督查室群）',
  done: '任务已办结，未发送',
  stale: '错过时间太久，未发送',
  failed: '出错',
  pending: '待发送',
};

const DELIVERY_STATUS: Record<DeliveryRecord['status'], string> = {
  sent: '已送达',
  failed: '失败（已放弃）',
  waiting: '排队中',
  retrying: '重试中',
  sending: '发送中',
};

/** The likeliest answer to "why didn't the unit get its reminder", from what was found. */
function conclusion(o: { bound: number; flagged: Array<{ chatId: string; reason: string }>; records?: UnitDeliveries; upcoming: number }): string {
  const r = o.records;
  if (o.bound === 0) {
    const noChat = r?.reminders.some((x) => x.outcome === 'no-chat');
    return noChat
      ? '该单位没有绑定工作群，督查室群也未配置，提醒无处可发。请在该单位的工作群里发送 /绑定 单位名称，或配置 SUPERVISOR_CHAT_ID。'
      : '该单位没有绑定工作群，提醒改发到督查室群。请在该单位的工作群里发送 /绑定 单位名称。';
  }
  if (o.flagged.length > 0 && o.flagged.length === o.bound) {
    return `绑定的群都因权限问题停发（${clip(o.flagged[0]!.reason, 40)}）：请确认机器人仍在群里且有发言权限，然后重新 /绑定。`;
  }
  const failed = r?.deliveries.filter((d) => d.status === 'failed') ?? [];
  if (failed.length > 0) return `最近有 ${failed.length} 条消息发送失败，原因见上表；修复后可在队列面板（/admin/queues）里重试。`;
  const waiting = r?.deliveries.filter((d) => d.status === 'waiting' || d.status === 'retrying') ?? [];
  if (waiting.length > 0) return `有 ${waiting.length} 条消息仍在排队或重试（可能遇到飞书限流），稍后会送达。`;
  if (r && r.reminders.length === 0) {
    return o.upcoming > 0 ? '最近没有到期的提醒；接下来的提醒见上表。' : '该单位近期没有需要提醒的任务（没有截止日期，或都已办结）。';
  }
  return r ? '最近的提醒都已送达绑定的群。' : '投递记录需要 Redis；现在只能看到绑定和提醒计划。';
}

export default defineCommand({
  name: '诊断',
  aliases: ['提醒诊断', '为什么没收到提醒'],
  args: [{ name: '单位', description: '要查的单位名称', required: true, rest: true }],
  description: '某单位为什么没收到提醒：绑定的群、接下来的提醒、最近的投递和失败原因',
  examples: ['/诊断 县财政局'],
  role: 'admin',
  group: '管理',
  intents: [{ pattern: /^(?:为什么|为何|怎么)(?<arg>.+?)(?:没有?|未)(?:收到|接到)(?:提醒|催办|通知)/u, priority: 6 }],
  async run(ctx) {
    const r = plansDirectory(ctx.plans).resolve(ctx.args);
    if (!r.unit) {
      ctx.log.warn({ event: 'bad-input', reason: 'unknown-unit', suggestions: r.suggestions.length }, 'unit not found');
      return ctx.reply({
        title: '没有找到这个单位',
        tone: 'orange',
        blocks: [
          { kind: 'text', text: `没有找到单位“${clip(ctx.args, 20)}”。` },
          r.suggestions.length ? { kind: 'list', items: r.suggestions.map((s) => `/诊断 ${s}`) } : { kind: 'note', text: '请用工作要点中的单位名称再试。' },
        ],
      });
    }
    const unit = r.unit.name;
    const { tenant } = ctx.message;
    const svc = ctx.progress;
    const bound = svc ? await svc.bindings.chatsForUnit(tenant, unit) : [];
    const flagged = bound.flatMap((b) => (b.flagged ? [{ chatId: b.chatId, reason: `${b.flagged.code} ${b.flagged.reason}` }] : []));
    const today = shanghaiDate(ctx.clock.now());
    const upcoming = nextReminders(ctx.plans, unit, today, { limit: 3, ...(svc?.reminderConfig ? { config: svc.reminderConfig } : {}) });
    let records: UnitDeliveries | undefined;
    try {
      records = await ctx.deliveries?.forUnit(tenant, unit, bound.map((b) => b.chatId), { limit: 8 });
    } catch (err) {
      ctx.log.error({ event: 'diagnose.records_failed', err }, 'delivery records unavailable');
    }

    const blocks: Block[] = [
      {
        kind: 'fields',
        items: [
          { label: '绑定的群', value: bound.length ? bound.map((b) => (b.flagged ? `${b.chatId}（停发：${clip(b.flagged.reason, 30)}）` : b.chatId)).join('、') : '未绑定' },
          { label: '接下来的提醒', value: upcoming.length ? `${upcoming.length} 次（最近：${shortChineseDate(upcoming[0]!.fireDate)} ${reminderKindLabel(upcoming[0]!)}）` : '无' },
        ],
      },
    ];
    if (upcoming.length) {
      blocks.push({
        kind: 'table',
        columns: ['日期', '提醒', '任务'],
        rows: upcoming.map((u) => [shortChineseDate(u.fireDate), reminderKindLabel(u), clip(`${u.path.join('')}${u.title}`, 30)]),
      });
    }
    if (records) {
      blocks.push({ kind: 'divider' });
      blocks.push(
        records.reminders.length
          ? {
              kind: 'table',
              columns: ['运行时间', '提醒', '任务', '结果'],
              rows: records.reminders.map((x) => [
                shanghaiMinute(x.at),
                kindLabel(x),
                clip(x.title, 24),
                `${REMINDER_OUTCOME[x.outcome]}${x.fallback ? '（改发督查室群）' : ''}${x.reason ? `：${clip(x.reason, 40)}` : ''}`,
              ]),
            }
          : { kind: 'text', text: '最近没有为该单位运行过的提醒。' },
      );
      blocks.push(
        records.deliveries.length
          ? {
              kind: 'table',
              columns: ['时间', '群', '消息', '结果'],
              rows: records.deliveries.map((d) => [
                shanghaiMinute(d.at),
                d.chatId,
                clip(d.title, 20),
                `${DELIVERY_STATUS[d.status]}${d.attempts > 1 ? `（第 ${d.attempts} 次）` : ''}${d.reason ? `：${clip(d.reason, 90)}` : ''}`,
              ]),
            }
          : { kind: 'text', text: '最近没有发给该单位的消息。' },
      );
    }
    blocks.push({ kind: 'note', text: conclusion({ bound: bound.length, flagged, upcoming: upcoming.length, ...(records ? { records } : {}) }) });
    ctx.log.info({ event: 'diagnose.shown', unit, bound: bound.length, reminders: records?.reminders.length, deliveries: records?.deliveries.length }, 'unit diagnosed');
    return ctx.reply({ title: `${unit}的提醒诊断`, tone: 'blue', blocks });
  },
});
