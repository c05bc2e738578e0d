import type { Plans } from '../../src/chat/context.js';
import { Ledger, type Task } from '../../src/plan/schema.js';
import type { ProgressEvent, ReportStatus } from '../../src/progress/types.js';
import { PlanIndex } from '../../src/search/index.js';
import { UnitDirectory } from '../../src/units/directory.js';

/**
 * An invented plan (桃源县, 2025) covering what the weekly summary must get
 * right: a missed deadline, a split item with two leads, a quarterly duty, a
 * milestone passed with nothing started, a class of units and a lead-less
 * item (both left out of per-unit figures), two leads on one item, an item
 * without a time limit, and a second document that spells a unit differently.
 */

function task(doc: string, t: Partial<Task> & Pick<Task, 'path' | 'title'>): Task {
  return {
    id: `${doc}#${t.path.join('')}`,
    text: t.title,
    leads: [],
    co: [],
    impliedLeads: [],
    deadlines: [],
    recurring: [],
    relative: [],
    clauses: [],
    genericUnits: [],
    ...t,
  };
}

const d = (text: string, date: string) => ({ text, date, pastAtIssue: false });

export const T = {
  budget: 'taoyuan-2025#一、（一）',
  split: 'taoyuan-2025#一、（二）',
  quarterly: 'taoyuan-2025#二、（一）',
  milestones: 'taoyuan-2025#二、（二）',
  generic: 'taoyuan-2025#三、（一）',
  noLead: 'taoyuan-2025#三、（二）',
  shared: 'taoyuan-2025#三、（三）',
  open: 'taoyuan-2025#三、（四）',
  other: 'taoyuan-2025-b#一、',
} as const;

export const summaryLedger: Ledger = Ledger.parse({
  documents: [
    {
      file: 'taoyuan-2025.txt',
      title: '2025年桃源县重点工作安排',
      issuer: '桃源县人民政府办公室',
      docNumber: '桃政办发〔2025〕3号',
      issuedOn: '2025-02-20',
      year: 2025,
      tasks: [
        task('taoyuan-2025', { path: ['一、', '（一）'], title: '公开部门预算', leads: ['县财政局'], deadlines: [d('6月底前', '2025-06-30')] }),
        task('taoyuan-2025', {
          path: ['一、', '（二）'],
          title: '落实减税降费',
          text: '梳理惠企政策清单。（县财政局牵头）7月底前完成政策集中推送。（县税务局牵头）',
          leads: ['县财政局', '县税务局'],
          deadlines: [d('7月底前', '2025-07-31')],
          clauses: [
            { text: '梳理惠企政策清单。', leads: ['县财政局'], co: [], deadlines: [], recurring: [] },
            { text: '7月底前完成政策集中推送。', leads: ['县税务局'], co: [], deadlines: [d('7月底前', '2025-07-31')], recurring: [] },
          ],
        }),
        task('taoyuan-2025', { path: ['二、', '（一）'], title: '通报教育收费检查', leads: ['县教育局'], recurring: [{ text: '每季度', rule: 'quarterly' }] }),
        task('taoyuan-2025', {
          path: ['二、', '（二）'],
          title: '推进校舍改造',
          leads: ['县教育局'],
          deadlines: [d('5月底前', '2025-05-31'), d('年底前', '2025-12-31')],
        }),
        task('taoyuan-2025', { path: ['三、', '（一）'], title: '做好防汛值守', leads: ['各乡镇'], genericUnits: ['各乡镇'], deadlines: [d('7月5日前', '2025-07-05')] }),
        task('taoyuan-2025', { path: ['三、', '（二）'], title: '开展满意度调查', deadlines: [d('7月8日前', '2025-07-08')] }),
        task('taoyuan-2025', { path: ['三、', '（三）'], title: '整治老旧小区', leads: ['县财政局', '县住建局'], deadlines: [d('7月10日前', '2025-07-10')] }),
        task('taoyuan-2025', { path: ['三、', '（四）'], title: '规范物业管理', leads: ['县住建局'] }),
      ],
    },
    {
      file: 'taoyuan-2025-b.txt',
      title: '2025年桃源县营商环境工作要点',
      issuer: '桃源县人民政府办公室',
      docNumber: '桃政办发〔2025〕5号',
      issuedOn: '2025-03-01',
      year: 2025,
      tasks: [task('taoyuan-2025-b', { path: ['一、'], title: '清理拖欠账款', leads: ['财政局'], deadlines: [d('7月4日前', '2025-07-04')] })],
    },
  ],
});

export const summaryUnits = UnitDirectory.fromEntries([
  { name: '县财政局', aliases: ['财政局'] },
  { name: '县税务局', aliases: [] },
  { name: '县教育局', aliases: [] },
  { name: '县住建局', aliases: [] },
]);

export function summaryPlans(): Plans {
  return { ledger: summaryLedger, index: PlanIndex.build(summaryLedger, summaryUnits), units: summaryUnits };
}

/** Thursday of ISO week 2025-W27 (Mon 30 June – Sun 6 July). */
export const NOW = new Date('2025-07-03T10:00:00+08:00');

type Ev = Omit<ProgressEvent, 'id'>;

const report = (taskId: string, unit: string, status: ReportStatus, at: string, note = ''): Ev => ({
  tenant: 'local',
  taskId,
  unit,
  kind: 'report',
  status,
  note,
  by: `ou_${unit}`,
  chatId: `oc_${unit}`,
  at: new Date(at).toISOString(),
});

const supervisor = (kind: 'confirm' | 'return', taskId: string, unit: string, at: string, note = ''): Ev => ({
  tenant: 'local',
  taskId,
  unit,
  kind,
  note,
  by: 'ou_supervisor',
  chatId: 'oc_supervisors',
  at: new Date(at).toISOString(),
});

/** The log behind the expected figures in weekly.test.ts. */
export const summaryEvents: Ev[] = [
  report(T.budget, '县财政局', 'in-progress', '2025-06-10T09:00:00+08:00', '已汇总各部门预算'),
  report(T.split, '县财政局', 'done', '2025-07-01T15:00:00+08:00', '清单已印发'),
  report(T.split, '县税务局', 'difficulty', '2025-07-02T11:00:00+08:00', '推送平台尚未上线'),
  report(T.quarterly, '县教育局', 'done', '2025-06-20T10:00:00+08:00', '二季度通报已发'),
  report(T.shared, '县财政局', 'done', '2025-06-25T10:00:00+08:00', '资金已拨付'),
  supervisor('confirm', T.shared, '县财政局', '2025-07-02T16:00:00+08:00'),
  report(T.other, '财政局', 'in-progress', '2025-07-03T09:00:00+08:00', '已清偿六成'),
];
