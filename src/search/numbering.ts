/**
 * Numbering references in questions ("三（二）1", "3.2", "第三部分第二项",
 * "（十二）") and in task paths (["三、", "（一）", "1."]), reduced to numbers
 * with the style they were written in, so the two can be compared.
 */

export type Style = 'cn' | 'paren' | 'arabic' | 'circled' | 'any';
export interface Num {
  n: number;
  style: Style;
}

const CN_DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 一 … 九十九 and plain digits. */
export function cnNumber(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s);
  if (!/^[零〇一二两三四五六七八九十百]+$/.test(s)) return undefined;
  let total = 0;
  let cur = 0;
  for (const ch of s) {
    if (ch === '百') {
      total += (cur || 1) * 100;
      cur = 0;
    } else if (ch === '十') {
      total += (cur || 1) * 10;
      cur = 0;
    } else cur = CN_DIGIT[ch] ?? 0;
  }
  return total + cur;
}

const CIRCLED = '①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳';

/** One path segment as the parser keeps it: "三、", "（一）", "1.", "1、", "(1)", "①". */
export function segmentNumber(seg: string): Num | undefined {
  const s = seg.normalize('NFKC').trim();
  let m: RegExpExecArray | null;
  if ((m = /^第?([零〇一二两三四五六七八九十百]+)[、.．部分条项]?/.exec(s))) return { n: cnNumber(m[1]!)!, style: 'cn' };
  if ((m = /^\(([零〇一二两三四五六七八九十百]+)\)/.exec(s))) return { n: cnNumber(m[1]!)!, style: 'paren' };
  if ((m = /^\((\d+)\)/.exec(s))) return { n: Number(m[1]), style: 'circled' };
  if ((m = /^(\d+)/.exec(s))) return { n: Number(m[1]), style: 'arabic' };
  const c = CIRCLED.indexOf(s[0] ?? '');
  if (c >= 0) return { n: c + 1, style: 'circled' };
  return undefined;
}

export interface NumberRef {
  nums: Num[];
  /** True when the reference counts from the top level (3.2, 第三部分第二项). */
  anchored: boolean;
  /** The text matched, to remove from the question. */
  text: string;
}

const CN = '[一二三四五六七八九十百]+';
// Written forms, tried in order; the question is already NFKC-folded, so brackets are ASCII.
const STRUCTURED = new RegExp(`(?:(${CN})[、.]?)?\\((${CN})\\)(?:(\\d{1,2})[.、]?(?:\\((\\d{1,2})\\))?)?`, 'g');
const ORDINALS = new RegExp(`(?:第(${CN}|\\d{1,2})(?:部分|大项|条|项|点|款|小项|个方面|方面)){1,4}`, 'g');
const DOTTED = /(?<![\d.])(\d{1,2})\.(\d{1,2})(?:\.(\d{1,2}))?(?![\d.]|\s*[%％万亿元])/g;
const TOP_ONLY = new RegExp(`(?<![\\u4e00-\\u9fff])(${CN})、`, 'g');

export function findNumberRef(question: string): NumberRef | undefined {
  for (const m of question.matchAll(STRUCTURED)) {
    const nums: Num[] = [];
    if (m[1]) nums.push({ n: cnNumber(m[1])!, style: 'cn' });
    nums.push({ n: cnNumber(m[2]!)!, style: 'paren' });
    if (m[3]) nums.push({ n: Number(m[3]), style: 'arabic' });
    if (m[4]) nums.push({ n: Number(m[4]), style: 'circled' });
    return { nums, anchored: Boolean(m[1]), text: m[0] };
  }
  for (const m of question.matchAll(ORDINALS)) {
    const nums = [...m[0].matchAll(new RegExp(`第(${CN}|\\d{1,2})`, 'g'))].map((x) => ({ n: cnNumber(x[1]!)!, style: 'any' as const }));
    return { nums, anchored: true, text: m[0] };
  }
  for (const m of question.matchAll(DOTTED)) {
    const nums = [m[1], m[2], m[3]].filter((x): x is string => Boolean(x)).map((x) => ({ n: Number(x), style: 'any' as const }));
    return { nums, anchored: true, text: m[0] };
  }
  for (const m of question.matchAll(TOP_ONLY)) {
    return { nums: [{ n: cnNumber(m[1]!)!, style: 'cn' }], anchored: true, text: m[0] };
  }
  return undefined;
}

/**
 * How a task path relates to a reference: 'exact' (the item itself),
 * 'child' (an item under the referenced heading), or undefined.
 */
export function matchPath(ref: NumberRef, path: string[]): 'exact' | 'child' | undefined {
  return matchNumbers(ref, path.map(segmentNumber));
}

/** matchPath over a path already reduced with segmentNumber (done once per item at index time). Allocation-free: it runs per item. */
export function matchNumbers(ref: NumberRef, segs: Array<Num | undefined>): 'exact' | 'child' | undefined {
  const k = ref.nums.length;
  const lastStart = ref.anchored ? 0 : segs.length - k;
  for (let s = 0; s <= lastStart; s++) {
    let ok = s + k <= segs.length;
    for (let j = 0; ok && j < k; j++) ok = sameNumber(segs[s + j], ref.nums[j]!);
    if (ok) return s + k === segs.length ? 'exact' : 'child';
  }
  return undefined;
}

function sameNumber(a: Num | undefined, b: Num): boolean {
  return a !== undefined && a.n === b.n && (b.style === 'any' || a.style === b.style || (a.style === 'circled' && b.style === 'arabic'));
}
