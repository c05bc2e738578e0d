import { describe, expect, it } from 'vitest';
import { renderText } from '../../../src/adapters/console/render.js';

describe('renderText', () => {
  it('prints the title, fields as 标签：值, lists and notes on their own lines', () => {
    const text = renderText({
      title: '统筹管好政府网站',
      blocks: [
        { kind: 'fields', items: [{ label: '牵头单位', value: '县大数据发展中心' }, { label: '责任单位', value: '县府办' }] },
        { kind: 'note', text: '原文：高效办理网民留言' },
        { kind: 'divider' },
        { kind: 'text', text: '其他可能相关的条目' },
        { kind: 'list', items: ['甲', '乙'] },
      ],
    });
    expect(text.split('\n')).toEqual([
      '【统筹管好政府网站】',
      '牵头单位：县大数据发展中心',
      '责任单位：县府办',
      '※ 原文：高效办理网民留言',
      '─'.repeat(24),
      '其他可能相关的条目',
      '• 甲',
      '• 乙',
    ]);
  });

  it('prints a chart block as its fallback (a terminal draws no charts)', () => {
    const text = renderText({ blocks: [{ kind: 'text', text: '甲' }, { kind: 'chart', spec: { type: 'bar' }, fallback: { kind: 'note', text: '图表见飞书' } }] });
    expect(text.split('\n')).toEqual(['甲', '※ 图表见飞书']);
  });

  it('aligns table columns by display width (Chinese characters take two columns)', () => {
    const text = renderText({
      blocks: [{ kind: 'table', columns: ['日期', '单位'], rows: [['2024-07-31', '县税务局'], ['7月', 'IT']] }],
    });
    const lines = text.split('\n');
    expect(lines).toEqual(['日期        单位', '──────────  ────────', '2024-07-31  县税务局', '7月         IT']);
  });

  it('strips terminal control sequences that a document or user could smuggle in', () => {
    const text = renderText({ blocks: [{ kind: 'text', text: 'A\u001b[2J\u001b]0;owned\u0007B' }] });
    expect(text).not.toMatch(/\u001b|\u0007/u);
    expect(text).toBe('A[2J]0;ownedB');
  });

  it('keeps list items and table cells on one line', () => {
    const text = renderText({
      blocks: [
        { kind: 'list', items: ['第一行\n第二行'] },
        { kind: 'table', columns: ['a'], rows: [['x\ny']] },
      ],
    });
    expect(text.split('\n')).toEqual(['• 第一行 第二行', 'a', '───', 'x y']);
  });

  it('shows buttons as text since a terminal cannot click', () => {
    const text = renderText({ blocks: [{ kind: 'actions', buttons: [{ label: '确认办结', value: { a: '1' } }] }] });
    expect(text).toBe('可选操作：[1 确认办结]');
  });
});
