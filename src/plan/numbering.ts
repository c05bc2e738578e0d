import { looksLikeUnit } from './units.js';
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
  | 'decimal3' // 1.1.1
  | 'bullet' // ● ■ ◆ ▲ • : unnumbered items, counted in order
  | 'unit'; // "办公室：负责…": a duty paragraph headed by the unit it belongs to

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

/** 一 .. 九百九十九 (and 〇-style digit strings such as 二〇二二). */
export function chineseNumber(s: string): number | undefined {
  if (!s) return undefined;
  if (/^[〇零一二三四五六七八九]{2,}$/.test(s) && !s.includes('十')) {
    let n = 0;
    for (const c of s) n = n * 10 + (CN_DIGITS[c] ?? 0);
    return n;
  }
  // 一百二十三, 一百零五, 一百一十, 二百
  const h = /^([一二三四五六七八九])?百(?:[零〇]?(.+))?$/.exec(s);
  if (h) {
    const rest = h[2] ? chineseNumber(h[2]) : 0;
    if (rest === undefined || rest > 99) return undefined;
    return (h[1] ? CN_DIGITS[h[1]]! : 1) * 100 + rest;
  }
  const m = /^([一二三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(s);
  if (!m || (!m[1] && !m[2] && !m[3])) return undefined;
  if (!m[2]) return m[3] ? undefined : CN_DIGITS[m[1]!];
  return (m[1] ? CN_DIGITS[m[1]]! : 1) * 10 + (m[3] ? CN_DIGITS[m[3]]! : 0);
}

const CN = '[一二三四五六七八九十百零〇]{1,6}';
const PATTERNS: Array<{ style: MarkerStyle; re: RegExp; label: (m: RegExpExecArray) => string }> = [
  { style: 'part', re: new RegExp(`^第(${CN})(部分|章)[\\s、：:]*`), label: (m) => `第${m[1]}${m[2]}` },
  { style: 'cn-dun', re: new RegExp(`^(${CN})[、，．.]\\s*`), label: (m) => `${m[1]}、` },
  { style: 'cn-paren', re: new RegExp(`^[（(]\\s*(${CN})\\s*[）)][、，.]?\\s*`), label: (m) => `（${m[1]}）` },
  { style: 'ar-paren', re: /^[（(]\s*(\d{1,5})\s*[）)][、.]?\s*/, label: (m) => `（${m[1]}）` },
  // Outline numbering: 1.1 / 1.1.1 (the level is the number of parts).
  { style: 'decimal3', re: /^(\d{1,2}\.\d{1,2}\.\d{1,2})(?![\d.．]|\s*[月日号])[、\s]*/, label: (m) => m[1]! },
  // Not "2.5亿元", not "2.5月15日前" (item 2 starting with a date).
  { style: 'decimal2', re: /^(\d{1,2}\.\d{1,2})(?![\d.．%％]|\s*[月日号亿万元倍个])[、\s]*/, label: (m) => m[1]! },
  // "1." must not be a decimal ("2.5亿元") or a date ("2022.6"); "1.2017年10月底前" and "2.5月15日前" are items starting with a date.
  { style: 'ar-dot', re: /^(\d{1,5})\s*[.．](?!\d(?!\d{3}\s*年|\d?\s*月))\s*/, label: (m) => `${m[1]}.` },
  { style: 'ar-dun', re: /^(\d{1,5})\s*、\s*/, label: (m) => `${m[1]}、` },
  { style: 'circled', re: /^([\u2460-\u2473])\s*/, label: (m) => m[1]! },
];

// The same patterns anchored at a position (sticky), so a long line is scanned without copying it.
const STICKY = PATTERNS.map((p) => ({ ...p, re: new RegExp(p.re.source.replace(/^\^/, ''), 'y') }));
const MAY_START_CHARS = new Set([...'第一二三四五六七八九十（(0123456789'].concat(Array.from({ length: 20 }, (_, i) => String.fromCharCode(0x2460 + i))));

export function readMarker(line: string): Marker | undefined {
  return readMarkerAt(line, 0) ?? readUnitHead(line, 0);
}

const BULLET = /[●■◆▲•◇▪►]\s*/y;
const BULLETS = new Set('●■◆▲•◇▪►');

// "办公室：负责…", "财务科：牵头做好…": a unit, a colon, then a duty verb.
const UNIT_HEAD = /([\u4e00-\u9fa5（）()]{2,20}?)\s*[:：]\s*(?=负责|牵头|承担|做好|组织|统筹|协调|配合|抓好|推进|落实|完成|会同|指导|加强|主抓)/y;
const LABEL_WORDS = /(牵头|责任|配合|协办|参与|主办|主抓|试点|实施|公开|落实|联系|报送|抄送|抄报)(单位|部门|科室|处室|主体)$|^(各|全体|我|本)/;

/** A unit-headed duty paragraph at text[pos]; the unit is the label. Only where a unit name, not a label word, heads it. */
export function readUnitHead(text: string, pos: number): Marker | undefined {
  UNIT_HEAD.lastIndex = pos;
  const m = UNIT_HEAD.exec(text);
  if (!m) return undefined;
  const unit = m[1]!;
  if (LABEL_WORDS.test(unit) || !looksLikeUnit(unit)) return undefined;
  return { style: 'unit', ordinal: 1, label: unit, length: m[0].length };
}

/** The marker starting at text[pos], if any. */
export function readMarkerAt(text: string, pos: number): Marker | undefined {
  const ch = text[pos] ?? '';
  if (BULLETS.has(ch)) {
    // Bullets carry no number: the structure stage counts them (ordinal 1 here, relabelled there).
    BULLET.lastIndex = pos;
    return { style: 'bullet', ordinal: 1, label: '●', length: BULLET.exec(text)![0].length };
  }
  if (!MAY_START_CHARS.has(ch)) return undefined;
  for (const p of STICKY) {
    p.re.lastIndex = pos;
    const m = p.re.exec(text);
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
