import { describe, expect, it } from 'vitest';
import { PlanIndex, isAmbiguous } from '../../src/search/index.js';
import { LISHUI, SONGYANG } from '../fixtures/search/ledgers.js';

const index = PlanIndex.build({ documents: [SONGYANG, LISHUI] });
const top = (q: string) => index.ask(q)[0];

describe('PlanIndex.ask: who leads', () => {
  it('answers a paraphrased question with the lead of the matching item', () => {
    const a = top('民生实事办理进展公开这事归谁管？');
    expect(a?.path).toEqual(['一、', '（二）']);
    expect(a?.leads).toEqual(['县府办']);
    expect(a?.leadSource).toBe('explicit');
  });

  it('answers at clause level where an item has several lead annotations', () => {
    const a = top('松阳 留抵退税政策推送哪个单位负责');
    expect(a?.file).toBe('songyang-2023.txt');
    expect(a?.leads).toEqual(['县税务局']);
    expect(a?.excerpt).toContain('留抵退税');
    // The clause's own time limit, not the whole item's.
    expect(a?.deadlines).toEqual([{ text: '6月底前', date: '2023-06-30' }]);
    const other = top('松阳 反垄断执法信息公开谁牵头');
    expect(other?.leads).toEqual(['县市场监管局']);
  });

  it('answers with all of an item\'s leads when the question names the item heading', () => {
    const a = top('松阳 聚焦优化营商环境加大公开力度谁牵头');
    expect(a?.path).toEqual(['一、', '（一）']);
    expect(new Set(a?.leads)).toEqual(new Set(['县发展和改革局', '县市场监管局', '县税务局']));
  });

  it('narrows to the plan whose title or issuer names the place in the question', () => {
    expect(top('丽水 减税降费谁牵头')?.leads).toEqual(['市税务局']);
    expect(top('松阳 减税降费谁牵头')?.leads).toEqual(['县税务局']);
    expect(top('松阳县公共数据开放')?.file).toBe('songyang-2023.txt');
    expect(top('丽水市公共数据开放谁牵头')?.leads).toEqual(['市大数据发展管理局']);
  });

  it('offers alternatives when two plans match about equally and no place is named', () => {
    const answers = index.ask('公共数据开放');
    expect(new Set(answers.slice(0, 2).map((a) => a.file))).toEqual(new Set(['songyang-2023.txt', 'lishui-2023.txt']));
    expect(isAmbiguous(answers)).toBe(true);
  });

  it('puts an item that names its lead before an equally good one that does not', () => {
    expect(top('公共数据开放谁牵头')?.leads).toEqual(['市大数据发展管理局']);
  });

  it('answers a question pasted with a long tail of text', () => {
    const pasted = `松阳 留抵退税政策推送谁负责？${'请尽快回复，谢谢。'.repeat(400)}`;
    expect(index.ask(pasted)[0]?.leads).toEqual(['县税务局']);
  });

  it('says nothing when nothing in the plans matches', () => {
    expect(index.ask('食堂今天中午吃什么')).toEqual([]);
    expect(index.ask('谁牵头？')).toEqual([]);
    expect(index.ask('')).toEqual([]);
  });

  it('understands synonyms officials use: 热线 ~ 12345, 网站 ~ 门户网站, 两微一端 ~ 政务新媒体', () => {
    expect(top('12345归并整合谁牵头')?.leads).toEqual(['市政务服务管理办公室']);
    expect(top('门户网站找错留言谁来办')?.leads).toEqual(['县大数据发展中心']);
    expect(top('两微一端关停整合归谁管')?.leads).toEqual(['市委网信办']);
  });

  it('strips @mentions and question words in any position', () => {
    expect(top('@机器人 牵头单位是谁：政府网站找错留言')?.leads).toEqual(['县大数据发展中心']);
    expect(top('@督办 找哪个单位 政务新媒体常态化监管')?.leads).toEqual(['市委网信办']);
  });

  it('reads traditional characters and full-width letters in questions', () => {
    expect(top('松陽 留抵退稅政策推送由誰負責')?.leads).toEqual(['县税务局']);
    expect(top('１２３４５熱線整合')?.leads).toEqual(['市政务服务管理办公室']);
  });

  it('labels inferred units and items without any lead', () => {
    const implied = top('松阳 政务公开业务培训谁组织');
    expect(implied?.leadSource).toBe('implied');
    expect(implied?.leads).toEqual(['各单位']);
    const none = top('松阳 交通气象公共数据开放');
    expect(none?.path).toEqual(['三、', '（一）']);
    expect(none?.leadSource).toBe('none');
    expect(none?.leads).toEqual([]);
  });
});

describe('PlanIndex.ask: numbering references', () => {
  it('finds an item by 三（二）1 style numbering', () => {
    const a = top('三（二）1谁牵头');
    expect(a?.file).toBe('lishui-2023.txt');
    expect(a?.path).toEqual(['三、', '（二）', '1.']);
  });

  it('finds an item by dotted and ordinal numbering', () => {
    expect(top('丽水 3.2.2 归谁管')?.path).toEqual(['三、', '（二）', '2.']);
    expect(top('松阳 第二部分第一项谁负责')?.path).toEqual(['二、', '（一）']);
  });

  it('lists the items under a heading when the reference names a heading', () => {
    const answers = index.ask('丽水 三（二）谁牵头');
    expect(answers.map((a) => a.path.join(''))).toEqual(['三、（二）1.', '三、（二）2.']);
  });

  it('uses the words next to a reference to choose among items it covers', () => {
    expect(top('丽水 三（二） 公共数据开放')?.path).toEqual(['三、', '（二）', '2.']);
  });
});

describe('PlanIndex.ask: when and how often', () => {
  it('answers "什么时候" with the item that has a time limit', () => {
    const a = top('网站集约化迁移什么时候完成');
    expect(a?.deadlines.map((d) => d.date)).toContain('2023-09-30');
  });

  it('answers "多久一次" with the recurring rule', () => {
    expect(top('民生实事办理进展多久通报一次')?.recurring).toEqual([{ text: '每季度', rule: 'quarterly' }]);
    expect(top('政务新媒体检查多长时间搞一次')?.recurring.map((r) => r.rule)).toEqual(['semiannual']);
  });
});

describe('isAmbiguous', () => {
  it('does not flag a clear winner', () => {
    expect(isAmbiguous(index.ask('松阳 留抵退税政策推送谁负责'))).toBe(false);
    expect(isAmbiguous(index.ask('12345热线整合'))).toBe(false);
  });
});
