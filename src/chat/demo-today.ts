import { addDays, shanghaiDate, shanghaiInstant } from '../calendar/shanghai.js';
import type { PlanDocument } from '../plan/schema.js';
import { periodEnds, planStart } from '../reminders/plan.js';
import type { Bot, Clock, Reply } from './types.js';

/**
 * A first run on plans from past years looks dead: nothing falls due, every
 * item is years overdue. In the terminal chat only, the bot may then run on a
 * demo "today" inside the plans' own year, said plainly in every reply and
 * kept apart from real data (its own tenant). Lark never gets one: reminders
 * go out on real dates (config refuses DEMO_TODAY with Lark credentials).
 */

export interface DemoToday {
  /** Shanghai date the demo treats as today. */
  date: string;
  /** Why: 'auto' (every plan is from a past year) or 'set' (DEMO_TODAY=YYYY-MM-DD). */
  why: 'auto' | 'set';
  /** The plan years seen, for the explanation. */
  years: number[];
}

/** The days things fall due in a plan: dated limits and the period ends of recurring duties. */
function dueDates(doc: PlanDocument): string[] {
  const out: string[] = [];
  for (const t of doc.tasks) {
    for (const d of [...t.deadlines, ...t.clauses.flatMap((c) => c.deadlines)]) if (d.date) out.push(d.date);
    for (const r of [...t.recurring, ...t.clauses.flatMap((c) => c.recurring)]) out.push(...periodEnds(r.rule, doc.year, planStart(doc)));
  }
  return out;
}

/** Days before the first due date of the busiest month that the demo starts: inside the 14-day "due soon" window. */
const LEAD_DAYS = 10;

/**
 * The demo date for these plans, or undefined for the real one. 'auto' applies
 * only when every plan's year is before this one: in the year with the most
 * tasks (ties: the later), the month in which most things fall due, LEAD_DAYS
 * before its first due date (not before the 1st), so /截止 本月, the 周报's
 * due-soon list and the reminders all have something, and what is overdue is
 * overdue by months, not years. Derived from the plans, never from their wording.
 */
export function demoToday(setting: 'auto' | 'off' | string, docs: readonly PlanDocument[], now: Date): DemoToday | undefined {
  const years = [...new Set(docs.map((d) => d.year))].sort((a, b) => a - b);
  if (setting === 'off') return undefined;
  if (setting !== 'auto') return { date: setting, why: 'set', years };
  const thisYear = Number(shanghaiDate(now).slice(0, 4));
  if (docs.length === 0 || years.some((y) => y >= thisYear)) return undefined;
  const tasksByYear = new Map<number, number>();
  for (const d of docs) tasksByYear.set(d.year, (tasksByYear.get(d.year) ?? 0) + d.tasks.length);
  const [year] = [...tasksByYear].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]!;
  const dates = docs.filter((d) => d.year === year).flatMap(dueDates).filter((d) => d.startsWith(`${year}-`)).sort();
  const byMonth = new Map<string, number>();
  for (const d of dates) byMonth.set(d.slice(0, 7), (byMonth.get(d.slice(0, 7)) ?? 0) + 1);
  const busiest = [...byMonth].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
  if (!busiest) return { date: `${year}-07-01`, why: 'auto', years };
  const first = dates.find((d) => d.startsWith(busiest))!;
  const start = addDays(first, -LEAD_DAYS);
  return { date: start < `${busiest}-01` ? `${busiest}-01` : start, why: 'auto', years };
}

/** A clock that starts at 09:00 on the demo date and runs at the real pace. */
export function demoClock(date: string, realNow: () => number = Date.now): Clock {
  const start = realNow();
  const base = shanghaiInstant(date, '09:00').getTime();
  return { now: () => new Date(base + (realNow() - start)) };
}

/** "演示日期：2022年7月1日 …" */
export function demoNote(demo: DemoToday): string {
  const [y, m, d] = demo.date.split('-').map(Number);
  const range = demo.years.length > 1 ? `${demo.years[0]}–${demo.years.at(-1)}` : String(demo.years[0] ?? '');
  const why = demo.why === 'auto' ? `已载入的工作要点都是往年的（${range} 年），` : '';
  return `演示日期：${why}本次终端对话把 ${y}年${m}月${d}日 当作“今天”。使用真实日期：DEMO_TODAY=off npm start`;
}

/** The tenant demo conversations are recorded under, apart from real local data. */
export function demoTenant(demo: DemoToday): string {
  return `demo-${demo.date}`;
}

/** Every reply carries the demo note; every message runs in the demo tenant. */
export function withDemoLabel(bot: Bot, demo: DemoToday): Bot {
  const note = demoNote(demo);
  return {
    handle: (message, out) =>
      bot.handle(
        { ...message, tenant: demoTenant(demo) },
        { reply: (reply: Reply) => out.reply({ ...reply, blocks: [...reply.blocks, { kind: 'note', text: note }] }) },
      ),
  };
}
