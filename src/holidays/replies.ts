import type { HolidayNotice } from '../calendar/notice.js';
import type { HolidaySource, YearHolidays } from '../calendar/workdays.js';
import { weekday } from '../calendar/shanghai.js';
import { ESTIMATE_NOTE } from '../calendar/statutory.js';
import type { Reply } from '../chat/types.js';

/** Pure: what /假期 and `cli holidays` show. Plain strings; adapters escape. */

export { ESTIMATE_NOTE };

const WEEKDAY = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

export const SOURCE_LABEL: Record<HolidaySource, string> = {
  official: '国务院通知（程序内置的官方安排）',
  notice: '已导入的国务院通知',
  estimate: `${ESTIMATE_NOTE}（只含法定假日，不含调休）`,
};

function day(date: string): string {
  return `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日（${WEEKDAY[weekday(date)]}）`;
}

function withYear(date: string, year: number): string {
  return Number(date.slice(0, 4)) === year ? day(date) : `${Number(date.slice(0, 4))}年${day(date)}`;
}

/** Consecutive dates as ranges: "1月1日（周五）至3日（周日）". */
export function ranges(dates: readonly string[], year: number): string[] {
  const out: string[] = [];
  let start: string | undefined;
  let prev: string | undefined;
  const flush = () => {
    if (!start || !prev) return;
    out.push(start === prev ? withYear(start, year) : `${withYear(start, year)}至${withYear(prev, year)}`);
  };
  for (const d of [...dates].sort()) {
    if (prev && Date.parse(`${d}T00:00:00Z`) - Date.parse(`${prev}T00:00:00Z`) === 86_400_000) {
      prev = d;
      continue;
    }
    flush();
    start = d;
    prev = d;
  }
  flush();
  return out;
}

/** Rows of one year's arrangement, grouped by holiday name. */
function rows(off: ReadonlyArray<{ date: string; name: string }>, work: ReadonlyArray<{ date: string; name: string }>, year: number): string[][] {
  const names = [...new Set([...off, ...work].map((e) => e.name || '其他'))];
  return names.map((name) => {
    const o = off.filter((e) => (e.name || '其他') === name).map((e) => e.date);
    const w = work.filter((e) => (e.name || '其他') === name).map((e) => e.date);
    return [name, `${ranges(o, year).join('、')}（共${o.length}天）`, w.length ? ranges(w, year).join('、') : '—'];
  });
}

export function yearReply(h: YearHolidays): Reply {
  return {
    title: `${h.year}年节假日安排`,
    tone: h.source === 'estimate' ? 'orange' : 'blue',
    blocks: [
      { kind: 'fields', items: [{ label: '来源', value: SOURCE_LABEL[h.source] }] },
      { kind: 'table', columns: ['节日', '放假', '调休上班'], rows: rows(h.off, h.work, h.year) },
      ...(h.source === 'estimate'
        ? [{ kind: 'note' as const, text: `${h.year}年的国务院通知尚未载入：提醒暂按法定假日避开节日，不含调休上班日。通知发布后，管理员把通知全文发给督办（私聊，或 /假期 导入 <全文>）即可。` }]
        : []),
    ],
  };
}

/** What a notice was understood as; `pending` asks for /假期 确认. */
export function understoodReply(n: HolidayNotice, opts: { kind: 'notice' | 'amendment'; replaces: boolean; pending: boolean }): Reply {
  const off = n.sections.flatMap((s) => s.off.map((date) => ({ date, name: s.names.join('、') })));
  const work = n.sections.flatMap((s) => s.work.map((date) => ({ date, name: s.names.join('、') })));
  const lead = opts.kind === 'amendment' ? `读到对${n.year}年节假日安排的调整，调整后为：` : `读到${n.year}年节假日安排：放假 ${n.off.length} 天，调休上班 ${n.work.length} 天。`;
  return {
    title: opts.pending ? `请确认：${n.year}年节假日安排` : `已载入${n.year}年节假日安排`,
    tone: opts.pending ? 'orange' : 'green',
    blocks: [
      { kind: 'text', text: lead },
      { kind: 'table', columns: ['节日', '放假', '调休上班'], rows: rows(off, work, n.year) },
      {
        kind: 'note',
        text: opts.pending
          ? `核对无误请发送“/假期 确认”（1 小时内有效）${opts.replaces ? '，将替换此前载入的同年安排' : ''}；有误请不要确认，检查通知全文后重新发送。`
          : '所有提醒已按此安排重新计算（放假日不发提醒，调休上班日照常提醒）。',
      },
    ],
  };
}

export function refusedNoticeReply(reason: string): Reply {
  return {
    title: '未载入节假日安排',
    tone: 'orange',
    blocks: [
      { kind: 'text', text: `没有载入：${reason}。` },
      { kind: 'note', text: '请发送国务院办公厅《关于20XX年部分节假日安排的通知》全文（含“一、元旦：……”各项），未作任何更改。' },
    ],
  };
}
