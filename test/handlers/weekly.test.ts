import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Block, Reply } from '../../src/chat/types.js';
import { FIN1, FIN_CHAT, LOBBY, OUTSIDER, startSummaryBot, SUP, SUP_CHAT, TAX, TAX_CHAT, type SummaryBot } from '../summary/bot-harness.js';
import { useTestRedis } from '../support/redis.js';

const t = useTestRedis('handler-weekly');
let h: SummaryBot;

beforeAll(async () => {
  h = await startSummaryBot(t, 'weekly');
});
afterAll(() => h.close());

const table = (r: Reply) => r.blocks.find((b): b is Extract<Block, { kind: 'table' }> => b.kind === 'table')!;
const row = (r: Reply, unit: string) => table(r).rows.find((x) => x[0] === unit);

describe('/周报', () => {
  it('a supervisor (member of the supervisors’ chat) gets every unit’s figures from the log', async () => {
    const [reply] = await h.ask(SUP, SUP_CHAT, '/周报');
    expect(reply!.title).toBe('督办周报（2025-W27）');
    expect(row(reply!, '县财政局')).toEqual(['县财政局', '4', '1', '1', '2', '0', '0', '1', '25%', '已报']);
    expect(row(reply!, '县教育局')).toEqual(['县教育局', '2', '0', '0', '0', '0', '2', '1', '0%', '未报']);
    const text = await h.say(SUP, SUP_CHAT, '/周报');
    // Groups are bound for 县财政局 and 县税务局 only; both reported this week. The list
    // names the same units as the table's 未报 rows, and says they get no 催报.
    const unreported = table(reply!).rows.filter((r) => r.at(-1) === '未报').map((r) => r[0]);
    expect(unreported).toEqual(['县教育局', '县住建局']);
    expect(text).toContain('本周未报送进展的单位（2 个）\n县教育局、县住建局\n※ 以上单位均尚未绑定群聊，收不到催报。');
  });

  it('the summary carries the status chart in place of the divider after the unit table (the divider is its fallback)', async () => {
    const [reply] = await h.ask(SUP, SUP_CHAT, '/周报');
    const kinds = reply!.blocks.map((b) => b.kind);
    expect(kinds.indexOf('chart')).toBe(kinds.indexOf('table') + 1);
    const chart = reply!.blocks.find((b): b is Extract<Block, { kind: 'chart' }> => b.kind === 'chart')!;
    expect(chart.fallback).toEqual({ kind: 'divider' });
    expect(chart.spec).toMatchObject({ type: 'bar', seriesField: 'status' });
    // The chart shows the same figures as the table.
    const values = (chart.spec.data as Array<{ values: Array<{ unit: string; status: string; count: number }> }>)[0]!.values;
    expect(values.filter((v) => v.unit === '县财政局').map((v) => [v.status, v.count])).toEqual([
      ['已办结', 1],
      ['待确认', 1],
      ['推进中', 2],
      ['有困难', 0],
      ['未启动', 0],
    ]);
    // In Lark the chart is drawn where the divider was; the fake's card checks accept it.
    const sent = await h.messenger.sendToChat(SUP_CHAT, reply!, 'weekly-chart-test');
    const first = h.fake.sent.find((m) => m.messageId === sent[0]!.messageId)!;
    const tags = (first.content as { body: { elements: Array<{ tag: string }> } }).body.elements.map((e) => e.tag);
    expect(tags.slice(tags.indexOf('table'), tags.indexOf('table') + 2)).toEqual(['table', 'chart']);
    expect(tags).not.toContain('hr');
    // One unit's detail has no chart.
    const [detail] = await h.ask(SUP, SUP_CHAT, '/周报 县财政局');
    expect(detail!.blocks.some((b) => b.kind === 'chart')).toBe(false);
  });

  it('a supervisor may look at one unit, named loosely', async () => {
    const text = await h.say(SUP, SUP_CHAT, '/周报 税务局');
    expect(text).toContain('【县税务局 督办情况（2025-W27）】');
    expect(text).toContain('推送平台尚未上线');
  });

  it('a unit member gets their own unit in their bound group, and is refused another unit', async () => {
    const own = await h.say(FIN1, FIN_CHAT, '/周报');
    expect(own).toContain('【县财政局 督办情况（2025-W27）】');
    expect(own).toContain('完成率：25%');
    const other = await h.say(FIN1, FIN_CHAT, '/周报 县税务局');
    expect(other).toContain('本群绑定的是县财政局，只能查看本单位的督办情况；查看县税务局需要督办员权限。');
    expect(h.log.lines.some((l) => l.reason === 'forbidden-other-unit')).toBe(true);
  });

  it('outside any bound group: refused, naming the role needed', async () => {
    expect(await h.say(OUTSIDER, LOBBY, '/周报')).toContain('/周报 需要成员单位权限');
    // A finance member writing in a chat bound to nothing is not acting for the unit there.
    expect(await h.say(FIN1, LOBBY, '/周报')).toContain('/周报 需要成员单位权限');
  });

  it('an unknown unit gets suggestions, nothing else', async () => {
    const text = await h.say(SUP, SUP_CHAT, '/周报 县民政局');
    expect(text).toContain('没有找到单位“县民政局”');
  });

  it('a report through /进展 shows up in the next summary', async () => {
    const before = row((await h.ask(SUP, SUP_CHAT, '/周报'))[0]!, '县税务局')!;
    expect(before.slice(1, 7)).toEqual(['1', '0', '0', '0', '1', '0']);
    const reported = await h.say(TAX, TAX_CHAT, '/进展 一（二） 推进中 平台已上线，正在推送');
    expect(reported).not.toContain('需要');
    const after = row((await h.ask(SUP, SUP_CHAT, '/周报'))[0]!, '县税务局')!;
    // 有困难 → 推进中; the light goes from yellow (difficulty) to green.
    expect(after.slice(1, 7)).toEqual(['1', '0', '0', '1', '0', '0']);
    expect(await h.say(SUP, SUP_CHAT, '/周报 县税务局')).toContain('平台已上线，正在推送');
  });

  it('natural question in the supervisors’ chat', async () => {
    expect(await h.say(SUP, SUP_CHAT, '本周督办情况')).toContain('【督办周报（2025-W27）】');
  });
});
