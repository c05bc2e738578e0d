import * as OpenCC from 'opencc-js';
import { splitFlattened } from './furniture.js';

/**
 * Text cleanup shared by every later stage: the plan as received carries
 * Markdown artefacts, OCR spacing ("2018 年 12 月"), mixed-width characters and
 * sometimes traditional characters. Output keeps line structure; stages that
 * need paragraphs join lines themselves.
 */

// Characters that only occur in traditional Chinese; a handful in a document is
// a reliable signal, and converting only then keeps simplified text untouched.
const TRADITIONAL_ONLY = /[們這個來時對會發經與點學國際區縣設務關開辦門機構規準應實現該層級單於負責導貫徹產業環職權屬眾資訊網頁財稅勞衛綜農壽態議報條處實據計劃]/g;

let toSimplified: ((s: string) => string) | undefined;


export function isMostlyTraditional(text: string): boolean {
  const hits = text.match(TRADITIONAL_ONLY);
  return (hits?.length ?? 0) >= 5;
}

export function toSimplifiedChinese(text: string): string {
  const convert = (toSimplified ??= OpenCC.Converter({ from: 'tw', to: 'cn' }));
  return convert(text);
}

const CJK = '\\u3400-\\u9fff\\uf900-\\ufaff';
const SPACE_BETWEEN = new RegExp(`(?<=[${CJK}\\d（）()〔〕《》“”，。、；：])[ \\u3000\\u00a0]+(?=[${CJK}\\d（）()〔〕《》“”，。、；：])`, 'g');

/** Full-width ASCII letters and digits -> half-width; Chinese punctuation is kept. */
function foldWidth(s: string): string {
  return s.replace(/[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff0e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

// Pinyin glosses after a character on learners' and sharing sites: 發(fā), 辦（bàn）.
const PINYIN_GLOSS = /(?<=[\u3400-\u9fff])[（(][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7}[1-5]?[)）]/g;

const HAS_LATIN_IN_PARENS = /[（(][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]/;

export function normalizeLine(line: string): string {
  let s = line.replace(/\u200b|\ufeff/g, '');
  if (HAS_LATIN_IN_PARENS.test(s)) s = s.replace(PINYIN_GLOSS, '');
  s = foldWidth(s);
  s = s.replace(/^\s*#{1,6}\s+/, ''); // Markdown headings
  s = s.replace(/^\s*>\s?/, ''); // quotes
  s = s.replace(/\*\*|__/g, ''); // bold markers
  s = s.replace(SPACE_BETWEEN, '');
  return s.replace(/[ \t\u3000\u00a0]+$/g, '').replace(/^[ \u3000\u00a0]+/, '');
}

/** Lines of the document, cleaned; horizontal rules and pure decoration removed. */
export function normalizeText(text: string): string[] {
  let t = text.replace(/\r\n?/g, '\n');
  if (isMostlyTraditional(t)) t = toSimplifiedChinese(t);
  const out: string[] = [];
  for (const line of t.split('\n')) {
    // A web page flattened to one line keeps its paragraphs as spaces: restore them first.
    for (const raw of splitFlattened(line)) {
      if (/^\s*([-*_=]\s*){3,}$/.test(raw)) {
        out.push('');
        continue;
      }
      out.push(normalizeLine(raw));
    }
  }
  return out;
}
