import { describe, expect, it } from 'vitest';
import { harness } from './harness.js';

describe('截止 [时间范围]', () => {
  it('defaults to this month in Shanghai, earliest first', async () => {
    const { ask } = harness({ now: '2024-07-10T09:00:00+08:00' });
    const out = await ask('/截止');
    const lines = out.split('\n');
    expect(lines[0]).toBe('【本月到期的任务】');
    expect(lines[1]).toBe('2024-07-01 至 2024-07-31，共 2 项：');
    const rows = lines.filter((l) => /^2024-07-\d\d\s{2}/u.test(l));
    expect(rows.map((r) => r.slice(0, 10))).toEqual(['2024-07-20', '2024-07-31']);
    expect(rows[0]).toContain('县发展和改革局');
    expect(rows[1]).toContain('县税务局');
  });

  it('uses the Shanghai date, not the server\'s: 23:30 UTC on 30 June is already July in Shanghai', async () => {
    const { ask } = harness({ now: '2024-06-30T23:30:00Z' });
    expect((await ask('/截止')).split('\n')[1]).toBe('2024-07-01 至 2024-07-31，共 2 项：');
  });

  it('takes a named month of another year and includes recurring duties at their period ends', async () => {
    const { ask } = harness();
    const out = await ask('/截止 2023年12月');
    expect(out).toMatch(/2023-12-31 .*推进减税降费政策公开（年底前）.*市税务局/u);
    expect(out).toMatch(/2023-12-31 .*优化政务服务便民热线（每月）.*市政务服务中心/u);
  });

  it('works as a question', async () => {
    const { ask } = harness();
    expect((await ask('这个月有什么到期')).split('\n')[0]).toBe('【本月到期的任务】');
  });

  it('an empty window in a year with no plan says which years exist', async () => {
    const { ask } = harness({ now: '2025-07-10T09:00:00+08:00' });
    const out = await ask('/截止 本月');
    expect(out).toContain('本月（2025-07-01 至 2025-07-31）没有到期的任务');
    expect(out).toContain('已载入文件的年份：2023、2024');
    expect(out).toContain('/截止 2024年7月');
  });

  it('an unreadable window gets the accepted forms and logs a bad input', async () => {
    const { ask, log } = harness();
    const out = await ask('/截止 明年春天');
    expect(out).toContain('看不懂时间范围“明年春天”');
    expect(out).toContain('本月、下月');
    expect(log.lines.filter((l) => l.event === 'bad-input' && l.reason === 'bad-window')).toHaveLength(1);
  });
});
