import { describe, expect, it } from 'vitest';
import { analyzeQuestion } from '../../src/search/question.js';

describe('analyzeQuestion', () => {
  it.each([
    ['减税降费谁牵头？', '减税降费'],
    ['IPv6改造归谁管', 'ipv6改造'],
    ['牵头单位是谁：政府网站找错留言', '政府网站找错留言'],
    ['@机器人 项目预算公开试点归谁管', '项目预算公开试点'],
    ['浙里办智能客服找哪个单位', '浙里办智能客服'],
    ['稳进提质政策的集中发布归哪个单位', '稳进提质政策 集中发布'],
  ])('%s -> subject "%s"', (q, subject) => expect(analyzeQuestion(q).subject).toBe(subject));

  it('tells who / when / how-often questions apart', () => {
    expect(analyzeQuestion('减税降费谁牵头').intent).toBe('lead');
    expect(analyzeQuestion('规范性文件清理几月底前要搞完').intent).toBe('deadline');
    expect(analyzeQuestion('网站集约化的截止时间').intent).toBe('deadline');
    expect(analyzeQuestion('统计报表多久报送一次').intent).toBe('recurring');
    expect(analyzeQuestion('自查清理的频率是？').intent).toBe('recurring');
  });

  it('takes numbering references out of the subject', () => {
    const q = analyzeQuestion('三（二）1 政务公开谁牵头');
    expect(q.numbering?.nums.map((n) => n.n)).toEqual([3, 2, 1]);
    expect(q.subject).toBe('政务公开');
    expect(analyzeQuestion('第三部分第二项归谁管').numbering?.nums.map((n) => n.n)).toEqual([3, 2]);
    expect(analyzeQuestion('3.2谁负责').numbering?.nums.map((n) => n.n)).toEqual([3, 2]);
  });

  it('does not read amounts or percentages as numbering', () => {
    expect(analyzeQuestion('增长3.5%的目标谁负责').numbering).toBeUndefined();
  });

  it('writes counts in digits so 二十万亩 meets 20万亩', () => {
    expect(analyzeQuestion('植树造林二十万亩谁负责').subject).toBe('植树造林20万亩');
  });
});
