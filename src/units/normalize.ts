import { foldTight } from '../search/fold.js';

/**
 * A unit name reduced to what identifies it, so the many ways a plan, a person
 * or a directory writes one unit compare equal: 县发改局 = 县发展和改革局 =
 * 县发展改革局 = 发展改革部门 (no level: matches any level), 县府办 = 县政府办公室 =
 * 县人民政府办公室. The level (省/市/县/区…) stays part of the identity: 县财政局 and
 * 市财政局 are different offices. Rules are general abbreviation and suffix
 * tables, not a list of known units.
 */

export interface UnitKey {
  /** 省/市/县/区/乡/镇 or '' when the name does not say. */
  level: string;
  /** Abbreviated core with the agency suffix reduced to a marker. */
  core: string;
}

const LEVELS = ['省', '市', '县', '区', '乡', '镇'] as const;
/** Words that start with a level character without being a level (市场监管局 is not 市 + 场监管局). */
const LEVEL_FALSE_START = /^(市场|市民|市容|市政工程|区域|区块|县域|乡村|乡镇|镇街)/;

/** Long forms -> the short form officials use; longest first so 人力资源和社会保障 wins over 社会保障. */
const ABBREVIATIONS: Array<[RegExp, string]> = [
  [/人民政府办公室|人民政府办|政府办公室/g, '政府办'],
  [/^府办/g, '政府办'],
  [/人民政府/g, '政府'],
  [/发展和改革|发展与改革|发展改革/g, '发改'],
  [/住房和城乡建设|住房城乡建设|住房与城乡建设/g, '住建'],
  [/人力资源和社会保障|人力资源社会保障|人力资源与社会保障|人力社保/g, '人社'],
  [/市场监督管理/g, '市场监管'],
  [/卫生和健康|卫生健康/g, '卫健'],
  [/卫生和计划生育|卫生计生/g, '卫计'],
  [/工业和信息化|工业与信息化|工业信息化/g, '工信'],
  [/经济和信息化|经济信息化/g, '经信'],
  [/教育和体育|教育体育/g, '教体'],
  [/科学技术/g, '科技'],
  [/自然资源和规划/g, '自然资源规划'],
  [/环境保护/g, '环保'],
  [/农业和农村/g, '农业农村'],
  [/交通运输/g, '交通'],
  [/文化广电和旅游|文化广电旅游|文化广播电视和旅游/g, '文广旅'],
  [/文化和旅游|文化旅游/g, '文旅'],
  [/退役军人事务/g, '退役军人'],
  [/医疗保障/g, '医保'],
  [/应急管理/g, '应急'],
  [/机构编制委员会办公室|机构编制委员会办|编委办|委编办/g, '编办'],
  [/网络安全和信息化委员会办公室|网络安全和信息化办公室|网信委办/g, '网信办'],
  [/新闻办公室/g, '新闻办'],
  [/法制办公室/g, '法制办'],
  [/行政审批服务/g, '行政审批'],
  [/大数据发展管理|大数据管理/g, '大数据'],
];

/** Agency suffixes that name the same kind of office: 发改局 = 发改委 = 发展改革部门. */
const AGENCY_SUFFIX = /(局|委员会|委|部门|厅|主管部门|行政部门|行政机关)$/;
const AGENCY = '§';

function splitLevel(name: string): { level: string; rest: string } {
  const first = name[0] ?? '';
  if ((LEVELS as readonly string[]).includes(first) && name.length > 1 && !LEVEL_FALSE_START.test(name)) {
    // "县级有关部门", "市级各部门": 级 belongs to the level word.
    const rest = name.slice(1).replace(/^级/, '');
    return { level: first, rest };
  }
  return { level: '', rest: name };
}

function reduceCore(rest: string): string {
  let core = rest;
  for (const [re, short] of ABBREVIATIONS) core = core.replace(re, short);
  // 金融工作办公室 = 金融办, 政务公开工作领导小组 = 政务公开领导小组.
  core = core.replace(/办公室$/, '办').replace(/工作(办|领导小组|委|部|组)$/, '$1');
  // Keep one-character cores ("县委") as they are: the suffix is the whole identity there.
  const m = AGENCY_SUFFIX.exec(core);
  if (m && core.length - m[0].length >= 2) core = core.slice(0, m.index) + AGENCY;
  return core;
}

export function unitKey(name: string): UnitKey {
  const tight = foldTight(name).replace(/[（(][^（）()]*[)）]$/, (m) => (/^[（(](街道|社区)[)）]$/.test(m) ? m : ''));
  const { level, rest } = splitLevel(tight);
  return { level, core: reduceCore(rest) };
}

export function keyString(k: UnitKey): string {
  return `${k.level}|${k.core}`;
}

/** Same office, where a name without a level matches any level. */
export function sameKey(a: UnitKey, b: UnitKey): boolean {
  return a.core === b.core && (a.level === '' || b.level === '' || a.level === b.level);
}

/**
 * Peel a place name off the front: 庆元县发改局 -> 县发改局, 绵阳市游仙区财政局 ->
 * 市游仙区财政局 -> 区财政局. Each step keeps the level character, so the result
 * is a name as a plan inside that place would write it.
 */
export function withoutPlaces(name: string): string[] {
  const out: string[] = [];
  let cur = foldTight(name);
  for (let guard = 0; guard < 4; guard++) {
    const m = /^[\u4e00-\u9fff]{2,6}?(?:自治州|自治县|省|市|县|区|州|旗|盟)/.exec(cur);
    if (!m || m[0].length >= cur.length) break;
    const level = m[0].endsWith('自治州') ? '州' : m[0].endsWith('自治县') ? '县' : m[0].at(-1)!;
    const rest = cur.slice(m[0].length);
    // A level followed by a level-less rest ("庆元县发改局" -> "县" + "发改局").
    cur = level + rest;
    out.push(cur);
    // Continue from the rest for a second place ("市游仙区财政局" -> "游仙区财政局").
    cur = rest;
  }
  return out;
}

/** 各有关单位, 各乡镇, 区政府各部门, 市级有关部门, 市场监管等部门: a class of units, not one. */
export function isGenericUnitName(name: string): boolean {
  const s = foldTight(name);
  return /^(各|有关|相关|其他|其它)|(各|有关|相关)(级|有关|相关)?(部门|单位|乡镇|县|区|市|地)|等(部门|单位|机关)$|^(被|承办|责任)/.test(s);
}
