import { describe, expect, it } from 'vitest';
import { deriveState, nextState, reduceEvent, stateOf } from '../../src/progress/state.js';
import { progressKey, type ProgressEvent, type ReportStatus } from '../../src/progress/types.js';

let seq = 0;
function ev(over: Partial<ProgressEvent> & Pick<ProgressEvent, 'kind'>): ProgressEvent {
  seq += 1;
  return {
    id: `${seq}-0`,
    tenant: 't',
    taskId: 'plan#一、（一）',
    unit: '县财政局',
    note: '',
    by: 'ou_a',
    chatId: 'oc_a',
    at: new Date(Date.UTC(2024, 6, 1, 0, seq)).toISOString(),
    ...over,
  };
}
const report = (status: ReportStatus, note = '', over: Partial<ProgressEvent> = {}) => ev({ kind: 'report', status, note, ...over });

describe('state from the progress log', () => {
  it('a unit’s 已完成 only makes the task 待确认', () => {
    const s = stateOf([report('done', '已公开')], 'plan#一、（一）', '县财政局');
    expect(s?.state).toBe('pending-confirm');
    expect(s?.note).toBe('已公开');
  });

  it.each([
    ['in-progress', 'in-progress'],
    ['difficulty', 'difficulty'],
    ['not-started', 'not-started'],
  ] as const)('report %s -> state %s', (status, state) => {
    expect(stateOf([report(status)], 'plan#一、（一）', '县财政局')?.state).toBe(state);
  });

  it('confirm closes; return reopens as 推进中 with the reason as the note', () => {
    const events = [report('done'), ev({ kind: 'return', note: '缺少佐证材料', by: 'ou_sup' })];
    const s = deriveState(events).get(progressKey('plan#一、（一）', '县财政局'))!;
    expect(s.state).toBe('in-progress');
    expect(s.note).toBe('缺少佐证材料');
    expect(s.updatedBy).toBe('ou_sup');
    expect(s.lastKind).toBe('return');
    const closed = deriveState([...events, report('done'), ev({ kind: 'confirm', note: '' })]);
    expect(closed.get(progressKey('plan#一、（一）', '县财政局'))!.state).toBe('closed');
  });

  it('a report after 已办结 leaves the state alone but counts as reported', () => {
    const confirmAt = '2024-07-02T00:00:00.000Z';
    const late = report('difficulty', '又出问题', { at: '2024-07-05T00:00:00.000Z' });
    const s = stateOf([report('done'), ev({ kind: 'confirm', note: '同意', at: confirmAt }), late], 'plan#一、（一）', '县财政局')!;
    expect(s.state).toBe('closed');
    expect(s.note).toBe('同意');
    expect(s.updatedAt).toBe(confirmAt);
    expect(s.lastReportAt).toBe('2024-07-05T00:00:00.000Z');
  });

  it('keeps units of one task apart', () => {
    const map = deriveState([report('done'), report('difficulty', '资金未到位', { unit: '县税务局' })]);
    expect(map.get(progressKey('plan#一、（一）', '县财政局'))!.state).toBe('pending-confirm');
    expect(map.get(progressKey('plan#一、（一）', '县税务局'))!.state).toBe('difficulty');
    expect(map.size).toBe(2);
  });

  it('incremental reduction equals the whole fold', () => {
    const events = [report('in-progress'), report('done'), ev({ kind: 'confirm', note: '' }), report('in-progress', '', { unit: '县税务局' })];
    const map = new Map();
    for (const e of events) reduceEvent(map, e);
    expect(map).toEqual(deriveState(events));
  });

  it('nextState: nothing reported yet and a statusless report means no state', () => {
    expect(nextState(undefined, { kind: 'report' })).toBeUndefined();
    expect(stateOf([], 'x', 'y')).toBeUndefined();
  });
});
