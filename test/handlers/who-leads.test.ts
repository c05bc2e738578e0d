import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlanIndex } from '../../src/search/index.js';
import { UnitDirectory } from '../../src/units/directory.js';
import { ADMIN, FIN1, FIN_CHAT, LOBBY, TAX, TAX_CHAT, startHarness, type Harness } from '../progress/harness.js';
import { useTestRedis } from '../support/redis.js';
import { harness } from './harness.js';

describe('谁牵头', () => {
  it('answers at clause level, with the clause\'s own time limits and the source', async () => {
    const { ask, field } = harness();
    const out = await ask('青山 减税降费谁牵头？');
    expect(field(out, '牵头单位')).toBe('县税务局');
    expect(field(out, '时限')).toBe('7月底前（2024-07-31）；签发后3个工作日内（自事项发生起算）');
    expect(field(out, '来源')).toBe('《2024年青山县政务公开工作要点》一、（一）');
    expect(out).toMatch(/※ 原文：.*减税降费/u);
  });

  it('answers a question typed in traditional characters the same way', async () => {
    const { ask } = harness();
    expect(await ask('青山 減稅降費誰牽頭？')).toBe(await ask('青山 减税降费谁牵头？'));
  });

  it('does not lend a sibling clause\'s limits to another clause', async () => {
    const { ask, field } = harness();
    const out = await ask('青山 部门预算决算公开谁牵头');
    expect(field(out, '牵头单位')).toBe('县财政局');
    expect(field(out, '时限')).toBe('文件未写明时限');
  });

  it('shows co-responsible units and recurring limits', async () => {
    const { ask, field } = harness();
    const out = await ask('政府网站找错留言谁牵头');
    expect(field(out, '牵头单位')).toBe('县大数据发展中心');
    expect(field(out, '责任单位')).toBe('县府办');
    expect(field(out, '时限')).toBe('11月底前（2024-11-30）；周期：每季度');
  });

  it('says the document names no lead, and labels inferred units as inferred', async () => {
    const { ask, field } = harness();
    const out = await ask('/谁牵头 政策解读');
    expect(field(out, '牵头单位')).toBe('文件未明确牵头单位');
    expect(field(out, '可能负责')).toBe('各政策起草单位（推断）');
  });

  it('offers the same topic in the other plan when no place narrows the question', async () => {
    const { ask, field } = harness();
    const out = await ask('减税降费谁牵头');
    const top = field(out, '牵头单位');
    expect(['县税务局', '市税务局']).toContain(top);
    const other = top === '县税务局' ? '市税务局' : '县税务局';
    expect(out).toContain('其他可能相关的条目');
    expect(out).toMatch(new RegExp(`• .*牵头：${other}`, 'u'));
  });

  it('finds an item by its number', async () => {
    const { ask, field } = harness();
    const out = await ask('/谁牵头 二（二）');
    expect(field(out, '牵头单位')).toBe('县司法局');
    expect(field(out, '来源')).toBe('《2024年青山县政务公开工作要点》二、（二）');
  });

  it('helps when nothing matches', async () => {
    const { ask } = harness();
    const out = await ask('/谁牵头 航天发射场');
    expect(out).toContain('没有找到与“航天发射场”相关的事项');
    expect(out).toContain('/文件');
    expect(out).not.toContain('牵头单位：');
  });

  it('says so when no plans are loaded', async () => {
    const ledger = { documents: [] };
    const units = UnitDirectory.empty();
    const { ask } = harness({ plans: { ledger, index: PlanIndex.build(ledger, units), units } });
    expect(await ask('减税降费谁牵头')).toContain('目前没有可查询的文件');
  });
});

describe('谁牵头 in a group bound to a unit', () => {
  const t = useTestRedis('handlers-who-leads');
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(t, 'wl');
    expect(await h.say(ADMIN, FIN_CHAT, '/绑定 县财政局')).toContain('已绑定');
    expect(await h.say(ADMIN, TAX_CHAT, '/绑定 县税务局')).toContain('已绑定');
  });
  afterAll(async () => {
    await h?.close();
  });
  const BUTTONS = '可选操作：[1 已完成] [2 推进中] [3 有困难]';

  it('the item names the bound unit as a clause lead: the answer offers that unit’s progress buttons', async () => {
    const out = await h.say(TAX, TAX_CHAT, '青山 减税降费谁牵头？');
    expect(out).toContain('牵头单位：县税务局');
    expect(out.endsWith(`县税务局报告本项工作进展：\n${BUTTONS}`)).toBe(true);
  });

  it('the buttons sit under the answer they belong to, before the runners-up', async () => {
    const out = await h.say(FIN1, FIN_CHAT, '预算信息公开谁牵头');
    expect(out).toContain('牵头单位：县财政局');
    expect(out).toContain(`县财政局报告本项工作进展：\n${BUTTONS}\n${'─'.repeat(24)}\n其他可能相关的条目`);
  });

  it('the item names the bound unit as a co-unit: buttons too', async () => {
    const out = await h.say(FIN1, FIN_CHAT, '审批信息公开谁牵头');
    expect(out).toContain('牵头单位：县发展和改革局');
    expect(out).toContain(`县财政局报告本项工作进展：\n${BUTTONS}`);
  });

  it('an item the bound unit has nothing to do with, or a group bound to nothing: the plain answer', async () => {
    const other = await h.say(TAX, TAX_CHAT, '政府网站找错留言谁牵头');
    expect(other).toContain('牵头单位：县大数据发展中心');
    expect(other).not.toContain('可选操作');
    // The same office name at another level (市税务局) is another unit.
    const city = await h.say(TAX, TAX_CHAT, '减税降费谁牵头');
    expect(city).toContain('牵头单位：市税务局');
    expect(city).not.toContain('可选操作');
    const lobby = await h.say(FIN1, LOBBY, '审批信息公开谁牵头');
    expect(lobby).not.toContain('可选操作');
    // Apart from the buttons, the answer is the same as anywhere else.
    expect((await h.say(FIN1, FIN_CHAT, '审批信息公开谁牵头')).replace(`\n县财政局报告本项工作进展：\n${BUTTONS}`, '')).toBe(lobby);
  });
});
