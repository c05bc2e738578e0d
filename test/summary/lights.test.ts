import { describe, expect, it } from 'vitest';
import type { TaskProgress, TaskState } from '../../src/progress/types.js';
import type { Assignment } from '../../src/summary/assignments.js';
import { currentPeriod, statusOf } from '../../src/summary/lights.js';

const base: Assignment = {
  taskId: 'p#一、',
  unit: '县财政局',
  written: ['县财政局'],
  file: 'p.txt',
  docTitle: 'p',
  year: 2025,
  start: '2025-02-20',
  path: ['一、'],
  seq: '一',
  title: '公开预算',
  deadlines: [],
  recurring: [],
};

const withDeadlines = (...dates: string[]): Assignment => ({ ...base, deadlines: dates.map((date) => ({ text: `${date}前`, date })) });
const quarterly: Assignment = { ...base, recurring: [{ text: '每季度', rule: 'quarterly' }] };

function progress(state: TaskState, updatedAt = '2025-07-01T02:00:00.000Z'): TaskProgress {
  return { taskId: base.taskId, unit: base.unit, state, note: '', updatedAt };
}

describe('status lights', () => {
  it('a deadline still far off is green, within 7 days yellow, passed red', () => {
    expect(statusOf(withDeadlines('2025-07-31'), undefined, '2025-07-03').light).toBe('green');
    expect(statusOf(withDeadlines('2025-07-10'), undefined, '2025-07-03').light).toBe('yellow');
    expect(statusOf(withDeadlines('2025-07-11'), undefined, '2025-07-03').light).toBe('green');
    expect(statusOf(withDeadlines('2025-07-03'), undefined, '2025-07-03').light).toBe('yellow');
    const late = statusOf(withDeadlines('2025-06-30'), progress('in-progress'), '2025-07-03');
    expect(late).toMatchObject({ light: 'red', overdueDays: 3, due: { date: '2025-06-30' } });
  });

  it('done is green whatever the date: 已办结, and 待确认 (the unit has finished; the next move is the supervisors)', () => {
    expect(statusOf(withDeadlines('2025-06-30'), progress('closed'), '2025-07-03').light).toBe('green');
    expect(statusOf(withDeadlines('2025-06-30'), progress('pending-confirm'), '2025-07-03').light).toBe('green');
  });

  it('有困难 is yellow even far from the deadline, and without one; red still wins once overdue', () => {
    expect(statusOf(withDeadlines('2025-12-31'), progress('difficulty'), '2025-07-03').light).toBe('yellow');
    expect(statusOf(base, progress('difficulty'), '2025-07-03').light).toBe('yellow');
    expect(statusOf(withDeadlines('2025-06-30'), progress('difficulty'), '2025-07-03').light).toBe('red');
  });

  it('no time limit and no difficulty is green, reported or not', () => {
    expect(statusOf(base, undefined, '2025-07-03')).toMatchObject({ light: 'green', state: 'not-started' });
    expect(statusOf(base, progress('in-progress'), '2025-07-03').light).toBe('green');
  });

  it('a passed milestone turns red only when nothing was ever started; the next milestone is judged otherwise', () => {
    const a = withDeadlines('2025-05-31', '2025-12-31');
    expect(statusOf(a, undefined, '2025-07-03')).toMatchObject({ light: 'red', due: { date: '2025-05-31' }, overdueDays: 33 });
    expect(statusOf(a, progress('in-progress'), '2025-07-03')).toMatchObject({ light: 'green', due: { date: '2025-12-31' } });
  });

  it('recurring duties are judged per period: last quarter’s report does not cover this quarter', () => {
    expect(currentPeriod('quarterly', 2025, '2025-02-20', '2025-07-03')).toEqual({ from: '2025-07-01', to: '2025-09-30' });
    const lastQuarter = progress('pending-confirm', '2025-06-20T02:00:00.000Z');
    expect(statusOf(quarterly, lastQuarter, '2025-07-03')).toMatchObject({ light: 'green', state: 'not-started', due: { date: '2025-09-30', kind: 'period' } });
    expect(statusOf(quarterly, lastQuarter, '2025-09-25')).toMatchObject({ light: 'yellow', state: 'not-started' });
    const thisQuarter = progress('pending-confirm', '2025-09-24T02:00:00.000Z');
    expect(statusOf(quarterly, thisQuarter, '2025-09-25')).toMatchObject({ light: 'green', state: 'pending-confirm' });
  });

  it('a recurring duty closed by a supervisor stays closed; after the plan year the last period has passed', () => {
    expect(statusOf(quarterly, progress('closed', '2025-03-01T00:00:00.000Z'), '2025-11-20').light).toBe('green');
    expect(statusOf(quarterly, progress('in-progress', '2025-11-20T00:00:00.000Z'), '2026-01-05')).toMatchObject({
      light: 'red',
      due: { date: '2025-12-31' },
    });
  });

  it('monthly and weekly periods', () => {
    expect(currentPeriod('monthly', 2025, '2025-02-20', '2025-02-28')).toEqual({ from: '2025-02-01', to: '2025-02-28' });
    // Weekly duties end on Fridays, as the reminder plan schedules them.
    expect(currentPeriod('weekly', 2025, '2025-02-20', '2025-07-05')).toEqual({ from: '2025-07-05', to: '2025-07-11' });
    expect(currentPeriod('semiannual', 2025, '2025-02-20', '2025-07-05')).toEqual({ from: '2025-07-01', to: '2025-12-31' });
  });
});
