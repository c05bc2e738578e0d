/**
 * Numbering markers of Chinese official documents. The level of a marker is
 * not fixed by its style (some plans use 1. under 一、, others （一） under
 * 一、 and 1、 below that), so styles are only told apart here; the structure
 * stage ranks them by first appearance.
 */

export type MarkerStyle =
  | 'part' // 第一部分 / 第一章
  | 'cn-dun' // 一、
  | 'cn-paren' // （一） (一)
  | 'ar-dun' // 1、
  | 'ar-dot' // 1. 1．
  | 'ar-paren' // （1） (1)
  | 'circled' // ①
  | 'decimal2' // 1.1
  | 'decimal3'; // 1.1.1

export interface Marker {
  style: MarkerStyle;
  ordinal: number;
  /** Canonical form used in paths: full-width parens, the writer's 、 or . kept. */
  label: string;
  /** Characters consumed from the line, including spaces after the marker. */
  length: number;
}

const CN_DIGITS: Record<string, number> = {
  〇: 0, 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};

/** 一 .. 九十九 (and 〇-style digit strings such as 二〇二二). */
export function chineseNumber(s: string): number | undefined {
  if (!s) return undefined;
  if (/^[〇零一二三四五六七八九]{2,}$/.test(s) && !s.includes('十')) {
    let n = 0;
    for (const c of s) n = n * 10 + (CN_DIGITS[c] ?? 0);
    return n;
  }
  const m = /^([一二三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(s);
  if (!m || (!m[1] && !m[2] && !m[3])) return undefined;
  if (!m[2]) return m[3] ? undefined : CN_DIGITS[m[1]!];
  return (m[1] ? CN_DIGITS[m[1]]! : 1) * 10 + (m[3] ? CN_DIGITS[m[3]]! : 0);
}

const CN = '[一二三四五六七八九十]{1,3}';
const PATTERNS: Array<{ style: MarkerStyle; re: RegExp; label: (m: RegExpExecArray) => string }> = [
  { style: 'part', re: new RegExp(`^第(${CN})(部分|章)[\\s、：:]*`), label: (m) => `第${m[1]}${m[2]}` },
  { style: 'cn-dun', re: new RegExp(`^(${CN})[、，．.]\\s*`), label: (m) => `${m[1]}、` },
  { style: 'cn-paren', re: new RegExp(`^[（(]\\s*(${CN})\\s*[）)][、，.]?\\s*`), label: (m) => `（${m[1]}）` },
  { style: 'ar-paren', re: /^[（(]\s*(\d{1,2})\s*[）)][、.]?\s*/, label: (m) => `（${m[1]}）` },
  // Outline numbering: 1.1 / 1.1.1 (the level is the number of parts).
  { style: 'decimal3', re: /^(\d{1,2}\.\d{1,2}\.\d{1,2})(?![\d.．])[、\s]*/, label: (m) => m[1]! },
  { style: 'decimal2', re: /^(\d{1,2}\.\d{1,2})(?![\d.．%％])[、\s]*/, label: (m) => m[1]! },
  // "1." must not be a decimal ("2.5亿元") or a date ("2022.6").
  { style: 'ar-dot', re: /^(\d{1,2})\s*[.．](?!\d)\s*/, label: (m) => `${m[1]}.` },
  { style: 'ar-dun', re: /^(\d{1,2})\s*、\s*/, label: (m) => `${m[1]}、` },
  { style: 'circled', re: /^([\u2460-\u2473])\s*/, label: (m) => m[1]! },
];

export function readMarker(line: string): Marker | undefined {
  for (const p of PATTERNS) {
    const m = p.re.exec(line);
    if (!m) continue;
    const raw = m[1]!;
    const ordinal =
      p.style === 'circled'
        ? raw.charCodeAt(0) - 0x2460 + 1
        : p.style.startsWith('decimal')
          ? Number(raw.split('.').pop())
          : /^\d+$/.test(raw)
            ? Number(raw)
            : chineseNumber(raw);
    if (ordinal === undefined || ordinal < 1) continue;
    return { style: p.style, ordinal, label: p.label(m), length: m[0].length };
  }
  return undefined;
}
