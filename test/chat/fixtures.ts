import type { Plans } from '../../src/chat/context.js';
import type { IncomingMessage } from '../../src/chat/types.js';
import { Ledger, type Task } from '../../src/plan/schema.js';
import { PlanIndex } from '../../src/search/index.js';
import { UnitDirectory } from '../../src/units/directory.js';

/**
 * A small hand-made ledger of two invented plans (so nothing here leans on the
 * bundled seeds): clause-level leads, co-units, implied leads, absolute,
 * recurring and relative time limits, and one topic present in both plans.
 */

function task(doc: string, t: Partial<Task> & Pick<Task, 'path' | 'title' | 'text'>): Task {
  return {
    id: `${doc}#${t.path.join('')}`,
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

export const fixtureLedger: Ledger = Ledger.parse({
  documents: [
    {
      file: 'qingshan-2024.txt',
      title: '2024年青山县政务公开工作要点',
      issuer: '青山县人民政府办公室',
      docNumber: '青政办发〔2024〕12号',
      issuedOn: '2024-03-15',
      year: 2024,
      tasks: [
        task('qingshan-2024', {
          path: ['一、', '（一）'],
          title: '深化财政预算信息公开',
          text: '推动部门预算、决算和项目预算向社会公开。（县财政局牵头负责）7月底前完成减税降费、留抵退税政策集中推送，政策文件签发后3个工作日内推送到企业。（县税务局牵头负责）',
          leads: ['县财政局', '县税务局'],
          deadlines: [{ text: '7月底前', date: '2024-07-31', pastAtIssue: false }],
          relative: [{ text: '签发后3个工作日内' }],
          clauses: [
            { text: '推动部门预算、决算和项目预算向社会公开。', leads: ['县财政局'], co: [], deadlines: [], recurring: [] },
            {
              text: '7月底前完成减税降费、留抵退税政策集中推送，政策文件签发后3个工作日内推送到企业。',
              leads: ['县税务局'],
              co: [],
              deadlines: [{ text: '7月底前', date: '2024-07-31', pastAtIssue: false }],
              recurring: [],
            },
          ],
        }),
        task('qingshan-2024', {
          path: ['一、', '（二）'],
          title: '统筹管好政府网站',
          text: '高效办理“我为政府网站找错”平台网民留言，11月底前完成网站集约化改造，每季度通报网站检查情况。（县大数据发展中心牵头，县府办配合）',
          leads: ['县大数据发展中心'],
          co: ['县府办'],
          deadlines: [{ text: '11月底前', date: '2024-11-30', pastAtIssue: false }],
          recurring: [{ text: '每季度', rule: 'quarterly' }],
        }),
        task('qingshan-2024', {
          path: ['二、', '（一）'],
          title: '加强政策解读',
          text: '各政策起草单位要按照“谁起草谁解读”原则同步做好解读。',
          impliedLeads: ['各政策起草单位'],
        }),
        task('qingshan-2024', {
          path: ['二、', '（二）'],
          title: '规范办理依申请公开',
          text: '上半年完成依申请公开答复文书规范化。（县司法局牵头，各有关单位配合）',
          leads: ['县司法局'],
          co: ['各有关单位'],
          deadlines: [{ text: '上半年', date: '2024-06-30', pastAtIssue: false }],
          genericUnits: ['各有关单位'],
        }),
        task('qingshan-2024', {
          path: ['二、', '（三）'],
          title: '做好项目审批信息公开',
          text: '7月20日前公开重大项目审批结果。（县发展和改革局牵头，县财政局配合）',
          leads: ['县发展和改革局'],
          co: ['县财政局'],
          deadlines: [{ text: '7月20日前', date: '2024-07-20', pastAtIssue: false }],
        }),
      ],
    },
    {
      file: 'yunling-2023.txt',
      title: '2023年云岭市政务公开工作要点',
      issuer: '云岭市人民政府办公室',
      docNumber: '云府办函〔2023〕8号',
      issuedOn: '2023-04-10',
      year: 2023,
      tasks: [
        task('yunling-2023', {
          path: ['一、', '（一）'],
          title: '推进减税降费政策公开',
          text: '年底前完成减税降费政策汇编公开。（市税务局牵头负责）',
          leads: ['市税务局'],
          deadlines: [{ text: '年底前', date: '2023-12-31', pastAtIssue: false }],
        }),
        task('yunling-2023', {
          path: ['一、', '（二）'],
          title: '优化政务服务便民热线',
          text: '每月公示12345热线办理情况。（市政务服务中心牵头负责）',
          leads: ['市政务服务中心'],
          recurring: [{ text: '每月', rule: 'monthly' }],
        }),
      ],
    },
  ],
});

export const fixtureUnits = [
  { name: '县财政局', aliases: ['财政局'] },
  { name: '县税务局', aliases: [] },
  { name: '县发展和改革局', aliases: ['县发改局', '发改局'] },
  { name: '县大数据发展中心', aliases: ['大数据中心'] },
  { name: '县府办', aliases: ['县政府办公室'] },
  { name: '县司法局', aliases: [] },
  { name: '市税务局', aliases: [] },
  { name: '市政务服务中心', aliases: [] },
];

let seq = 0;
/** A message as an adapter would hand it over; p2p unless told otherwise. */
export function msg(text: string, over: Partial<IncomingMessage> = {}): IncomingMessage {
  seq += 1;
  return {
    platform: 'test',
    tenant: 't1',
    chatId: over.chatType === 'group' ? 'oc_group' : 'oc_p2p',
    chatType: 'p2p',
    senderId: 'ou_user',
    text,
    mentionsBot: false,
    messageId: `om_${seq}`,
    ...over,
  };
}

/** The fixture ledger behind the real index and directory, as the bot would load it. */
export function fixturePlans(): Plans {
  const units = UnitDirectory.fromEntries(fixtureUnits);
  return { ledger: fixtureLedger, index: PlanIndex.build(fixtureLedger, units), units };
}
