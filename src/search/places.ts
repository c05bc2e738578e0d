/**
 * Place names a document is about, read from its title and issuing office
 * (庆元县人民政府办公室 -> 庆元; 绵阳市游仙区… -> 绵阳, 游仙), so "庆元 减税降费"
 * searches only 庆元's plan. Nothing here knows any particular place: a name is
 * the two to four characters before an administrative suffix.
 */

const SUFFIX = /省|市|县|区|州|旗|盟/g;
/** Characters of the function words that sit next to a place in titles (2022年, 关于印发, 和, 的), and the suffixes themselves. */
const NOT_PLACE = /[年的于发和与及在对为省市县区州旗盟\d]/;

/** The 55 minority nationalities' names, as they appear in autonomous areas (黔东南苗族侗族自治州 -> 黔东南州). */
const NATIONALITY =
  '蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|东乡|纳西|景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺';
const AUTONOMOUS = new RegExp(`(?:(?:${NATIONALITY})族)+自治(?=州|县|区|旗)`, 'g');

export function placesIn(text: string): string[] {
  const out = new Set<string>();
  for (const part of text.normalize('NFKC').split(/\s+/)) collect(part.replace(AUTONOMOUS, ''), out);
  return [...out];
}

function collect(s: string, out: Set<string>): void {
  for (const m of s.matchAll(SUFFIX)) {
    const at = m.index;
    for (let k = 2; k <= 4 && at - k >= 0; k++) {
      const cand = s.slice(at - k, at);
      if (!/^[\u4e00-\u9fff]+$/.test(cand) || NOT_PLACE.test(cand)) continue;
      out.add(cand);
    }
  }
}
