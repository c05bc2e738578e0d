import { isGenericUnit, looksLikeUnit, splitUnits } from './units.js';

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

const LABEL_LEAD = '(?:牵头单位|牵头部门|主办单位|主责单位|牵头|责任领导单位)';
const LABEL_CO = '(?:责任单位|责任部门|责任主体|配合单位|配合部门|协办单位|参与单位|协同单位|协助单位)';

function labelled(content: string): { leads: string[]; co: string[] } | undefined {
  const re = new RegExp(`(${LABEL_LEAD}|${LABEL_CO})\\s*[:：]\\s*([^；;\\n]*?)(?=[；;\\n]|\\s*${LABEL_LEAD}\\s*[:：]|\\s*${LABEL_CO}\\s*[:：]|$)`, 'g');
  const leads: string[] = [];
  const co: string[] = [];
  let any = false;
  for (let m = re.exec(content); m; m = re.exec(content)) {
    any = true;
    const units = splitUnits(m[2]!.replace(/[。.]$/, ''));
    const isLead = new RegExp(`^${LABEL_LEAD}$`).test(m[1]!);
    for (const u of units) {
      // "市发改委（牵头）" inside a 责任单位 list marks the lead.
      const marked = /[（(]牵头[）)]$/.exec(u);
      const name = u.replace(/[（(](牵头|配合|参与)[）)]$/, '');
      if (isLead || marked) leads.push(name);
      else co.push(name);
    }
  }
  return any ? { leads, co } : undefined;
}

const VERB_LEAD = '(?:按(?:照)?职责(?:分工)?|依职责|根据职责)?(?:分别)?(?:牵头负责|牵头落实|牵头实施|牵头推进|牵头组织|牵头|负责落实|具体负责|负责实施|负责推进|负责|主抓|落实|组织实施)';
const VERB_CO = '(?:按(?:照)?职责(?:分工)?|依职责)?(?:配合|参与|协助|协同|协办|共同负责|负责|落实)';

/** "A、B分别牵头负责", "A牵头，B、C配合", "由A负责" -> units. */
function verbal(content: string): { leads: string[]; co: string[] } | undefined {
  const c = content.replace(/[。.；;]$/, '').replace(/^由/, '');
  const m = new RegExp(`^(.+?)${VERB_LEAD}(?:[，,、]\\s*(?:由)?(.+?)${VERB_CO}(?:落实|实施)?)?$`).exec(c);
  if (!m) return undefined;
  const leads = splitUnits(m[1]!);
  const co = m[2] ? splitUnits(m[2]) : [];
  if (!leads.length || !leads.every(looksLikeUnit) || !co.every(looksLikeUnit)) return undefined;
  return { leads, co };
}

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
    if (r && (r.leads.length || r.co.length)) out.push({ start: m.index, end: m.index + m[0].length, ...r });
  }
  // Unbracketed: a labelled line/sentence, or a short sentence "A牵头落实。"
  const sentence = /[^。；！？\n]+[。；！？\n]?/g;
  for (let m = sentence.exec(text); m; m = sentence.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (out.some((a) => start < a.end && end > a.start)) continue;
    const s = m[0].trim();
    const lab = labelled(s);
    if (lab && new RegExp(`^(${LABEL_LEAD}|${LABEL_CO})\\s*[:：]`).test(s)) {
      out.push({ start, end, ...lab });
      continue;
    }
    if (s.length <= 60) {
      const v = verbal(s);
      if (v && /(牵头|负责)/.test(s)) out.push({ start, end, ...v });
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
