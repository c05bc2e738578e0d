import type { Deadline, Recurring, RecurrenceRule, Relative } from './schema.js';
import { chineseNumber } from './numbering.js';

/**
 * Time limits as officials write them. Absolute deadlines resolve against the
 * plan year; recurring duties and limits that run from an event are kept apart
 * because only the first kind can be put on a calendar.
 */

const NUM = '(\\d{1,4}|[〇零一二三四五六七八九十]{1,4})';

function num(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  return /^\d+$/.test(s) ? Number(s) : chineseNumber(s);
}

function iso(y: number, m: number, d: number): string | undefined {
  if (m < 1 || m > 12 || d < 1) return undefined;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d > last) return undefined;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function monthEnd(y: number, m: number): string | undefined {
  return iso(y, m, new Date(Date.UTC(y, m, 0)).getUTCDate());
}

const Y4 = '\\d{4}|[〇零一二三四五六七八九]{4}';
const YEAR = `(?:(${Y4}|明|今|本|当)\\s*年\\s*)?`;
const LEAD_IN = '(?:(?:于|在|力争|争取|确保)\\s*)?';
const BEFORE = '(?:前|之前|以前)';

// Each rule: a regex (sticky matching is not needed; we scan) and a resolver.
interface Rule {
  re: RegExp;
  resolve(m: RegExpExecArray, year: number): string | undefined;
}

function yearOf(token: string | undefined, year: number): number {
  if (!token || token === '今' || token === '本' || token === '当') return year;
  if (token === '明') return year + 1;
  return /^\d+$/.test(token) ? Number(token) : chineseNumber(token) ?? year;
}

const MONTH_TAIL = '(?!\\s*[\\d日号底末]|\\s*初(?!步)|\\s*[上中下]旬|\\s*份?\\s*(?:以来|起|开始|至今|的))';

const RULES: Rule[] = [
  // A phase: 2016年3月—6月 / 3-6月底 -> the end of its last month.
  {
    re: new RegExp(`${YEAR}${NUM}\\s*月(?:份)?\\s*[-—–~～至到]\\s*${YEAR}${NUM}\\s*月(?:底|末|份)?\\s*${BEFORE}?`, 'g'),
    resolve: (m, y) => {
      const end = num(m[4]);
      return end === undefined || end > 12 ? undefined : monthEnd(yearOf(m[3] ?? m[1], y), end);
    },
  },
  // 到2017年 / 力争到2020年 / 到2018年底: the end of that year.
  {
    re: new RegExp(`(?:(?:力争|争取|确保|计划)\\s*)?到\\s*(${Y4})\\s*年(?:底|末)?\\s*${BEFORE}?(?!\\s*\\d{1,2}\\s*月|\\s*[一二三四五六七八九十]{1,2}月|\\s*[上下]半年|\\s*第?[一二三四1234]季度)`, 'g'),
    resolve: (m, y) => iso(yearOf(m[1], y), 12, 31),
  },
  // A phase of years (2023—2025年): its last year, unless it is a title's span "（2015-2020年）".
  {
    re: new RegExp(`(?<![（(《\\d])(${Y4})\\s*年?\\s*[-—–~～至到]\\s*(${Y4})\\s*年(?![）)》]|\\s*\\d{1,2}\\s*月)`, 'g'),
    resolve: (m, y) => iso(yearOf(m[2], y), 12, 31),
  },
  // 3月31日前 / 2022年6月30日前
  {
    // "分别于10月31日和11月30日前": the first date shares the second's 前.
    re: new RegExp(`${LEAD_IN}${YEAR}${NUM}\\s*月\\s*${NUM}\\s*[日号]\\s*(?:${BEFORE}|(?=[和、及与]\\s*(?:\\d{4}\\s*年)?(?:\\d{1,2}\\s*月)?\\s*\\d{1,2}\\s*[日号]\\s*${BEFORE}))`, 'g'),
    resolve: (m, y) => iso(yearOf(m[1], y), num(m[2])!, num(m[3])!),
  },
  // 7月底前 / 2018年12月底 / 6月末
  {
    re: new RegExp(`${LEAD_IN}${YEAR}${NUM}\\s*月\\s*(?:底|末|份)\\s*${BEFORE}?`, 'g'),
    resolve: (m, y) => monthEnd(yearOf(m[1], y), num(m[2])!),
  },
  // 年底前 / 2018年年底前 / 年内 / 年末
  {
    re: new RegExp(`${LEAD_IN}(?:(${Y4}|明|今|本|当)\\s*年?\\s*)?(?:年底|年末)\\s*${BEFORE}?|${LEAD_IN}(?:(\\d{4})\\s*年|今年|本年度?|年度?)内`, 'g'),
    resolve: (m, y) => iso(yearOf(m[1] ?? m[2], y), 12, 31),
  },
  // A bare month as a time limit: "争取6月完成", "3月份成立", "2018年3月" -> the end of that month.
  {
    re: new RegExp(`${LEAD_IN}${YEAR}${NUM}\\s*月(?:份)?${MONTH_TAIL}\\s*${BEFORE}?`, 'g'),
    resolve: (m, y) => {
      const mo = num(m[2]);
      return mo === undefined || mo > 12 ? undefined : monthEnd(yearOf(m[1], y), mo);
    },
  },
  // 上半年 / 第三季度末 / 一季度前
  {
    re: new RegExp(`${LEAD_IN}${YEAR}(上半年|第?[一二三四1234]\\s*季度\\s*(?:末|底)?\\s*${BEFORE}?)`, 'g'),
    resolve: (m, y) => {
      const yy = yearOf(m[1], y);
      if (m[2]!.startsWith('上半年')) return iso(yy, 6, 30);
      const q = num(/[一二三四1234]/.exec(m[2]!)![0])!;
      return monthEnd(yy, q * 3);
    },
  },
];

// What comes just before a date that makes it not a deadline.
const NOT_A_DEADLINE_BEFORE = /(截至|截止到|截止|自|从|至|到|去|上|前|每|近|以来|于今)$/;
const NOT_A_DEADLINE_AFTER = /^(以来|起|开始|至今|召开|印发|出台|的)/;

/**
 * A 完成时限 cell that holds only a date ("2025年6月30日", "2025/6/30",
 * "2025-06-30", "2025.6.30": what a date cell of a sheet or a typed table
 * shows) means "by that date", as "2025年6月30日前" does in prose.
 */
export function deadlineCell(text: string): string {
  const m = /^\s*(\d{4})\s*(?:年|[/.-])\s*(\d{1,2})\s*(?:月|[/.-])\s*(\d{1,2})\s*[日号]?\s*$/.exec(text);
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日前` : text;
}

export function findDeadlines(text: string, year: number, issuedOn?: string): Deadline[] {
  const found: Array<{ at: number; end: number; d: Deadline }> = [];
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    for (let m = rule.re.exec(text); m; m = rule.re.exec(text)) {
      const at = m.index;
      const end = at + m[0].length;
      if (found.some((f) => at < f.end && end > f.at)) continue;
      const before = text.slice(Math.max(0, at - 4), at);
      if (NOT_A_DEADLINE_BEFORE.test(before) || /\d$/.test(before)) continue;
      // "3年内" / "两年内" is a duration, not this year.
      if (/^年度?内$/.test(m[0]) && /[\d一二三四五六七八九十两几个多]$/.test(before)) continue;
      if (NOT_A_DEADLINE_AFTER.test(text.slice(end, end + 4))) continue;
      // A recurring phrase ("每年3月31日前") is a recurring duty, not a one-off date.
      if (/每$/.test(text.slice(Math.max(0, at - 2), at).replace(/年$/, ''))) continue;
      const date = rule.resolve(m, year);
      if (!date) continue;
      // "年底" only counts as a time limit, not as a mention ("年底前" or a verb after it).
      found.push({
        at,
        end,
        d: { text: m[0].trim(), date, pastAtIssue: issuedOn ? date < issuedOn : false },
      });
    }
  }
  found.sort((a, b) => a.at - b.at);
  const out: Deadline[] = [];
  for (const f of found) if (!out.some((o) => o.date === f.d.date && o.text === f.d.text)) out.push(f.d);
  return out;
}

// "一季一评估", "半年一通报": the verbs such rhythms take.
const REC_VERB = '(?:检查|评估|通报|调度|督查|督导|考核|报告|总结|会商|研判|分析|巡查|排名|点评|通报|汇报|报送)';
const rec = (re: RegExp) => new RegExp(re.source.replace(/REC_VERB/g, REC_VERB), re.flags);

const RECURRING: Array<{ re: RegExp; rule: RecurrenceRule }> = [
  { re: /每(?:个)?(?:周|星期)(?:至少)?[^，。；]{0,8}?/g, rule: 'weekly' },
  { re: rec(/每(?:个)?月(?:至少)?|按月(?:报送|更新|通报|公开)?|月度(?:报送|通报)|一月一(?:次|REC_VERB)/g), rule: 'monthly' },
  { re: rec(/每(?:个)?季度?(?:至少)?|按季度?(?:报送|更新|通报|公开)?|季度报送|季度通报|每季|一季度?一(?:次|REC_VERB)/g), rule: 'quarterly' },
  { re: rec(/每半年(?:至少)?(?:开展|组织|召开)?(?:[一1]次)?|半年[一1](?:次|REC_VERB)/g), rule: 'semiannual' },
  { re: /每年(?:度)?(?:至少)?(?:开展|组织|召开|举办)?(?:[一1]次)?|一年[一1]次|年度报送/g, rule: 'annual' },
];

export function findRecurring(text: string): Recurring[] {
  const hits: Array<{ at: number; end: number; r: Recurring }> = [];
  for (const { re, rule } of RECURRING) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const at = m.index;
      const end = at + m[0].length;
      if (hits.some((h) => at < h.end && end > h.at)) continue;
      // "每年度" followed by 报告 is a document name, "每月X日" still recurring.
      if (rule === 'annual' && /^(报告|工作报告)/.test(text.slice(end))) continue;
      hits.push({ at, end, r: { text: m[0], rule } });
    }
  }
  hits.sort((a, b) => a.at - b.at);
  const out: Recurring[] = [];
  for (const h of hits) if (!out.some((o) => o.rule === h.r.rule)) out.push(h.r);
  return out;
}

// "签发后3个工作日内", "1个月内", "简单咨询留言1个工作日答复".
const RELATIVE = new RegExp(
  `(?:在[^，。；]{0,20}?后\\s*)?${NUM}\\s*个?\\s*(?:工作日|自然日|日|天|小时|周|星期|个月|月)\\s*(?:内|之内|以内|(?=答复|办结|回复|反馈|处理|公开|发布|完成))`,
  'g',
);

export function findRelative(text: string): Relative[] {
  const out: Relative[] = [];
  RELATIVE.lastIndex = 0;
  for (let m = RELATIVE.exec(text); m; m = RELATIVE.exec(text)) {
    const before = text.slice(Math.max(0, m.index - 2), m.index);
    if (/[年月\d]$/.test(before)) continue; // part of a date, not a duration
    out.push({ text: m[0].trim() });
  }
  return out;
}
