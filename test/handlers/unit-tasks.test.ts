import { describe, expect, it } from 'vitest';
import { harness } from './harness.js';

describe('任务 <单位>', () => {
  it('lists what a unit leads and co-leads, understood through an alias', async () => {
    const { ask } = harness();
    const out = await ask('/任务 财政局');
    const lines = out.split('\n');
    expect(lines[0]).toBe('【县财政局的任务】');
    const lead = lines.indexOf('牵头 1 项');
    const co = lines.indexOf('参与（责任单位）1 项');
    expect(lead).toBeGreaterThan(0);
    expect(co).toBeGreaterThan(lead);
    // Its own clause, not the sibling clause led by another unit.
    expect(lines.slice(lead, co).join('\n')).toContain('推动部门预算、决算和项目预算向社会公开');
    expect(lines.slice(lead, co).join('\n')).not.toContain('减税降费');
    expect(lines.slice(co).join('\n')).toMatch(/2024-07-20\s+二、（三）\s+做好项目审批信息公开/u);
  });

  it('sorts by deadline', async () => {
    const { ask } = harness();
    const out = await ask('/任务 县税务局');
    expect(out).toMatch(/2024-07-31\s+一、（一）/u);
  });

  it('works as a question', async () => {
    const { ask } = harness();
    expect((await ask('发改局有哪些任务')).split('\n')[0]).toBe('【县发展和改革局的任务】');
  });

  it('asks which unit when a name fits several, instead of saying it found none', async () => {
    const { ask } = harness();
    const out = await ask('/任务 税务局');
    expect(out).toContain('“税务局”对应多个单位，请选择');
    expect(out).not.toContain('没有找到');
    expect(out).toContain('• /任务 县税务局');
    expect(out).toContain('• /任务 市税务局');
  });

  it('an unknown unit with nothing similar gets a hint how to name it, and one log line', async () => {
    const { ask, log } = harness();
    const out = await ask('/任务 气象台');
    expect(out).toContain('没有找到单位“气象台”');
    expect(out).toContain('简称');
    expect(log.lines.filter((l) => l.event === 'bad-input' && l.reason === 'unknown-unit')).toHaveLength(1);
  });
});
