/**
 * Place names a document is about, read from its title and issuing office
 * (庆元县人民政府办公室 -> 庆元; 绵阳市游仙区… -> 绵阳, 游仙), so "庆元 减税降费"
 * searches only 庆元's plan. Nothing here knows any particular place: a name is
 * the two to four characters before an administrative suffix.
 */

const SUFFIX = /省|市|县|区|州|旗|盟/g;
/** Characters of the function words that sit next to a place in titles (2022年, 关于印发, 和, 的), and the suffixes themselves. */
const NOT_PLACE = /[年的于发和与及在对为省市县区州旗盟\d]/;

export function placesIn(text: string): string[] {
  const s = text.normalize('NFKC').replace(/\s+/g, '');
  const out = new Set<string>();
  for (const m of s.matchAll(SUFFIX)) {
    const at = m.index;
    for (let k = 2; k <= 4 && at - k >= 0; k++) {
      const cand = s.slice(at - k, at);
      if (!/^[\u4e00-\u9fff]+$/.test(cand) || NOT_PLACE.test(cand)) continue;
      out.add(cand);
    }
  }
  return [...out];
}
