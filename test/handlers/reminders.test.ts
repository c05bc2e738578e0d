/** /提醒: the next reminders a bound group will get, from the same planner the scheduler uses. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, DATA, DATA_CHAT, LOBBY, SUP, SUP_CHAT, startHarness, type Harness } from '../progress/harness.js';
import { useTestRedis } from '../support/redis.js';

const t = useTestRedis('handlers-reminders');
let h: Harness;

beforeAll(async () => {
  h = await startHarness(t, 'r');
  await h.say(ADMIN, DATA_CHAT, '/绑定 县大数据发展中心');
});
afterAll(async () => {
  await h?.close();
});

const rows = (out: string) => out.split('\n').filter((l) => /^\d+月\d+日（周/u.test(l));

describe('/提醒', () => {
  it('in a bound group lists the unit’s next five reminders, soonest first, with kinds and deadlines', async () => {
    const out = await h.say(DATA, DATA_CHAT, '/提醒');
    expect(out).toContain('【县大数据发展中心的近期提醒】');
    const r = rows(out);
    expect(r).toHaveLength(5);
    // 一（二）: quarterly (period end 9月30日: 7, 3, 1 days before and the day) and 11月底前 (7 days before = 11月22日).
    expect(r[0]).toMatch(/^9月23日（周一）\s+周期任务提醒（本期截止前7天）\s+一、（二）统筹管好政府网站\s+每季度（9月30日）$/u);
    expect(r[3]).toMatch(/^9月30日（周一）\s+周期任务提醒（本期截止当天）/u);
    expect(r[4]).toMatch(/^11月22日（周五）\s+截止前7天提醒\s+一、（二）统筹管好政府网站\s+11月底前（11月30日）$/u);
  });

  it('an unbound group must name the unit; an unknown one gets suggestions', async () => {
    expect(await h.say(DATA, LOBBY, '/提醒')).toContain('本群尚未绑定单位，请写明单位');
    const out = await h.say(DATA, LOBBY, '/提醒 大数据中心');
    expect(rows(out).length).toBeGreaterThan(0);
    expect(await h.say(DATA, LOBBY, '/提醒 气象台')).toContain('没有找到单位“气象台”');
  });

  it('leaves out tasks already closed', async () => {
    await h.say(DATA, DATA_CHAT, '/进展 网站集约化改造 已完成');
    await h.say(SUP, SUP_CHAT, '/办结 一（二） 县大数据发展中心');
    const out = await h.say(DATA, DATA_CHAT, '/提醒');
    expect(rows(out)).toHaveLength(0);
  });
});
