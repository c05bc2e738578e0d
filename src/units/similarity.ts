import { foldTight } from '../search/fold.js';
import { unitKey } from './normalize.js';

/**
 * How close two unit names look, 0..1, for "did you mean" lists: the better of
 * shared characters (Dice over character sets, robust to word order and
 * abbreviation) and edit distance on the normalised key (robust to one wrong
 * character).
 */
export function similarity(a: string, b: string): number {
  const fa = foldTight(a);
  const fb = foldTight(b);
  if (!fa || !fb) return 0;
  const ka = unitKey(a).core;
  const kb = unitKey(b).core;
  const shared = Math.max(dice(fa, fb), dice(ka, kb));
  // Without one telling character in common, an edit distance between short names is noise (教育局 vs 发改局).
  if (shared === 0) return 0;
  return Math.max(shared, 1 - levenshtein(ka, kb) / Math.max(ka.length, kb.length, 1));
}

/** Mean of character and character-pair Dice: one shared character alone (财政 vs 政府) stays low. */
function dice(a: string, b: string): number {
  // Suffix characters (局, 办, 中心) say little about which office it is.
  const strip = (s: string) => s.replace(/[局办委室心中§县市区]/g, '');
  const sa = strip(a);
  const sb = strip(b);
  if (!sa || !sb) return 0;
  const uni = setDice([...sa], [...sb]);
  if (uni === 0) return 0;
  const pairs = (s: string) => Array.from({ length: Math.max(0, s.length - 1) }, (_, i) => s.slice(i, i + 2));
  return (uni + setDice(pairs(sa), pairs(sb))) / 2;
}

function setDice(a: string[], b: string[]): number {
  const sa = new Set(a);
  const sb = new Set(b);
  if (sa.size === 0 || sb.size === 0) return 0;
  let shared = 0;
  for (const x of sa) if (sb.has(x)) shared++;
  return (2 * shared) / (sa.size + sb.size);
}

export function levenshtein(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  if (m === 0) return n;
  if (n === 0) return m;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[n]!;
}
