import { expandAbbreviations, isGenericUnit, looksLikeUnit, splitUnits } from './units.js';

/**
 * Lead annotations: where a plan says who leads. Forms seen across provinces:
 *   （县发改局牵头负责）  （各有关单位分别负责）  （A、B分别牵头负责）
 *   （牵头单位：A、B；责任单位：C）   责任单位：A、B   A牵头，B配合
 *   市发改委牵头落实。   由A牵头、B参与
 * Each annotation governs the text between the previous annotation and itself.
 */

export interface Annotation {
  /** Offsets of the annotation in the text it was found in. */
  start: number;
  end: number;
  leads: string[];
  co: string[];
}

const LABEL_LEAD = '(?:牵头单位|牵头部门|牵头科室|牵头处室|主办单位|主责单位|责任领导单位|牵头)';
// 主抓单位 (the unit that drives the work day to day) and 公开主体 answer for the item but are not its lead.
const LABEL_CO =
  '(?:主要责任单位|责任单位|责任部门|责任科室|责任处室|责任主体|配合单位|配合部门|配合科室|协办单位|协办部门|参与单位|参与部门|协同单位|协助单位|主抓单位|公开主体|实施主体|落实单位)';
// Time labels end a unit list ("…配合单位：X完成时间：2017年10月底前"); the deadline itself is read from the text.
const LABEL_TIME = '(?:完成时限|时限要求|完成时间|时间要求|时间节点|完成期限|办结时限|时间安排)';
// Any other "XX单位：" label (试点单位：, 督办单位：) also ends a list.
const ANY_LABEL = `(?:${LABEL_LEAD}|${LABEL_CO}|${LABEL_TIME}|[\\u4e00-\\u9fa5]{2}(?:单位|部门|科室|处室))\\s*[:：]`;
const IS_LEAD_LABEL = new RegExp(`^${LABEL_LEAD}$`);
const LABEL_START = new RegExp(`(?:${LABEL_LEAD}|${LABEL_CO})\\s*[:：]`);
// "由X牵头", "X要牵头", "X负责牵头" inside a sentence (not "牵头单位").
const INLINE_LEAD = /(?:^|由|[，,])((?:[\u4e00-\u9fa5（）()]{2,30}?[、和])*[\u4e00-\u9fa5（）()]{2,30}?)(?:要|负责|具体)?牵头(?!单位|部门|领导|[:：])(?:负责|落实|组织|推进)?/g;
const LABELLED = new RegExp(`(${LABEL_LEAD}|${LABEL_CO})\\s*[:：]\\s*([^；;\\n]*?)(?=[；;\\n]|${ANY_LABEL}|$)`, 'g');

// What a list segment says about its units: "X牵头", "X、Y等按职责分工负责", "Z配合".
const ROLE_LEAD = /(?:分别|共同)?牵头(?:负责|落实|实施|推进|组织)?$/;
const ROLE_CO = /(?:等)?(?:按照?职责(?:分工)?|依职责|根据职责(?:分工)?)(?:分别)?(?:负责|落实|配合)?(?:落实)?$|(?:等)?(?:负责)?(?:配合|参与|协助|协同|协办)(?:落实|实施)?$|等$/;
// Words that never occur inside a unit name: where they start, the list has ended and prose begins.
const NOT_IN_UNIT = /[“”"《》]|推进|加强|开展|负责|实施|建立|完善|做好|落实|积极|进一步|以下|不再|要|将|是|的|对|在/;

/** The unit a list part names, when prose was glued after it ("区相关部门积极推进…" -> 区相关部门). */
export function unitPrefix(part: string): string | undefined {
  if (looksLikeUnit(part)) return part;
  for (let i = Math.min(part.length - 1, 24); i >= 2; i--) {
    const p = part.slice(0, i);
    if (!NOT_IN_UNIT.test(p) && looksLikeUnit(p)) return p;
  }
  return undefined;
}

/**
 * Units of one label's value or one annotation: segments (split on ，；)
 * carry their own role ("X牵头，Y按职责分工负责"); a segment without one takes
 * the default. The list stops at the first part that is not a unit, so a
 * label glued to the next paragraph does not swallow it.
 */
function unitsOf(value: string, defaultLead: boolean): { leads: string[]; co: string[]; complete: boolean; consumed: number } {
  const r = unitsOfList(value, defaultLead);
  if (r.complete) return { ...r, consumed: value.length };
  // Where the list stopped: just after the last unit (prose glued after it is not part of the annotation).
  const last = [...r.leads, ...r.co].at(-1);
  const at = last ? value.lastIndexOf(last) : -1;
  return { ...r, consumed: at >= 0 ? at + last!.length : 0 };
}

function unitsOfList(value: string, defaultLead: boolean): { leads: string[]; co: string[]; complete: boolean } {
  const leads: string[] = [];
  const co: string[] = [];
  for (const raw of splitTopLevel(value.replace(/[。.]$/, ''), /[，,；;]/)) {
    let seg = raw.trim();
    if (!seg) continue;
    let lead = defaultLead;
    if (ROLE_LEAD.test(seg)) [lead, seg] = [true, seg.replace(ROLE_LEAD, '')];
    else if (ROLE_CO.test(seg)) [lead, seg] = [false, seg.replace(ROLE_CO, '')];
    for (const u of splitUnits(seg)) {
      // "市发改委（牵头）" inside a 责任单位 list marks the lead.
      const marked = /[（(]牵头[）)]$/.test(u);
      const name = unitPrefix(u.replace(/[（(](牵头|配合|参与)[）)]$/, ''));
      if (!name) return { leads, co, complete: false };
      (lead || marked ? leads : co).push(name);
      if (name !== u.replace(/[（(](牵头|配合|参与)[）)]$/, '')) return { leads, co, complete: false };
    }
  }
  return { leads, co, complete: true };
}

function splitTopLevel(s: string, sep: RegExp): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '（' || ch === '(') depth++;
    if (ch === '）' || ch === ')') depth = Math.max(0, depth - 1);
    if (depth === 0 && sep.test(ch)) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function labelled(content: string): { leads: string[]; co: string[]; end: number } | undefined {
  // Every label has a colon: most text is ruled out without running the label pattern.
  if (!content.includes('：') && !content.includes(':')) return undefined;
  LABELLED.lastIndex = 0;
  const leads: string[] = [];
  const co: string[] = [];
  let any = false;
  let end = 0;
  for (let m = LABELLED.exec(content); m; m = LABELLED.exec(content)) {
    any = true;
    end = m.index + m[0].length;
    const r = unitsOf(m[2]!, IS_LEAD_LABEL.test(m[1]!));
    if (!r.complete) end = m.index + m[0].length - m[2]!.length + r.consumed;
    for (const u of r.leads) if (!leads.includes(u)) leads.push(u);
    for (const u of r.co) if (!co.includes(u) && !leads.includes(u)) co.push(u);
  }
  return any ? { leads: expandAbbreviations(leads), co: expandAbbreviations(co, leads[0]), end } : undefined;
}

/**
 * "A、B分别牵头负责", "A牵头，B、C配合", "由A负责", "A牵头负责；各片区负责配合落实，…",
 * "A、B等按职责分工负责" (no lead: the units answer for the item as 责任单位).
 */
const ROLE_WORD = /牵头|负责|配合|参与|协助|协同|协办|落实|主抓|组织实施/;

function verbal(content: string): { leads: string[]; co: string[] } | undefined {
  if (!ROLE_WORD.test(content)) return undefined;
  const c = content.replace(/[。.；;]$/, '').replace(/^由/, '');
  const segs = splitTopLevel(c, /[，,；;]/).map((x) => x.trim().replace(/^由/, '')).filter(Boolean);
  if (!segs.length) return undefined;
  const leads: string[] = [];
  const co: string[] = [];
  // Units of segments with no verb of their own take the next segment's ("A、B，C等按职责分工负责").
  let pending: string[] = [];
  let first = true;
  for (const seg of segs) {
    let role: 'lead' | 'co' | undefined;
    let names = seg;
    if (ROLE_LEAD.test(seg)) [role, names] = ['lead', seg.replace(ROLE_LEAD, '')];
    else if (ROLE_CO.test(seg) && !/^(负责|落实)$/.test(seg.match(ROLE_CO)![0])) [role, names] = ['co', seg.replace(ROLE_CO, '')];
    else if (first) {
      const v = new RegExp(`^(.+?)${VERB_LEAD}$`).exec(seg);
      if (v) [role, names] = ['lead', v[1]!];
    }
    const units = splitUnits(names);
    if (!units.length || !units.every(isUnitName)) {
      // The annotation's later words are remarks ("以下均需各片区配合落实，不再列出").
      if (first) return undefined;
      break;
    }
    if (!role) {
      pending.push(...units);
      continue;
    }
    (role === 'lead' ? leads : co).push(...[...pending, ...units].filter((u) => !leads.includes(u) && !co.includes(u)));
    pending = [];
    first = false;
  }
  if (!leads.length && !co.length) return undefined;
  return { leads: expandAbbreviations(leads), co: expandAbbreviations(co, leads[0]) };
}

const isUnitName = (u: string) => looksLikeUnit(u) && !NOT_IN_UNIT.test(u);

const VERB_LEAD = '(?:按(?:照)?职责(?:分工)?|依职责|根据职责)?(?:分别)?(?:牵头负责|牵头落实|牵头实施|牵头推进|牵头组织|牵头|负责落实|具体负责|负责实施|负责推进|负责|主抓|落实|组织实施)';

function parse(content: string): { leads: string[]; co: string[] } | undefined {
  return labelled(content) ?? verbal(content);
}

/** Find every lead annotation in an item's text. */
export function findAnnotations(text: string): Annotation[] {
  const out: Annotation[] = [];
  // Bracketed annotations, full- or half-width, one level of nesting allowed.
  const bracket = /[（(]((?:[^（）()]|[（(][^（）()]*[）)])+)[）)]/g;
  for (let m = bracket.exec(text); m; m = bracket.exec(text)) {
    const r = parse(m[1]!.trim());
    if (r && (r.leads.length || r.co.length)) out.push({ start: m.index, end: m.index + m[0].length, leads: r.leads, co: r.co });
  }
  // Unbracketed: a label anywhere in a sentence ("…挂牌保护牵头单位：X"), or a short sentence "A牵头落实。"
  const sentence = /[^。；！？\n]+[。；！？\n]?/g;
  // Bracketed annotations are in text order and sentences are too: one pointer keeps the overlap test linear.
  const brackets = out.length;
  let b = 0;
  for (let m = sentence.exec(text); m; m = sentence.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    while (b < brackets && out[b]!.end <= start) b++;
    if (b < brackets && out[b]!.start < end) continue;
    const li = m[0].search(LABEL_START);
    const lab = li >= 0 ? labelled(m[0].slice(li)) : undefined;
    if (lab && (lab.leads.length || lab.co.length)) {
      out.push({ start: start + li, end: start + li + lab.end, leads: lab.leads, co: lab.co });
      continue;
    }
    const s = m[0].trim();
    if (s.length <= 60) {
      const v = verbal(s);
      if (v && /(牵头|负责)/.test(s)) {
        out.push({ start, end, ...v });
        continue;
      }
    }
    // Inside a sentence: "…获批由区经济发展局牵头，成立…", "区经发局、区数字办要牵头对…".
    INLINE_LEAD.lastIndex = 0;
    for (let i = INLINE_LEAD.exec(m[0]); i; i = INLINE_LEAD.exec(m[0])) {
      const units = splitUnits(i[1]!);
      if (!units.length || !units.every(isUnitName)) continue;
      out.push({ start: start + i.index, end: start + i.index + i[0].length, leads: expandAbbreviations(units), co: [] });
      break;
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

// Subjects that make a sentence a duty of a unit: "司法行政机关7月底前完成…",
// "苍溪县、昭化区要对照…", "市营商局组织对…".
const DUTY_VERB =
  /^(要|应|应当|须|必须|需|负责|牵头|组织|统筹|会同|按照|根据|对照|围绕|于|在|将|做好|加强|开展|完成|建立|推进|推动|落实|及时|定期|每|进一步|切实|认真|全面|持续|继续|积极|依法|结合|可以|可|\d|[一二三四五六七八九十]+月|年底)/;

export function findImpliedLeads(text: string): string[] {
  const out: string[] = [];
  for (const sentence of text.split(/[。；！？]/)) {
    for (const clause of [sentence, ...sentence.split(/[，,]/).slice(1)]) {
      const s = clause.trim().replace(/^(同时|此外|另外|其中)[，,]?/, '');
      // Try the shortest prefix ending in a unit suffix and followed by a duty verb.
      for (let i = 2; i <= Math.min(40, s.length - 1); i++) {
        const subject = s.slice(0, i);
        if (!DUTY_VERB.test(s.slice(i))) continue;
        if (!/[局委办厅部院中心府室处科所站队组街道镇乡县区市门位关构司团会]$/.test(subject.replace(/[（(][^（）()]*[）)]$/, ''))) continue;
        if (/(不得|委托|截至|已)/.test(subject)) break;
        if (/^(建设|新建|开展|完成|实行|制定|编制|发布|重点|参照|组织|下级|上级|主动|集中|同时|要求|引导|协调|配合|加强|推进|推动|深化|完善|建立|健全|落实|做好|围绕|按照|根据|对照|严格|持续|进一步|全面|积极|及时|依法|切实|认真|坚持|统筹|结合|探索|鼓励|支持|指导|督促|发挥|充分|着力|大力|主动|聚焦|强化|优化|提升|提高|规范|扩大|创新|抓好|实现|确保|以|在|对|将|把|从|为|通过|针对|加快|做实)/.test(subject)) break;
        if (/^在地/.test(s.slice(i))) continue; // 所在地 is a place, not a unit
        const units = splitUnits(subject);
        // A place as subject is a short name (苍溪县, 东兴区); "改造城镇老旧小区" is an action.
        const place = (u: string) => /(县|区|市|乡|镇|村|社区|街道)$/.test(u) && u.length > 5 && !/^各/.test(u);
        if (units.some(place)) break;
        if (units.length && units.every((u) => looksLikeUnit(u))) {
          for (const u of units) if (!out.includes(u)) out.push(u);
        } else if (
          units.length > 1 &&
          looksLikeUnit(subject) &&
          units.slice(0, -1).every((u) => u.length <= 6 && !/^(要|按照|根据|依照)|和/.test(u)) &&
          !out.includes(subject)
        ) {
          // "教育、卫生健康、交通运输部门": one suffix shared by the list; keep the phrase whole.
          out.push(subject);
        }
        break;
      }
    }
  }
  return out;
}
