import type { WeeklySummary } from './weekly.js';

/**
 * Status by unit as a VChart spec (JSON only), for a Lark card `chart`
 * element: { tag: 'chart', chart_spec: weeklyChartSpec(summary) }. Stacked
 * bars of the five states per unit, worst units first (the summary's order);
 * horizontal once unit names would crowd the x axis. The console shows the
 * summary table instead. Pure.
 */

export const MAX_CHART_UNITS = 30;

export const CHART_SERIES = [
  { key: 'closed', label: '已办结', color: '#34C724' },
  { key: 'pending', label: '待确认', color: '#14C0FF' },
  { key: 'inProgress', label: '推进中', color: '#3370FF' },
  { key: 'difficulty', label: '有困难', color: '#FF8800' },
  { key: 'notStarted', label: '未启动', color: '#8F959E' },
] as const;

export interface ChartDatum {
  unit: string;
  status: string;
  count: number;
}

export type VChartSpec = Record<string, unknown>;

export function weeklyChartSpec(summary: WeeklySummary, opts: { maxUnits?: number } = {}): VChartSpec {
  const units = summary.units.slice(0, opts.maxUnits ?? MAX_CHART_UNITS);
  const values: ChartDatum[] = [];
  for (const f of units) for (const s of CHART_SERIES) values.push({ unit: f.unit, status: s.label, count: f[s.key] });
  const horizontal = units.length > 8;
  const left = summary.units.length - units.length;
  return {
    type: 'bar',
    title: {
      visible: true,
      text: `各单位任务状态（${summary.week.name}）`,
      ...(left > 0 ? { subtext: `仅显示逾期最多的 ${units.length} 个单位，另有 ${left} 个单位` } : {}),
    },
    data: [{ id: 'status', values }],
    direction: horizontal ? 'horizontal' : 'vertical',
    xField: horizontal ? 'count' : 'unit',
    yField: horizontal ? 'unit' : 'count',
    seriesField: 'status',
    stack: true,
    // Explicit domain so a state keeps its colour even when some unit has none of it.
    color: { type: 'ordinal', domain: CHART_SERIES.map((s) => s.label), range: CHART_SERIES.map((s) => s.color) },
    legends: { visible: true, orient: 'bottom' },
    label: { visible: false },
    tooltip: { visible: true },
    axes: horizontal
      ? [
          { orient: 'left', type: 'band', inverse: true },
          { orient: 'bottom', type: 'linear', title: { visible: true, text: '任务数' } },
        ]
      : [
          { orient: 'bottom', type: 'band' },
          { orient: 'left', type: 'linear', title: { visible: true, text: '任务数' } },
        ],
  };
}
