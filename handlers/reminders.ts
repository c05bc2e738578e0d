import { shanghaiDate } from '../src/calendar/shanghai.js';
import { ESTIMATE_NOTE } from '../src/calendar/statutory.js';
import { holidaySource } from '../src/calendar/workdays.js';
import { defineCommand } from '../src/chat/command.js';
import { plansDirectory } from '../src/progress/args.js';
import { taskById } from '../src/progress/resolve-task.js';
import { nextReminders, reminderKindLabel, shortChineseDate } from '../src/progress/unit-summary.js';

/** An office name as people type it (ends like one), so "减税降费的提醒" is not taken for a unit. */
const UNIT = '[\\p{Script=Han}A-Za-z0-9（）()]{1,30}?(?:局|办|委|委员会|中心|院|馆|部|室|所|队|会|站|公司|集团|政府|厅|处|科|组|社)';
/** The asker's own unit: the group's binding decides. */
const OWN = '(?:本单位|我们单位|我单位|我们|本群)';

const WEEKDAY = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

export default defineCommand({
  name: '提醒',
  aliases: ['近期提醒', '提醒计划'],
  args: [{ name: '单位', description: '单位名称；在已绑定的单位工作群中可省略', required: false, rest: true }],
  description: '查看本单位接下来的几次提醒（日期和类型）',
  examples: ['/提醒', '/提醒 县财政局'],
  role: 'everyone',
  group: '进展',
  intents: [
    // "县财政局的提醒", "县财政局的近期提醒有哪些", "本单位的提醒"
    { pattern: new RegExp(`^(?:请问|查看|看看)?(?:(?<arg>${UNIT})|${OWN})?的?(?:近期|最近|接下来的?)?提醒(?:计划)?(?:有哪些|是什么|情况)?$`, 'u'), priority: 2 },
    // "县财政局近期有哪些提醒", "最近有什么提醒"
    { pattern: new RegExp(`^(?:请问)?(?:(?<arg>${UNIT})|${OWN})?(?:近期|最近|接下来)?(?:有|会有)(?:哪些|什么|几次|几条)提醒$`, 'u'), priority: 2 },
  ],
  async run(ctx) {
    const svc = ctx.progress;
    const { tenant, chatId } = ctx.message;
    let unit: string | undefined;
    if (ctx.args) {
      const r = plansDirectory(ctx.plans).resolve(ctx.args);
      if (!r.unit) {
        ctx.log.warn({ event: 'bad-input', reason: 'unknown-unit', suggestions: r.suggestions.length }, 'unit not found');
        return ctx.reply({
          title: '没有找到这个单位',
          tone: 'orange',
          blocks: [
            { kind: 'text', text: `没有找到单位“${ctx.args}”。` },
            r.suggestions.length ? { kind: 'list', items: r.suggestions.map((s) => `/提醒 ${s}`) } : { kind: 'note', text: '请用工作要点中的单位名称再试。' },
          ],
        });
      }
      unit = r.unit.name;
    } else {
      unit = svc ? (await svc.bindings.get(tenant, chatId))?.unit : undefined;
      if (!unit) {
        ctx.log.info({ event: 'bad-input', reason: 'not-bound', command: '提醒' }, 'no unit for reminders');
        return ctx.reply({
          tone: 'orange',
          blocks: [{ kind: 'text', text: '本群尚未绑定单位，请写明单位，例如：/提醒 县财政局' }],
        });
      }
    }

    const today = shanghaiDate(ctx.clock.now());
    // Closed (办结) tasks, by task: the worker skips them, so the list does too.
    const closedUnits = new Map<string, string[]>();
    for (const p of svc ? (await svc.store.state(tenant)).values() : []) {
      if (p.state === 'closed') closedUnits.set(p.taskId, [...(closedUnits.get(p.taskId) ?? []), p.unit]);
    }
    const dir = plansDirectory(ctx.plans);
    const closed = (taskId: string, u: string) => (closedUnits.get(taskId) ?? []).some((c) => dir.sameUnit(c, u));
    const list = nextReminders(ctx.plans, unit, today, { limit: 5, ...(svc?.reminderConfig ? { config: svc.reminderConfig } : {}), isClosed: closed });
    ctx.log.info({ event: 'reminders.shown', unit, count: list.length }, 'next reminders');
    if (list.length === 0) {
      return ctx.reply({ title: `${unit}的近期提醒`, tone: 'grey', blocks: [{ kind: 'text', text: '未来一年内没有需要提醒的任务（没有截止日期，或均已办结）。' }] });
    }
    return ctx.reply({
      title: `${unit}的近期提醒`,
      tone: 'blue',
      blocks: [
        {
          kind: 'table',
          columns: ['日期', '提醒', '任务', '时限'],
          rows: list.map((r) => {
            const hit = taskById(ctx.plans, r.taskId);
            const when = `${shortChineseDate(r.fireDate)}（${WEEKDAY[new Date(`${r.fireDate}T00:00:00Z`).getUTCDay()]}）`;
            return [when, reminderKindLabel(r), `${r.path.join('')}${hit?.task.title ?? r.title}`, `${r.deadlineText}（${shortChineseDate(r.dueDate)}）`];
          }),
        },
        { kind: 'note', text: '提醒发到该单位绑定的工作群；已办结的任务不再提醒。' },
        ...estimateNote(list.map((r) => r.fireDate)),
      ],
    });
  },
});

/** Dates in a year without the State Council's arrangement are labelled as estimated. */
function estimateNote(dates: string[]): Array<{ kind: 'note'; text: string }> {
  const years = [...new Set(dates.map((d) => Number(d.slice(0, 4))))].filter((y) => holidaySource(y) === 'estimate').sort();
  return years.length ? [{ kind: 'note', text: `${years.join('、')}年的日期${ESTIMATE_NOTE}。` }] : [];
}
