import { describe, expect, it } from 'vitest';
import { PlanIndex } from '../../src/search/index.js';
import { UnitDirectory } from '../../src/units/directory.js';
import { harness } from './harness.js';

describe('文件', () => {
  it('lists each loaded plan with issuer, number, date and task count', async () => {
    const { ask } = harness();
    const out = await ask('/文件');
    expect(out).toMatch(/2024年青山县政务公开工作要点\s+青山县人民政府办公室\s+青政办发〔2024〕12号\s+2024-03-15\s+5/u);
    expect(out).toMatch(/2023年云岭市政务公开工作要点\s+云岭市人民政府办公室\s+云府办函〔2023〕8号\s+2023-04-10\s+2/u);
    expect(out).toContain('共 2 份文件，7 项任务');
  });

  it('says when nothing is loaded', async () => {
    const ledger = { documents: [] };
    const units = UnitDirectory.empty();
    const { ask } = harness({ plans: { ledger, index: PlanIndex.build(ledger, units), units } });
    expect(await ask('/文件')).toContain('还没有载入任何工作要点文件');
  });
});
