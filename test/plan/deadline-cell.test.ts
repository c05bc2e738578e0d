import { describe, expect, it } from 'vitest';
import { deadlineCell, findDeadlines } from '../../src/plan/time.js';

describe('deadlineCell: a 完成时限 cell that is only a date', () => {
  it.each(['2025年6月30日', '2025/6/30', '2025-06-30', '2025.6.30', ' 2025年6月30号 '])('%s is a deadline of 2025-06-30', (cell) => {
    expect(findDeadlines(deadlineCell(cell), 2025).map((d) => d.date)).toEqual(['2025-06-30']);
  });

  it.each(['2025年6月底前', '每季度', '2025年6月30日前完成', '截至2025年6月30日'])('%s is left as written', (cell) => {
    expect(deadlineCell(cell)).toBe(cell);
  });

  it('an impossible date gives no deadline', () => {
    expect(findDeadlines(deadlineCell('2025/13/40'), 2025)).toEqual([]);
  });
});
