import { fold } from './fold.js';
import { findNumberRef, type NumberRef } from './numbering.js';
import { digitsForCounts } from './numerals.js';

/**
 * What a person asked, separated into its parts: the subject to search for,
 * what they want to know (who leads / when due / how often), and any
 * numbering reference. Question words carry no subject matter and, worse,
 * "牵头/负责" occur in every annotated plan, so they are removed before search.
 */

export type Intent = 'lead' | 'deadline' | 'recurring';

export interface Question {
  /** The question as asked. */
  raw: string;
  /** Folded subject text with question words and mentions removed (spaces where they were). */
  subject: string;
  intent: Intent;
  numbering?: NumberRef;
}

const RECURRING = /(多久|多长时间|隔多长|频率|频次|周期|几次|多少次|每隔)/;
const DEADLINE = /(什么时候|啥时候|何时|几时|截止|截至|时限|期限|时间节点|时间点|最迟|最晚|最后期限|几月|几号|哪天|哪一天|多少号|什么时间|啥时间|完成时间|deadline|due|到期|前要|之前要)/;

// Everything here is question grammar, not subject. Sorted longest first: a regex alternation takes
// the first alternative that matches, and 找哪 must not win over 找哪个单位.
const QUESTION_PHRASES = new RegExp(
  [
    '请问一下', '请问', '问一下', '问下', '帮我查一下', '帮我查', '帮忙查', '查一下', '想知道', '我想问',
    '牵头单位有哪些', '牵头单位是谁', '牵头单位是哪个', '牵头单位', '责任单位', '负责单位', '主责单位', '承办单位',
    '哪个单位牵头', '哪个单位负责', '哪个部门负责', '哪个部门牵头', '是哪个机构', '哪个机构', '哪些单位', '哪个单位', '哪家单位',
    '哪些部门', '哪个部门', '哪几个地方', '哪几个单位', '哪几个部门', '哪几个', '哪两个', '哪些', '哪个', '哪家', '哪里',
    '归谁管', '归哪个', '归谁', '谁牵头', '谁负责', '谁来办', '谁来定', '谁来编', '谁来查', '谁来', '由谁', '找谁', '谁管', '是谁', '谁',
    '该找', '找哪', '归口',
    '什么时候', '啥时候', '什么时间', '啥时间', '截止时间', '截止日期', '截止', '截至', '时间节点', '时限', '期限', '最迟', '最晚', '几月底', '几月', '几号', '哪一天', '哪天', '多少号', '的日期', 'deadline',
    '多长时间一次', '多久一次', '多久', '多长时间', '频率是', '频率', '频次', '几次', '一次',
    '牵头负责', '分别负责', '负责', '牵头', '主管',
    '是什么', '是啥', '有哪些', '怎么样', '怎么', '如何', '要不要', '是不是', '能不能',
    '这事', '这项', '这个', '那个', '这些', '那些', '那批', '这批', '找哪个单位', '找哪个部门',
  ]
    .sort((a, b) => b.length - a.length)
    .join('|'),
  'g',
);
/** Single characters that are grammar when they stand between subject words. */
const PARTICLES = /[吗呢啊呀吧嘛了的是和与及或搞要得把被由该]/g;
const PUNCT = /[?？!！,，.。、;；:：'"“”‘’()（）《》〈〉【】\[\]<>{}\-—_~·…/\\|]/g;

export function analyzeQuestion(raw: string): Question {
  let s = fold(raw);
  // Mentions (@机器人, @督办): up to the next space; a mention glued to the text loses only its @.
  s = s.replace(/@[^\s@]{1,12}(?=\s)/g, ' ').replace(/@/g, ' ');
  const intent: Intent = RECURRING.test(s) ? 'recurring' : DEADLINE.test(s) ? 'deadline' : 'lead';
  const numbering = findNumberRef(s);
  if (numbering) s = s.replace(numbering.text, ' ');
  s = s.replace(/(归|找|是|由|该|到|向)(?=哪|谁)/g, ' ').replace(QUESTION_PHRASES, ' ').replace(PUNCT, ' ').replace(PARTICLES, ' ');
  const subject = digitsForCounts(s).replace(/\s+/g, ' ').trim();
  return { raw, subject, intent, ...(numbering ? { numbering } : {}) };
}
