/**
 * Unit names as written in plans. Splitting a list is the hard part: "、" and
 * "，" always separate, but 和/及/与 also occur inside names
 * (县发展和改革局, 住房和城乡建设局), so they split only when the text on both
 * sides is a complete unit name.
 */

const UNIT_SUFFIX =
  /(局|委|办|厅|部|院|署|中心|政府|办公室|办事处|管委会|委员会|集团|公司|分局|所|站|队|组|处|科|室|部门|单位|机关|机构|街道|乡镇|乡|镇|县|区|市|省|州|旗|银行|海关|法院|检察院|协会|联合会|总会|学校|医院|分行|支行|党委|党组|工委|团委|妇联|工会|残联|科协|社|馆|场|园|社区|村|小组|领导小组|办公会|指挥部|专班|主办单位|服务中心)$/;

/** Words that never name a unit even though they end like one. */
const NOT_UNIT = /^(各地|各级|全市|全县|全区|全省|本地区|本部门|本单位|有关方面|社会|群众|公众|企业|市场|工作|我市|我县|我区|上级|下级|其他)$/;

export function looksLikeUnit(s: string): boolean {
  const t = s.trim();
  if (t.length < 2 || t.length > 40) return false;
  if (NOT_UNIT.test(t)) return false;
  if (/[。；！？：:]/.test(t)) return false;
  const bare = t.replace(/[（(][^（）()]*[）)]$/, '');
  if (/(网站|平台|系统|专栏|客户端|全部|内部|局部|全市|全县|全区)$/.test(bare)) return false;
  if (/\d/.test(t)) return false;
  return UNIT_SUFFIX.test(bare);
}

/**
 * Townships and sub-districts named by kind, with no name of their own: 街道,
 * 镇街, 乡镇, 乡（镇）, 乡镇（街道）, 街道办事处, 乡镇人民政府. In a county's or
 * district's plan that means every one of them. One level with a suffix
 * (镇政府, 乡政府) is left alone: in a town's own plan it is that one office.
 */
const TOWNSHIP_CLASS = /^(?=.*(?:街|乡.*镇|镇.*乡))(?:乡|镇|街道|街)+(?:人民政府|政府|办事处|办)*$/u;

/** 各有关单位, 各乡镇, 区政府各部门, 市级有关部门, 街道, 镇街: a class of units, not one. */
export function isGenericUnit(s: string): boolean {
  if (/^各|各(级|有关|相关)?(部门|单位|乡镇|县|区|市)|有关|相关|等(部门|单位)$|其他/.test(s)) return true;
  return TOWNSHIP_CLASS.test(s.replace(/[\s（）()、和及与]/gu, ''));
}

function cleanUnit(s: string): string {
  return s
    .trim()
    .replace(/^(由|请|按照|会同|牵头单位[:：]|责任单位[:：]|配合单位[:：])/, '')
    .replace(/(牵头|负责|等)$/, (m) => (m === '等' ? '' : ''))
    .replace(/^[，、,;；\s]+|[，、,;；\s]+$/g, '')
    .trim();
}

function splitOnConjunction(s: string): string[] {
  for (const conj of ['以及', '和', '及', '与', '或']) {
    let from = 0;
    for (let guard = 0; guard < 10; guard++) {
      const i = s.indexOf(conj, from);
      if (i <= 0) break;
      const left = s.slice(0, i);
      const right = s.slice(i + conj.length);
      if (looksLikeUnit(left) && looksLikeUnit(right)) return [...splitOnConjunction(left), ...splitOnConjunction(right)];
      from = i + conj.length;
    }
  }
  return [s];
}

/** Split a written list of units; parentheses are respected when splitting on commas. */
export function splitUnits(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of list) {
    if (ch === '（' || ch === '(') depth++;
    if (ch === '）' || ch === ')') depth = Math.max(0, depth - 1);
    if (depth === 0 && /[、，,；;\/]/.test(ch)) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  const out: string[] = [];
  for (const p of parts) {
    const c = cleanUnit(p);
    if (!c) continue;
    for (const a of splitOnConjunction(c)) if (a && !out.includes(a)) out.push(a);
  }
  return out;
}

// A level prefix written once for a list ("区市场监督管理局、经济发展局"); 市场/区域 are words, not places.
const PLACE_PREFIX = /^(省|市(?!场)|县(?!域)|区(?!域)|州|盟|旗|镇|乡)/;
// Offices whose names take the place prefix of the list they are in.
const DEPARTMENT = /(局|委|办|委员会|办公室|部|中心|处|科|室|站|所|队|院)$/;
// "区经发局经信处": a 处/科/室 inside a named office.
const PARENT_AND_SUB = /^(.{2,20}?(?:局|委|办|委员会|办公室|中心))(.{2,8}(?:处|科|室))$/;
const BARE_SUB = /^.{2,7}(处|科|室)$/;

/**
 * Units abbreviated after the first in a list get back what the writer left
 * out: "区市场监督管理局、经济发展局" -> 区经济发展局, "区经发局经信处、发改处" ->
 * 区经发局发改处. `context` is the unit the list follows (the lead, for a list of
 * co-units). Generic units (各…, 有关…) and units with a place of their own
 * (人民银行平潭支行, 平潭海关) are left alone.
 */
export function expandAbbreviations(units: string[], context?: string): string[] {
  // Only where the writer states the place once: a list that repeats it on later units ("县交通运输局、供电局")
  // leaves it off on purpose (a utility, a vertical office).
  const restPrefixed = units.slice(1).some((u) => PLACE_PREFIX.test(u));
  let place = context && !restPrefixed ? PLACE_PREFIX.exec(context)?.[0] : undefined;
  let parent = context ? PARENT_AND_SUB.exec(context)?.[1] : undefined;
  const out: string[] = [];
  for (const raw of units) {
    let u = raw;
    if (!isGenericUnit(u)) {
      if (parent && BARE_SUB.test(u) && !PARENT_AND_SUB.test(u) && !PLACE_PREFIX.test(u)) u = parent + u;
      else if (place && !PLACE_PREFIX.test(u) && DEPARTMENT.test(u) && !/[省市县区州旗镇乡村]/.test(u.slice(0, 4)) && !/^(中共|中国|国家|人民)/.test(u)) u = place + u;
    }
    const p = PLACE_PREFIX.exec(u)?.[0];
    if (p && !restPrefixed) place = p;
    const ps = PARENT_AND_SUB.exec(u);
    if (ps) parent = ps[1];
    if (!out.includes(u)) out.push(u);
  }
  return out;
}
