/**
 * Terms for retrieval over folded text. Chinese has no spaces, so a run of
 * Chinese characters yields its overlapping character pairs (the unit that
 * carries most meaning in officialese: 公开, 牵头, 热线) and its single
 * characters (a weak back-off for abbreviations: 水电气 ~ 供水供电供气);
 * Latin/digit runs are whole words (ipv6, 12345).
 */

export interface Terms {
  /** Character pairs and Latin/digit words: the main signal. */
  pairs: string[];
  /** Single Chinese characters: back-off only. */
  chars: string[];
}

const RUN = /[\u3400-\u9fff\uf900-\ufaff]+|[a-z0-9]+/g;

export function terms(folded: string): Terms {
  const pairs: string[] = [];
  const chars: string[] = [];
  for (const m of folded.matchAll(RUN)) {
    const run = m[0];
    const c0 = run.charCodeAt(0);
    if (c0 < 0x3400) {
      pairs.push(run);
      continue;
    }
    for (let i = 0; i < run.length; i++) {
      chars.push(run[i]!);
      if (i + 1 < run.length) pairs.push(run.slice(i, i + 2));
    }
  }
  return { pairs, chars };
}

export function counts(list: string[], into = new Map<string, number>(), weight = 1): Map<string, number> {
  for (const t of list) into.set(t, (into.get(t) ?? 0) + weight);
  return into;
}
