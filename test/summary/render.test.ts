import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/adapters/console/render.js';
import type { Block } from '../../src/chat/types.js';
import { callReply, MAX_BUTTON_ITEMS, openItems } from '../../src/summary/call.js';
import { weeklyChartSpec, type ChartDatum } from '../../src/summary/chart.js';
import { callCardFor } from '../../src/summary/gather.js';
import { unitDetailReply, weeklyReply } from '../../src/summary/render.js';
import { unitNames } from '../../src/summary/units.js';
import { buildWeeklySummary, unitDetail } from '../../src/summary/weekly.js';
import { MemoryProgressStore } from './memory-store.js';
import { NOW, summaryEvents, summaryLedger, summaryPlans, T } from './fixtures.js';

async function summary() {
  const store = new MemoryProgressStore();
  for (const e of summaryEvents) await store.append(e);
  return buildWeeklySummary({
    ledger: summaryLedger,
    progress: await store.state('local'),
    events: await store.all('local'),
    now: NOW,
    resolveUnit: unitNames(summaryPlans()).canonical,
  });
}

describe('weekly reply', () => {
  it('a table row per unit with the figures, the red items, silent units and what is due soon', async () => {
    const s = await summary();
    const reply = weeklyReply(s);
    expect(reply).toMatchObject({ title: '督办周报（2025-W27）', tone: 'red' });
    const table = reply.blocks.find((b): b is Extract<Block, { kind: 'table' }> => b.kind === 'table')!;
    expect(table.rows).toEqual([
      ['县财政局', '4', '1', '1', '2', '0', '0', '1', '25%', '已报'],
      ['县教育局', '2', '0', '0', '0', '0', '2', '1', '0%', '未报'],
      ['县税务局', '1', '0', '0', '0', '1', '0', '0', '0%', '已报'],
      ['县住建局', '2', '0', '0', '0', '0', '2', '0', '0%', '未报'],
    ]);
    const text = renderText(reply);
    expect(text).toContain('县教育局｜二（二） 推进校舍改造｜5月底前（2025-05-31），逾期 33 天｜未启动');
    expect(text).toContain('本周未报送进展的单位（2 个）\n县教育局、县住建局');
    expect(text).toContain('07-04｜县财政局｜一 清理拖欠账款（7月4日前）｜推进中');
    expect(text).toContain('另有 2 项任务由“各有关单位”等牵头或未明确牵头单位');
  });

  it('one unit in detail lists its items with light, state and latest note', async () => {
    const s = await summary();
    const text = renderText(unitDetailReply(s, unitDetail(s, '县税务局')!));
    expect(text).toContain('【县税务局 督办情况（2025-W27）】');
    expect(text).toMatch(/黄\s+一（二）\s+落实减税降费\s+7月底前（2025-07-31）\s+有困难\s+推送平台尚未上线\s+2025-07-02 11:00/u);
    expect(text).toContain('本周报送：已报送（最近 2025-07-02 11:00）');
  });
});

describe('chart spec', () => {
  it('one bar segment per unit and state, matching the figures, as JSON', async () => {
    const s = await summary();
    const spec = weeklyChartSpec(s);
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    const values = (spec.data as Array<{ values: ChartDatum[] }>)[0]!.values;
    const count = (unit: string, status: string) => values.find((v) => v.unit === unit && v.status === status)?.count;
    expect(count('县财政局', '已办结')).toBe(1);
    expect(count('县财政局', '推进中')).toBe(2);
    expect(count('县教育局', '未启动')).toBe(2);
    expect(count('县税务局', '有困难')).toBe(1);
    expect(values).toHaveLength(4 * 5);
    expect(spec).toMatchObject({ type: 'bar', stack: true, seriesField: 'status', direction: 'vertical' });
  });

  it('many units: horizontal, capped, and says how many were left out', async () => {
    const s = await summary();
    const many = { ...s, units: Array.from({ length: 40 }, (_, i) => ({ ...s.units[0]!, unit: `单位${i}` })) };
    const spec = weeklyChartSpec(many);
    expect(spec).toMatchObject({ direction: 'horizontal', xField: 'count', yField: 'unit' });
    expect(JSON.stringify(spec.title)).toContain('另有 10 个单位');
  });
});

describe('催报 card', () => {
  it('lists the unit’s open items, most urgent first, each with 已完成/推进中/有困难 buttons', async () => {
    const s = await summary();
    const open = openItems(s.items, '县财政局');
    // The split clause is 待确认 and the shared item 已办结: not asked about again.
    expect(open.map((it) => it.assignment.taskId)).toEqual([T.budget, T.other]);
    const reply = callReply('县财政局', open, { weekName: s.week.name, summaryDay: '周五' });
    const actions = reply.blocks.filter((b): b is Extract<Block, { kind: 'actions' }> => b.kind === 'actions');
    expect(actions).toHaveLength(2);
    expect(actions[0]!.buttons.map((b) => [b.label, b.value])).toEqual([
      ['已完成', { action: 'progress', taskId: T.budget, unit: '县财政局', status: 'done', card: 'weekly-call' }],
      ['推进中', { action: 'progress', taskId: T.budget, unit: '县财政局', status: 'in-progress', card: 'weekly-call' }],
      ['有困难', { action: 'progress', taskId: T.budget, unit: '县财政局', status: 'difficulty', card: 'weekly-call' }],
    ]);
    expect(renderText(reply)).toContain('县财政局有 2 项任务尚未办结（其中 1 项已逾期）。请于周五前报送本周进展');
  });

  it('beyond the button limit, items are still listed', async () => {
    const s = await summary();
    const one = openItems(s.items, '县财政局')[0]!;
    const many = Array.from({ length: MAX_BUTTON_ITEMS + 3 }, () => one);
    const reply = callReply('县财政局', many, { weekName: 'W' });
    expect(reply.blocks.filter((b) => b.kind === 'actions')).toHaveLength(MAX_BUTTON_ITEMS);
    const list = reply.blocks.find((b): b is Extract<Block, { kind: 'list' }> => b.kind === 'list')!;
    expect(list.items).toHaveLength(3);
  });
});

describe('催报 card after a click', () => {
  it('is re-rendered from the log: the task reported done leaves the list, the others keep their buttons', async () => {
    const store = new MemoryProgressStore();
    for (const e of summaryEvents) await store.append(e);
    const before = await callCardFor({ plans: summaryPlans(), tenant: 'local', store, now: NOW, unit: '财政局' });
    expect(before.blocks.filter((b) => b.kind === 'actions')).toHaveLength(2);
    await store.append({ ...summaryEvents[0]!, status: 'done', note: '', at: NOW.toISOString() });
    const after = await callCardFor({ plans: summaryPlans(), tenant: 'local', store, now: NOW, unit: '县财政局' });
    const actions = after.blocks.filter((b): b is Extract<Block, { kind: 'actions' }> => b.kind === 'actions');
    expect(actions.map((a) => a.buttons[0]!.value.taskId)).toEqual([T.other]);
    await store.append({ ...summaryEvents[0]!, taskId: T.other, status: 'done', note: '', at: NOW.toISOString() });
    const done = await callCardFor({ plans: summaryPlans(), tenant: 'local', store, now: NOW, unit: '县财政局' });
    expect(renderText(done)).toContain('县财政局本周需报送的任务均已报告完成');
  });
});
