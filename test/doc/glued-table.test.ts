import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse.js';
import type { PlanDocument } from '../../src/plan/schema.js';

/** Tables copied out of a web page with every cell glued into one line, as government sites' text exports look. */
const ledger = (d: PlanDocument) =>
  d.tasks.map((t) => ({ path: t.path.join(''), leads: t.leads, co: t.co, dates: t.deadlines.map((x) => x.date), recurring: t.recurring.map((r) => r.rule) }));

describe('glued table cells in one line', () => {
  it('splits rows at "time limit + units", with areas, numbered measures and a 牵头 | 配合 pair', () => {
    const text =
      '东林县2025年农村人居环境整治工作要点 为改善农村人居环境，制定本要点。 附件 东林县2025年农村人居环境整治工作分工表 序号重点任务具体措施完成时限牵头单位配合单位 ' +
      '1垃圾治理1、建立农村生活垃圾收运处置体系6月县住建局县财政局各乡镇人民政府2、开展村庄清洁行动每月各乡镇人民政府 ' +
      '2污水治理3、完成15个行政村生活污水治理12月县生态环境局县农业农村局4、建立污水设施运维机制年底前县水利局 东林县人民政府办公室 2025年2月10日印发';
    expect(ledger(parsePlan(text, 'glued.txt'))).toEqual([
      { path: '1.1、', leads: ['县住建局'], co: ['县财政局', '各乡镇人民政府'], dates: ['2025-06-30'], recurring: [] },
      { path: '1.2、', leads: ['各乡镇人民政府'], co: [], dates: [], recurring: ['monthly'] },
      { path: '2.3、', leads: ['县生态环境局'], co: ['县农业农村局'], dates: ['2025-12-31'], recurring: [] },
      { path: '2.4、', leads: ['县水利局'], co: [], dates: ['2025-12-31'], recurring: [] },
    ]);
  });

  it('reads units before the time limit when the header puts them first, skips a source column with its own numbers, and applies the first-unit rule', () => {
    const text =
      '清河县2025年重点工作任务分解 序号 工作任务 责任单位 完成时限 任务来源 ' +
      '1推进县域商业体系建设，新建乡镇商贸中心3个县商务局县财政局6月底前1、省政府工作报告2、县委经济工作会议' +
      '2实施农村公路提质改造工程县交通运输局、各乡镇人民政府年底前1、县政府工作报告' +
      '3开展“双随机、一公开”监管全覆盖县市场监督管理局每季度 注：责任单位排在第一位的为牵头单位。';
    expect(ledger(parsePlan(text, 'glued2.txt'))).toEqual([
      { path: '1', leads: ['县商务局'], co: ['县财政局'], dates: ['2025-06-30'], recurring: [] },
      { path: '2', leads: ['县交通运输局'], co: ['各乡镇人民政府'], dates: ['2025-12-31'], recurring: [] },
      { path: '3', leads: ['县市场监督管理局'], co: [], dates: [], recurring: ['quarterly'] },
    ]);
  });

  it('reads glued rows one per line under a glued header (a PDF text layer), and the prose after the table', () => {
    const text = [
      '南山区2025年安全生产重点工作分工',
      '序号工作任务完成时限责任单位',
      '1开展危险化学品专项整治3月区应急管理局区市场监督管理局',
      '2完成老旧燃气管道改造12公里10月底前区住房和城乡建设局',
      '3组织消防安全“进社区”宣传每月区消防救援大队各街道办事处',
      '南山区人民政府办公室',
      '2025年1月20日印发',
    ].join('\n');
    const d = parsePlan(text, 'pdf-lines.txt');
    expect(ledger(d)).toEqual([
      { path: '1', leads: [], co: ['区应急管理局', '区市场监督管理局'], dates: ['2025-03-31'], recurring: [] },
      { path: '2', leads: [], co: ['区住房和城乡建设局'], dates: ['2025-10-31'], recurring: [] },
      { path: '3', leads: [], co: ['区消防救援大队', '各街道办事处'], dates: [], recurring: ['monthly'] },
    ]);
  });

  it('ends a row at its units when its time limit is not one we know, without splitting a measure at a count in it', () => {
    const text =
      '北岸县2025年水利工作分工 序号工作任务完成时限责任单位 ' +
      '1新建2个污水处理站3月县水利局2完成病险水库除险加固视工程进度县水利局县财政局3开展河湖“清四乱”行动6月底前县河长办各乡镇人民政府';
    expect(ledger(parsePlan(text, 'glued3.txt')).map(({ path, leads, co, dates }) => ({ path, leads, co, dates }))).toEqual([
      { path: '1', leads: [], co: ['县水利局'], dates: ['2025-03-31'] },
      { path: '2', leads: [], co: ['县水利局', '县财政局'], dates: [] },
      { path: '3', leads: [], co: ['县河长办', '各乡镇人民政府'], dates: ['2025-06-30'] },
    ]);
  });

  it('leaves a line that only mentions 序号 and 责任单位 as prose', () => {
    const d = parsePlan('平安县2025年工作要点\n一、加强领导。各单位要按序号逐项落实，责任单位要明确专人负责。（县政府办公室牵头负责）\n', 'p.txt');
    expect(d.tasks.map((t) => t.leads)).toEqual([['县政府办公室']]);
  });
});
