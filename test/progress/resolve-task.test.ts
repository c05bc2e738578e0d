import { describe, expect, it } from 'vitest';
import { findTask, taskById, taskLabel, taskUnits, unitInTask } from '../../src/progress/resolve-task.js';
import { fixturePlans } from '../chat/fixtures.js';
import { seedPlans } from '../transcripts/seeds.js';

const plans = fixturePlans();
const found = (r: ReturnType<typeof findTask>) => (r.kind === 'found' ? r.hit.task.id : r.kind);

describe('which task a report means', () => {
  it('a numbering path found in two plans is ambiguous until the unit decides', () => {
    const r = findTask(plans, '一（一）');
    expect(r.kind).toBe('ambiguous');
    if (r.kind === 'ambiguous') expect(r.candidates.map((c) => c.task.id)).toEqual(['qingshan-2024#一、（一）', 'yunling-2023#一、（一）']);
    expect(found(findTask(plans, '一（一）', { unit: '财政局' }))).toBe('qingshan-2024#一、（一）');
    expect(found(findTask(plans, '一、（一）', { unit: '市税务局' }))).toBe('yunling-2023#一、（一）');
  });

  it('full-width and half-width brackets are the same path', () => {
    expect(found(findTask(plans, '二(三)', { unit: '县发改局' }))).toBe('qingshan-2024#二、（三）');
  });

  it('keywords go through the search index', () => {
    expect(found(findTask(plans, '网站集约化改造'))).toBe('qingshan-2024#一、（二）');
    expect(found(findTask(plans, '减税降费', { unit: '市税务局' }))).toBe('yunling-2023#一、（一）');
  });

  it('a card’s task id is taken as it is; nonsense finds nothing', () => {
    expect(found(findTask(plans, 'qingshan-2024#二、（二）'))).toBe('qingshan-2024#二、（二）');
    expect(findTask(plans, '火星基地建设').kind).toBe('none');
    expect(findTask(plans, '   ').kind).toBe('none');
  });

  it('knows the named units of a task, leaving classes of units out, and maps spellings', () => {
    const t = taskById(plans, 'qingshan-2024#二、（二）')!.task;
    expect(taskUnits(t)).toEqual(['县司法局']);
    const withClauses = taskById(plans, 'qingshan-2024#一、（一）')!.task;
    expect(taskUnits(withClauses)).toEqual(['县财政局', '县税务局']);
    const dev = taskById(plans, 'qingshan-2024#二、（三）')!.task;
    expect(unitInTask(dev, '发改局', plans.units)).toBe('县发展和改革局');
    expect(unitInTask(dev, '县财政局', plans.units)).toBe('县财政局');
    expect(unitInTask(dev, '县税务局', plans.units)).toBeUndefined();
    expect(taskLabel(dev)).toBe('二、（三）做好项目审批信息公开');
  });
});

describe('a bound unit never gets another place’s task', () => {
  const seeds = seedPlans();
  const docOf = (r: ReturnType<typeof findTask>) => (r.kind === 'found' ? r.hit.doc.file : r.kind === 'ambiguous' ? r.candidates.map((c) => c.doc.file).join(',') : 'none');

  it('keywords that only another plan matches resolve to nothing rather than to that plan', () => {
    // Without a unit these words find the 内江 item; a group of 庆元县财政局 must not be handed it.
    expect(docOf(findTask(seeds, '一（一） 完成了'))).toMatch(/neijiang/);
    expect(docOf(findTask(seeds, '一（一） 完成了', { unit: '庆元县财政局' }))).toBe('none');
    expect(docOf(findTask(seeds, '推进政策性文件公开', { unit: '庆元县财政局' }))).not.toMatch(/neijiang/);
  });

  it('a numbering path means the unit’s own item', () => {
    const r = findTask(seeds, '一（一）', { unit: '庆元县财政局' });
    expect(r.kind === 'found' && r.hit.doc.file).toMatch(/qingyuan/);
  });
});
