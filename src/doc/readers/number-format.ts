/**
 * Counters rendered the way Word (w:numFmt) and HTML (<ol type>) render them.
 * Formats we do not know fall back to decimal: a label that reads "3" is still
 * a label, one that is missing is silent loss.
 */

const CN_DIGITS = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const CN_LEGAL = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const CN_LEGAL_TRAD = ['零', '壹', '貳', '參', '肆', '伍', '陸', '柒', '捌', '玖'];
const HEAVENLY_STEMS = ['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬', '癸'];
const EARTHLY_BRANCHES = ['子', '丑', '寅', '卯', '辰', '巳', '午', '未', '申', '酉', '戌', '亥'];

/** 1 → 一, 11 → 十一, 20 → 二十, 105 → 一百零五 (Word's chineseCounting/chineseCountingThousand). */
export function chineseCount(n: number, digits = CN_DIGITS, units = ['', '十', '百', '千']): string {
  if (n <= 0 || n >= 10_000) return String(n);
  const s = String(n);
  let out = '';
  let zero = false;
  for (let i = 0; i < s.length; i++) {
    const d = Number(s[i]);
    const unit = units[s.length - 1 - i]!;
    if (d === 0) {
      zero = true;
      continue;
    }
    if (zero && out) out += digits[0] === '〇' ? '零' : digits[0];
    zero = false;
    // 十一 rather than 一十一 when the number starts in the tens.
    out += d === 1 && unit === units[1] && i === 0 ? unit : digits[d]! + unit;
  }
  return out;
}

function letters(n: number, base: string): string {
  // Word repeats the letter: 27 → AA, 28 → BB.
  if (n <= 0) return String(n);
  const ch = base[(n - 1) % 26]!;
  return ch.repeat(Math.floor((n - 1) / 26) + 1);
}

function roman(n: number): string {
  if (n <= 0 || n >= 4000) return String(n);
  const table: Array<[number, string]> = [
    [1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'],
    [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I'],
  ];
  let out = '';
  for (const [v, s] of table) while (n >= v) (out += s), (n -= v);
  return out;
}

function enclosed(n: number, first: number, count: number): string {
  return n >= 1 && n <= count ? String.fromCodePoint(first + n - 1) : String(n);
}

const fullWidth = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));

/** One counter value in a w:numFmt. */
export function formatNumber(n: number, fmt: string): string {
  switch (fmt) {
    case 'chineseCounting':
    case 'chineseCountingThousand':
    case 'japaneseCounting':
    case 'taiwaneseCounting':
    case 'taiwaneseCountingThousand':
    case 'koreanCounting':
      return chineseCount(n);
    case 'chineseLegalSimplified':
      return chineseCount(n, CN_LEGAL, ['', '拾', '佰', '仟']);
    case 'ideographLegalTraditional':
    case 'japaneseLegal':
      return chineseCount(n, CN_LEGAL_TRAD, ['', '拾', '佰', '仟']);
    case 'ideographDigital':
    case 'taiwaneseDigital':
    case 'japaneseDigitalTenThousand':
      return String(n).replace(/\d/g, (d) => CN_DIGITS[Number(d)]!);
    case 'ideographTraditional':
      return n >= 1 ? HEAVENLY_STEMS[(n - 1) % 10]! : String(n);
    case 'ideographZodiac':
    case 'ideographZodiacTraditional':
      return n >= 1 ? EARTHLY_BRANCHES[(n - 1) % 12]! : String(n);
    case 'decimalEnclosedCircle':
    case 'decimalEnclosedCircleChinese':
      return enclosed(n, 0x2460, 20); // ①
    case 'decimalEnclosedParen':
      return enclosed(n, 0x2474, 20); // ⑴
    case 'decimalEnclosedFullstop':
      return enclosed(n, 0x2488, 20); // ⒈
    case 'ideographEnclosedCircle':
      return enclosed(n, 0x3280, 10); // ㊀
    case 'ideographParenthesized':
      return enclosed(n, 0x3220, 10); // ㈠
    case 'decimalFullWidth':
    case 'decimalFullWidth2':
      return fullWidth(String(n));
    case 'decimalZero':
      return n < 10 && n >= 0 ? `0${n}` : String(n);
    case 'upperLetter':
      return letters(n, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    case 'lowerLetter':
      return letters(n, 'abcdefghijklmnopqrstuvwxyz');
    case 'upperRoman':
      return roman(n);
    case 'lowerRoman':
      return roman(n).toLowerCase();
    case 'none':
      return '';
    default:
      return String(n);
  }
}
