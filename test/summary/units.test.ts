/**
 * Townships and sub-districts named by kind (街道, 乡镇（街道）) are classes of
 * units in summaries: not a row of their own, not a unit to chase for a
 * report or a binding. Through the real parser: what it declares generic
 * (Task.genericUnits) is what the summary leaves out.
 */
import { describe, expect, it } from 'vitest';
import type { Plans } from '../../src/chat/context.js';
import { parsePlan } from '../../src/plan/parse.js';
import { PlanIndex } from '../../src/search/index.js';
import { gatherSummary } from '../../src/summary/gather.js';
import { UnitDirectory } from '../../src/units/directory.js';

const PLAN = `2024年桃源县政务公开工作要点
一、加强基层公开
（一）推进村务公开。2024年底前公开惠农补贴发放结果。（县农业农村局、各乡镇、街道分别牵头负责）
（二）建设公开专区。9月底前设置政府信息查阅场所。（街道负责）
（三）公开征地信息。10月底前公开征地批复。（县自然资源局牵头，乡镇（街道）配合）
`;

function plans(): Plans {
  const ledger = { documents: [parsePlan(PLAN, 'taoyuan-2024.txt')] };
  const units = UnitDirectory.empty();
  return { ledger, index: PlanIndex.build(ledger, units), units };
}

describe('township and sub-district classes in summaries', () => {
  it('the parser declares 街道 and 乡镇（街道） classes of units', () => {
    const [a, b, c] = plans().ledger.documents[0]!.tasks;
    expect(a!.leads).toEqual(['县农业农村局', '各乡镇', '街道']);
    expect(a!.genericUnits).toEqual(['各乡镇', '街道']);
    expect(b!.genericUnits).toEqual(['街道']);
    expect(c!.genericUnits).toEqual(['乡镇（街道）']);
  });

  it('街道 gets no row and no 催报; an item only 街道 leads counts as not assigned to a unit', async () => {
    const s = await gatherSummary({ plans: plans(), tenant: 'local', now: new Date('2024-09-02T10:00:00+08:00'), bindings: { list: async () => [{ unit: '县农业农村局', chatId: 'oc_nong' }] } });
    expect(s.units.map((f) => f.unit).sort()).toEqual(['县农业农村局', '县自然资源局']);
    expect(s.unassigned).toBe(1);
    // Bindings are known: only real offices are listed as needing a group.
    expect(s.unbound).toEqual(['县自然资源局']);
    expect(s.dueSoon.map((d) => d.item.assignment.unit)).not.toContain('街道');
  });
});
