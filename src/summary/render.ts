import { formatShanghai } from '../calendar/shanghai.js';
import type { Block, Reply, Tone } from '../chat/types.js';
import { TASK_STATE_LABEL } from '../progress/types.js';
import { LIGHT_LABEL, type Status } from './lights.js';
import { DUE_SOON_DAYS, hasOpenTasks, type ItemStatus, type UnitFigures, type WeeklySummary } from './weekly.js';

/**
 * Summaries as replies (semantic blocks; each adapter renders them). Pure.
 * Long lists are cut with a count of what was left out, so a 200-unit
 * summary still fits a handful of cards.
 */

export const MAX_UNIT_ROWS = 50;
export const MAX_RED = 20;
export const MAX_DUE = 20;
export const MAX_DETAIL_ROWS = 40;
export const MAX_SILENT = 60;

export interface RenderOptions {
  /** False when no progress log was reachable: reporting cannot be judged, so it is not claimed. Default true. */
  log?: boolean;
}

export function shorten(text: string, max: number): string {
  const chars = [...text.replace(/\s+/gu, ' ').trim()];
  return chars.length > max ? chars.slice(0, max).join('') + '…' : chars.join('');
}

export const percent = (rate: number) => `${Math.round(rate * 100)}%`;

/** "2022-07-04 10:00" in Shanghai time. */
export function shanghaiMinute(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '' : formatShanghai(new Date(t)).slice(0, 16).replace('T', ' ');
}

const mmdd = (date: string) => date.slice(5);

function itemLabel(it: ItemStatus, max = 30): string {
  const a = it.assignment;
  return `${a.seq} ${shorten(a.title || a.taskId, max)}`.trim();
}

/** "7月底前（2022-07-31）" / "每季度（本期 2022-09-30）" / "无明确时限". */
export function dueText(status: Status): string {
  const d = status.due;
  if (!d) return '无明确时限';
  if (d.kind === 'period') return `${d.text}（本期 ${d.date}）`;
  return d.text && d.text !== d.date ? `${d.text}（${d.date}）` : d.date;
}

function redLine(it: ItemStatus): string {
  const s = it.status;
  const late = s.overdueDays !== undefined ? `，逾期 ${s.overdueDays} 天` : '';
  return `${it.assignment.unit}｜${itemLabel(it)}｜${dueText(s)}${late}｜${TASK_STATE_LABEL[s.state]}`;
}

function more(n: number, what: string): Block[] {
  return n > 0 ? [{ kind: 'note', text: `另有 ${n} ${what}未列出。` }] : [];
}

export function toneOf(red: number, yellow: number): Tone {
  return red > 0 ? 'red' : yellow > 0 ? 'orange' : 'green';
}

export const UNIT_COLUMNS = ['单位', '任务', '已办结', '待确认', '推进中', '有困难', '未启动', '逾期', '完成率', '本周报送'];

function unitRow(f: UnitFigures, log: boolean): string[] {
  return [
    f.unit,
    String(f.total),
    String(f.closed),
    String(f.pending),
    String(f.inProgress),
    String(f.difficulty),
    String(f.notStarted),
    String(f.overdue),
    percent(f.rate),
    // 未报 only where something is left to report on, so the column and the 未报送 list agree.
    log ? (f.reported ? '已报' : hasOpenTasks(f) ? '未报' : '—') : '—',
  ];
}

export function weeklyReply(s: WeeklySummary, opts: RenderOptions = {}): Reply {
  const log = opts.log !== false;
  const t = s.totals;
  const blocks: Block[] = [];
  if (s.units.length === 0) {
    blocks.push({ kind: 'text', text: '已载入的工作要点中没有写明具体牵头单位的任务，暂无可统计的内容。' });
    if (s.unassigned > 0) blocks.push({ kind: 'note', text: `共有 ${s.unassigned} 项任务由“各有关单位”等牵头或未明确牵头单位。` });
    return { title: `督办周报（${s.week.name}）`, tone: 'grey', blocks };
  }
  blocks.push({
    kind: 'text',
    text:
      `本周 ${s.week.from} 至 ${s.week.to}，截至 ${shanghaiMinute(s.at)}：${t.units} 个单位共 ${t.total} 项任务，` +
      `已办结 ${t.closed}、待确认 ${t.pending}、推进中 ${t.inProgress}、有困难 ${t.difficulty}、未启动 ${t.notStarted}；` +
      `红灯 ${t.overdue} 项、黄灯 ${t.yellow} 项；完成率 ${percent(t.rate)}。`,
  });
  blocks.push({ kind: 'table', columns: UNIT_COLUMNS, rows: s.units.slice(0, MAX_UNIT_ROWS).map((f) => unitRow(f, log)) });
  blocks.push(...more(s.units.length - MAX_UNIT_ROWS, '个单位'));

  blocks.push({ kind: 'divider' });
  blocks.push({ kind: 'text', text: `红灯事项（${s.red.length} 项，已逾期未办结）` });
  if (s.red.length === 0) blocks.push({ kind: 'text', text: '无。' });
  else blocks.push({ kind: 'list', items: s.red.slice(0, MAX_RED).map(redLine) }, ...more(s.red.length - MAX_RED, '项红灯事项'));

  if (log) {
    blocks.push({ kind: 'text', text: `本周未报送进展的单位（${s.silent.length} 个）` });
    const names = s.silent.slice(0, MAX_SILENT).join('、') + (s.silent.length > MAX_SILENT ? `等 ${s.silent.length} 个单位` : '');
    blocks.push({ kind: 'text', text: s.silent.length === 0 ? '无，均已报送。' : names });
  } else {
    blocks.push({ kind: 'text', text: '本周报送情况：未连接进展记录（Redis），无法统计。' });
  }
  if (s.unbound.length > 0) {
    const same = log && s.unbound.length === s.silent.length && s.unbound.every((u) => s.silent.includes(u));
    blocks.push({
      kind: 'note',
      text: same ? `以上单位均尚未绑定群聊，收不到催报。` : `尚未绑定群聊、收不到催报的单位（${s.unbound.length} 个）：${s.unbound.join('、')}`,
    });
  }

  blocks.push({ kind: 'text', text: `未来 ${DUE_SOON_DAYS} 天到期（${s.today} 至 ${s.dueSoonTo}，${s.dueSoon.length} 项未完成）` });
  if (s.dueSoon.length === 0) blocks.push({ kind: 'text', text: '无。' });
  else {
    blocks.push({
      kind: 'list',
      items: s.dueSoon.slice(0, MAX_DUE).map((d) => `${mmdd(d.date)}｜${d.item.assignment.unit}｜${itemLabel(d.item)}（${d.text}）｜${TASK_STATE_LABEL[d.item.status.state]}`),
    });
    blocks.push(...more(s.dueSoon.length - MAX_DUE, '项到期事项'));
  }

  const notes = ['完成率 = 已办结 ÷ 任务数；“待确认”为单位已报完成、待督办员确认销号。'];
  if (s.unassigned > 0) notes.push(`另有 ${s.unassigned} 项任务由“各有关单位”等牵头或未明确牵头单位，未计入各单位统计。`);
  notes.push('发送 /周报 <单位> 查看单位明细，/台账 导出 Excel 台账。');
  blocks.push({ kind: 'note', text: notes.join('\n') });
  return { title: `督办周报（${s.week.name}）`, tone: toneOf(t.overdue, t.yellow), blocks };
}

export const DETAIL_COLUMNS = ['灯', '编号', '任务', '时限', '状态', '最新进展', '更新时间'];

export function unitDetailReply(s: WeeklySummary, detail: { figures: UnitFigures; items: ItemStatus[] }, opts: RenderOptions = {}): Reply {
  const f = detail.figures;
  const reported = opts.log === false
    ? '未连接进展记录，无法统计'
    : f.reported
    ? `已报送（最近 ${shanghaiMinute(f.lastReportAt!)}）`
    : f.lastReportAt
      ? `未报送（上次 ${shanghaiMinute(f.lastReportAt)}）`
      : '未报送（尚无进展记录）';
  const blocks: Block[] = [
    {
      kind: 'fields',
      items: [
        { label: '任务', value: `${f.total} 项（已办结 ${f.closed}、待确认 ${f.pending}、推进中 ${f.inProgress}、有困难 ${f.difficulty}、未启动 ${f.notStarted}）` },
        { label: '灯号', value: `红灯 ${f.overdue}、黄灯 ${f.yellow}、绿灯 ${f.total - f.overdue - f.yellow}` },
        { label: '完成率', value: percent(f.rate) },
        { label: '本周报送', value: reported },
      ],
    },
    {
      kind: 'table',
      columns: DETAIL_COLUMNS,
      rows: detail.items.slice(0, MAX_DETAIL_ROWS).map((it) => [
        LIGHT_LABEL[it.status.light],
        it.assignment.seq,
        shorten(it.assignment.title || it.assignment.taskId, 24),
        dueText(it.status) + (it.status.overdueDays !== undefined ? `，逾期 ${it.status.overdueDays} 天` : ''),
        TASK_STATE_LABEL[it.status.state],
        shorten(it.note, 30),
        it.updatedAt ? shanghaiMinute(it.updatedAt) : '',
      ]),
    },
    ...more(detail.items.length - MAX_DETAIL_ROWS, '项任务'),
    { kind: 'note', text: `截至 ${shanghaiMinute(s.at)}。灯号：红＝逾期未办结，黄＝7 天内到期或有困难，绿＝正常推进或已完成。` },
  ];
  return { title: `${f.unit} 督办情况（${s.week.name}）`, tone: toneOf(f.overdue, f.yellow), blocks };
}
