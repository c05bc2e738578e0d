import { describe, expect, it } from 'vitest';
import { formatShanghai } from '../../src/calendar/shanghai.js';
import { isWorkday } from '../../src/calendar/workdays.js';
import { deliveryUuidFor } from '../../jobs/delivery-queue.js';
import { periodEnds, planReminders, standingRules } from '../../src/reminders/plan.js';
import { NO_LEAD } from '../../src/reminders/targets.js';
import type { Reminder } from '../../src/reminders/types.js';
import { deadline, doc, ledger, task } from './fixtures.js';

const YEAR_2022 = { today: '2022-03-01', until: '2022-12-31' };

function oneTask(input: Parameters<typeof task>[0], window = YEAR_2022, docInput: Partial<Parameters<typeof doc>[0]> = {}) {
  return planReminders(ledger(doc({ ...docInput, tasks: [task(input)] })), window);
}

const notices = (rs: Reminder[]) => rs.filter((r) => r.kind.startsWith('before-') || r.kind === 'due');
const brief = (r: Reminder) => `${r.fireDate} ${r.kind}${r.movedFrom ? ` (from ${r.movedFrom})` : ''}`;

describe('notices before a deadline', () => {
  it('sends 7/3/1 days before and on the due day at 09:00 Shanghai on ordinary working days', () => {
    // Friday 29 July 2022: 7 before = Fri 22, 3 before = Tue 26, 1 before = Thu 28.
    const rs = notices(oneTask({ path: ['一、'], leads: ['县财政局'], deadlines: [deadline('2022-07-29', '7月底前')] }));
    expect(rs.map(brief)).toEqual(['2022-07-22 before-7', '2022-07-26 before-3', '2022-07-28 before-1', '2022-07-29 due']);
    for (const r of rs) {
      expect(formatShanghai(r.fireAt)).toBe(`${r.fireDate}T09:00:00+08:00`);
      expect(r.target).toEqual({ kind: 'unit', unit: '县财政局' });
      expect(r.deadlineText).toBe('7月底前');
    }
  });

  it('moves notices out of the 2022 National Day week and uses the 调休 Sunday', () => {
    // Monday 10 October: 7 before = 3 Oct and 3 before = 7 Oct (holidays) → Fri 30 Sep (one notice);
    // 1 before = Sunday 9 Oct, a make-up working day, is kept.
    const rs = notices(oneTask({ path: ['一、'], leads: ['县财政局'], deadlines: [deadline('2022-10-10')] }));
    expect(rs.map(brief)).toEqual(['2022-09-30 before-3 (from 2022-10-07)', '2022-10-09 before-1', '2022-10-10 due']);
    for (const r of rs) expect(r.fireDate < '2022-10-01' || r.fireDate > '2022-10-07').toBe(true);
  });

  it('moves notices out of the 2023 Spring Festival and uses the 调休 Saturday 28 January', () => {
    const rs = notices(
      oneTask(
        { path: ['一、'], leads: ['市司法局'], deadlines: [deadline('2023-01-31', '1月底前')] },
        { today: '2023-01-01', until: '2023-12-31' },
        { issuedOn: '2023-01-01', year: 2023 },
      ),
    );
    expect(rs.map(brief)).toEqual([
      '2023-01-20 before-7 (from 2023-01-24)',
      '2023-01-28 before-3',
      '2023-01-30 before-1',
      '2023-01-31 due',
    ]);
    for (const r of rs) expect(r.fireDate >= '2023-01-21' && r.fireDate <= '2023-01-27').toBe(false);
  });

  it('reminds 年底前 2022 (Saturday 31 December) on Friday 30 December and says it moved', () => {
    const rs = notices(oneTask({ path: ['一、'], leads: ['县财政局'], deadlines: [deadline('2022-12-31', '年底前')] }));
    const due = rs.find((r) => r.kind === 'due');
    expect(due).toMatchObject({ fireDate: '2022-12-30', movedFrom: '2022-12-31', dueDate: '2022-12-31' });
    // The 1-day notice would be the same Friday: only the due-day notice is sent.
    expect(rs.filter((r) => r.fireDate === '2022-12-30')).toHaveLength(1);
    expect(rs.map(brief)).toEqual(['2022-12-23 before-7 (from 2022-12-24)', '2022-12-28 before-3', '2022-12-30 due (from 2022-12-31)']);
  });

  it('never fires on a non-working day', () => {
    const dates = ['2022-01-31', '2022-04-05', '2022-05-04', '2022-06-03', '2022-09-12', '2022-10-08', '2022-12-31'];
    const rs = oneTask({ path: ['一、'], leads: ['县财政局'], deadlines: dates.map((d) => deadline(d)) }, { today: '2022-01-01', until: '2023-03-31' });
    expect(rs.length).toBeGreaterThan(dates.length * 4);
    for (const r of rs) expect(isWorkday(r.fireDate), brief(r)).toBe(true);
  });
});

describe('after the deadline', () => {
  it('gives a deadline already past at load time only the overdue ladder', () => {
    // Due Friday 29 July; loaded Monday 1 August.
    const rs = oneTask({ path: ['一、'], leads: ['县财政局'], deadlines: [deadline('2022-07-29')] }, { today: '2022-08-01', until: '2022-08-31' });
    expect(new Set(rs.map((r) => r.kind))).toEqual(new Set(['overdue', 'escalate']));
    const [first, second] = rs;
    expect(first).toMatchObject({ kind: 'overdue', fireDate: '2022-08-01', repeat: 0, target: { kind: 'unit', unit: '县财政局' } });
    // 通报 three working days after the 催办, to the supervisors, naming the unit.
    expect(second).toMatchObject({ kind: 'escalate', fireDate: '2022-08-04', repeat: 0, unit: '县财政局', target: { kind: 'supervisors' } });
    // Then weekly until the window ends.
    expect(rs.filter((r) => r.kind === 'overdue').map((r) => r.fireDate)).toEqual(['2022-08-01', '2022-08-08', '2022-08-15', '2022-08-22', '2022-08-29']);
    expect(rs.filter((r) => r.kind === 'escalate').map((r) => r.fireDate)).toEqual(['2022-08-04', '2022-08-11', '2022-08-18', '2022-08-25']);
  });

  it('runs 催办 on the first working day after a holiday deadline', () => {
    const rs = oneTask({ path: ['一、'], leads: ['县财政局'], deadlines: [deadline('2022-12-31', '年底前')] }, { today: '2022-12-01', until: '2023-01-10' });
    const overdue = rs.find((r) => r.kind === 'overdue' && r.repeat === 0);
    expect(overdue?.fireDate).toBe('2023-01-03'); // 1–2 January 2023 are 元旦 days off
    expect(rs.find((r) => r.kind === 'escalate' && r.repeat === 0)?.fireDate).toBe('2023-01-06');
  });

  it('keeps the ladder ids whichever day the plan is loaded, so reloading never duplicates', () => {
    const input = { path: ['一、'], leads: ['县财政局'], deadlines: [deadline('2022-07-29')] };
    const early = oneTask(input, { today: '2022-07-01', until: '2022-09-30' });
    const late = oneTask(input, { today: '2022-08-10', until: '2022-09-30' });
    const earlyIds = new Map(early.map((r) => [r.id, r]));
    expect(late.length).toBeGreaterThan(0);
    for (const r of late) expect(earlyIds.get(r.id)?.fireDate, brief(r)).toBe(r.fireDate);
  });
});

describe('recurring duties', () => {
  it('schedules the four quarter ends of the plan year for a plan issued before the first', () => {
    const rs = oneTask({ path: ['一、'], leads: ['县府办'], recurring: [{ text: '每季度', rule: 'quarterly' }] }, { today: '2022-01-10', until: '2022-12-31' }, { issuedOn: '2022-01-10' });
    expect(rs.every((r) => r.kind === 'recurring')).toBe(true);
    expect([...new Set(rs.map((r) => r.dueDate))]).toEqual(['2022-03-31', '2022-06-30', '2022-09-30', '2022-12-31']);
    // Each period end gets the same notices as a deadline; 31 Dec 2022 is a Saturday.
    const q4 = rs.filter((r) => r.dueDate === '2022-12-31').map((r) => `${r.fireDate}/${r.offsetDays}`);
    expect(q4).toEqual(['2022-12-23/7', '2022-12-28/3', '2022-12-30/0']);
  });

  it('starts from the issue date: a plan issued in May gets three quarter ends', () => {
    const rs = oneTask({ path: ['一、'], leads: ['县府办'], recurring: [{ text: '季度报送', rule: 'quarterly' }] }, { today: '2022-05-10', until: '2022-12-31' }, { issuedOn: '2022-05-10' });
    expect([...new Set(rs.map((r) => r.dueDate))]).toEqual(['2022-06-30', '2022-09-30', '2022-12-31']);
  });

  it('computes period ends for every rule', () => {
    expect(periodEnds('monthly', 2023, '2023-01-01')).toEqual([
      '2023-01-31', '2023-02-28', '2023-03-31', '2023-04-30', '2023-05-31', '2023-06-30',
      '2023-07-31', '2023-08-31', '2023-09-30', '2023-10-31', '2023-11-30', '2023-12-31',
    ]);
    expect(periodEnds('semiannual', 2022, '2022-03-01')).toEqual(['2022-06-30', '2022-12-31']);
    expect(periodEnds('annual', 2022, '2022-03-01')).toEqual(['2022-12-31']);
    const fridays = periodEnds('weekly', 2022, '2022-12-01');
    expect(fridays).toEqual(['2022-12-02', '2022-12-09', '2022-12-16', '2022-12-23', '2022-12-30']);
  });

  it('weekly duties get one reminder per week, moved off a holiday Friday (into the same message as the week before)', () => {
    const rs = oneTask({ path: ['一、'], leads: ['县府办'], recurring: [{ text: '每周', rule: 'weekly' }] }, { today: '2022-09-20', until: '2022-10-20' });
    expect(rs.map(brief)).toEqual(['2022-09-23 recurring', '2022-09-30 recurring', '2022-10-14 recurring']);
    expect(rs[1]!.also).toEqual([{ dueDate: '2022-10-07', deadlineText: '每周', kind: 'recurring', offsetDays: 0, rule: 'weekly' }]);
  });

  it('two duties of one task due the same day make one message to the unit that lists both', () => {
    const rs = oneTask(
      {
        path: ['一、'],
        leads: ['县府办'],
        recurring: [
          { text: '季度报送', rule: 'quarterly' },
          { text: '每半年自查', rule: 'semiannual' },
        ],
      },
      { today: '2022-06-01', until: '2022-07-31' },
      { issuedOn: '2022-01-10' },
    );
    // 30 June ends a quarter and a half-year: 7/3/1 days ahead and on the day, one message each time.
    expect(rs.map(brief)).toEqual(['2022-06-23 recurring', '2022-06-27 recurring', '2022-06-29 recurring', '2022-06-30 recurring']);
    for (const r of rs) {
      expect([r.deadlineText, ...(r.also ?? []).map((a) => a.deadlineText)]).toEqual(['季度报送', '每半年自查']);
    }
    expect(new Set(rs.map((r) => r.id)).size).toBe(rs.length);
  });

  it('a deadline and a duty of one task on the same day are one message too; another unit still gets its own', () => {
    const rs = oneTask({ path: ['一、'], leads: ['县府办', '县财政局'], deadlines: [deadline('2022-06-30', '6月底前')], recurring: [{ text: '每季度', rule: 'quarterly' }] }, { today: '2022-06-29', until: '2022-06-30' });
    expect(rs.map((r) => `${r.fireDate} ${r.unit} ${r.kind} +${(r.also ?? []).map((a) => a.kind).join(',')}`)).toEqual([
      '2022-06-29 县府办 before-1 +recurring',
      '2022-06-29 县财政局 before-1 +recurring',
      '2022-06-30 县府办 due +recurring',
      '2022-06-30 县财政局 due +recurring',
    ]);
  });
});

describe('who is reminded', () => {
  it('sends generic leads to the supervisors once, not per unit', () => {
    const rs = oneTask({ path: ['一、'], leads: ['各有关单位', '区政府各部门', '各乡镇'], deadlines: [deadline('2022-07-29')] });
    const dueDay = rs.filter((r) => r.kind === 'due');
    expect(dueDay).toHaveLength(1);
    expect(dueDay[0]!.target).toEqual({ kind: 'supervisors' });
    expect(dueDay[0]!.unit).toContain('各有关单位');
  });

  it('sends a task with no lead to the supervisors', () => {
    const rs = oneTask({ path: ['一、'], leads: [], impliedLeads: ['县财政局'], deadlines: [deadline('2022-07-29')] });
    expect(new Set(rs.map((r) => r.unit))).toEqual(new Set([NO_LEAD]));
    expect(rs.every((r) => r.target.kind === 'supervisors')).toBe(true);
    // The supervisors already get the 催办; no separate 通报 to themselves.
    expect(rs.some((r) => r.kind === 'escalate')).toBe(false);
  });

  it('reminds each named lead separately and the generic part once', () => {
    const rs = oneTask({ path: ['一、'], leads: ['县发改局', '各有关单位', '县财政局'], deadlines: [deadline('2022-07-29')] });
    const dueTargets = rs.filter((r) => r.kind === 'due').map((r) => r.target);
    expect(dueTargets).toEqual(
      expect.arrayContaining([{ kind: 'unit', unit: '县发改局' }, { kind: 'unit', unit: '县财政局' }, { kind: 'supervisors' }]),
    );
    expect(dueTargets).toHaveLength(3);
  });

  it('honours the parser-declared generic units', () => {
    const rs = oneTask({ path: ['一、'], leads: ['街道', '县农业农村局'], genericUnits: ['街道'], deadlines: [deadline('2022-07-29')] });
    expect(rs.filter((r) => r.kind === 'due').map((r) => r.target)).toEqual([{ kind: 'unit', unit: '县农业农村局' }, { kind: 'supervisors' }]);
  });

  it('uses clause leads for a clause with its own time limit, the task leads for the rest', () => {
    const rs = oneTask({
      path: ['三、', '（三）'],
      leads: ['县农业农村局', '县征收指导中心'],
      deadlines: [deadline('2022-12-31', '年底前'), deadline('2022-07-29', '7月底前')],
      clauses: [
        { text: '征收公开', leads: ['县征收指导中心'], co: [], deadlines: [deadline('2022-07-29', '7月底前')], recurring: [] },
        { text: '涉农补贴', leads: ['县农业农村局'], co: [], deadlines: [], recurring: [] },
      ],
    });
    // A due-day notice may ride in the same message as a 催办 of the same unit (listed in `also`).
    const dueByDate = (d: string) =>
      rs.filter((r) => [r, ...(r.also ?? [])].some((x) => x.kind === 'due' && x.dueDate === d)).map((r) => r.unit).sort();
    expect(dueByDate('2022-07-29')).toEqual(['县征收指导中心']);
    expect(dueByDate('2022-12-31')).toEqual(['县农业农村局', '县征收指导中心']);
  });

  it('resolves aliases through the unit directory', () => {
    const rs = planReminders(ledger(doc({ tasks: [task({ path: ['一、'], leads: ['财政局'], deadlines: [deadline('2022-07-29')] })] })), {
      ...YEAR_2022,
      resolveUnit: (name) => (name === '财政局' ? '县财政局' : undefined),
    });
    expect(new Set(rs.filter((r) => r.target.kind === 'unit').map((r) => r.unit))).toEqual(new Set(['县财政局']));
  });
});

describe('what is never scheduled', () => {
  it('lists relative limits as standing rules and schedules nothing for them', () => {
    const l = ledger(doc({ tasks: [task({ path: ['一、'], leads: ['区政府办'], relative: [{ text: '在行政首长签发后 3 个工作日内' }] })] }));
    expect(planReminders(l, YEAR_2022)).toEqual([]);
    expect(standingRules(l)).toEqual([expect.objectContaining({ text: '在行政首长签发后 3 个工作日内', taskId: 'doc#一、' })]);
  });

  it('returns nothing outside the window', () => {
    const rs = oneTask({ path: ['一、'], leads: ['县财政局'], deadlines: [deadline('2022-07-29')] }, { today: '2022-03-01', until: '2022-07-25' });
    expect(rs.map(brief)).toEqual(['2022-07-22 before-7']);
  });
});

describe('ids', () => {
  const l = ledger(
    doc({
      tasks: [
        task({ path: ['一、'], leads: ['县财政局', '各有关单位'], deadlines: [deadline('2022-07-29')], recurring: [{ text: '每月', rule: 'monthly' }] }),
        task({ path: ['二、'], leads: ['县财政局'], deadlines: [deadline('2022-07-29')] }),
      ],
    }),
  );

  it('are the same when the same ledger is planned twice, and unique within a plan', () => {
    const a = planReminders(l, YEAR_2022);
    const b = planReminders(structuredClone(l), YEAR_2022);
    expect(b.map((r) => r.id)).toEqual(a.map((r) => r.id));
    expect(new Set(a.map((r) => r.id)).size).toBe(a.length);
  });

  it('differ between tenants', () => {
    const a = planReminders(l, { ...YEAR_2022, config: { tenant: 't1' } });
    const b = planReminders(l, { ...YEAR_2022, config: { tenant: 't2' } });
    expect(a.length).toBe(b.length);
    const ids = new Set(a.map((r) => r.id));
    expect(b.some((r) => ids.has(r.id))).toBe(false);
  });

  it('are acceptable BullMQ job ids and Lark uuids', () => {
    for (const r of planReminders(l, YEAR_2022)) {
      expect(r.id).not.toContain(':');
      expect(String(Number.parseInt(r.id, 10))).not.toBe(r.id);
      expect(deliveryUuidFor(r.id, 'oc_0123456789abcdef0123456789abcdef').length).toBeLessThanOrEqual(50);
    }
  });

  it('change when a deadline moves, so the old job can be removed', () => {
    const moved = ledger(doc({ tasks: [task({ path: ['一、'], leads: ['县财政局'], deadlines: [deadline('2022-08-31')] })] }));
    const before = ledger(doc({ tasks: [task({ path: ['一、'], leads: ['县财政局'], deadlines: [deadline('2022-07-29')] })] }));
    const a = new Set(planReminders(before, YEAR_2022).map((r) => r.id));
    expect(planReminders(moved, YEAR_2022).some((r) => a.has(r.id))).toBe(false);
  });
});
