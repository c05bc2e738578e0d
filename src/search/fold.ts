import * as OpenCC from 'opencc-js';

/**
 * Matching form of Chinese text (never shown to anyone): NFKC folds full-width
 * letters, digits and punctuation to half-width, traditional characters become
 * simplified, Latin is lower-cased, Markdown emphasis is dropped. Questions and
 * documents go through the same fold, so "ＩＰｖ６", "IPv6" and "ipv6" meet.
 */

let t2s: ((s: string) => string) | undefined;

// Built on first use: loading the dictionaries costs a few ms that a CLI answering one question should pay only once.
function simplify(s: string): string {
  const convert = (t2s ??= OpenCC.Converter({ from: 't', to: 'cn' }));
  return convert(s);
}

export function fold(s: string): string {
  return simplify(s.normalize('NFKC')).toLowerCase().replace(/[*#`_~]+/g, '');
}

/** fold() without any whitespace: unit names and place names compare this way. */
export function foldTight(s: string): string {
  return fold(s).replace(/[\s\u3000·•]+/g, '');
}

export const CJK = '\\u3400-\\u9fff\\uf900-\\ufaff';
export const isCjk = (ch: string): boolean => /[\u3400-\u9fff\uf900-\ufaff]/.test(ch);
