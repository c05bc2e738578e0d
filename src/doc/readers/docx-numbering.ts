import { formatNumber } from './number-format.js';
import { elements, isW, wAttr, wChild, wChildren, wInt, wVal, type Element, type XmlPart } from './ooxml.js';

/**
 * Word's automatic numbering, restored: the "一、" or "（一）" a reader of the
 * printed plan sees comes from numbering.xml and styles.xml, not from the text.
 * A paragraph is numbered by w:numPr on itself or on its paragraph style (and
 * the styles it is based on); w:num points at an abstract definition whose
 * w:lvl says the format and the text ("%1、", "（%2）", "%1.%2").
 */

interface Level {
  start: number;
  fmt: string;
  text: string;
  /** w:lvlRestart: 0 = never; n = restart when level n (1-based) or a higher one is used. */
  restart?: number;
  isLgl: boolean;
  pStyle?: string;
}

interface Num {
  abstractId: string;
  starts: Map<number, number>;
  levels: Map<number, Level>;
}

interface Style {
  name: string;
  basedOn?: string;
  numId?: string;
  ilvl?: number;
  outlineLvl?: number;
}

const MAX_STYLE_CHAIN = 32;

export class WordNumbering {
  private readonly abstracts = new Map<string, { levels: Map<number, Level>; numStyleLink?: string }>();
  private readonly nums = new Map<string, Num>();
  private readonly styles = new Map<string, Style>();
  private defaultStyle?: string;
  private readonly counters = new Map<string, Array<number | undefined>>();
  private readonly restarted = new Set<string>();

  constructor(numbering: XmlPart | undefined, styles: XmlPart | undefined) {
    if (styles?.documentElement) this.readStyles(styles.documentElement);
    if (numbering?.documentElement) this.readNumbering(numbering.documentElement);
  }

  /** The numbering a paragraph carries, or undefined. Does not advance counters. */
  numPr(pPr: Element | undefined): { numId: string; ilvl: number } | undefined {
    const direct = wChild(pPr, 'numPr');
    const styleId = wVal(pPr, 'pStyle') ?? this.defaultStyle;
    const chain = this.chain(styleId);
    let numId = wVal(direct, 'numId');
    let ilvl = wInt(direct, 'ilvl');
    if (numId === undefined) numId = chain.find((s) => s.numId !== undefined)?.numId;
    if (numId === undefined || numId === '0' || !this.nums.has(numId)) return undefined;
    ilvl ??= chain.find((s) => s.ilvl !== undefined)?.ilvl;
    // A level can name the style that uses it (w:lvl/w:pStyle) instead of the style naming the level.
    ilvl ??= styleId ? this.levelForStyle(numId, styleId) : undefined;
    return { numId, ilvl: clampLevel(ilvl ?? 0) };
  }

  /** Outline level from a heading style (Heading 1 / 标题 1) or w:outlineLvl, 0 = top. */
  headingLevel(pPr: Element | undefined): number | undefined {
    const direct = wInt(pPr, 'outlineLvl');
    if (direct !== undefined && direct >= 0 && direct <= 8) return direct;
    for (const s of this.chain(wVal(pPr, 'pStyle') ?? this.defaultStyle)) {
      const m = /^(?:heading|标题)\s*([1-9])$/i.exec(s.name.trim());
      if (m) return Number(m[1]) - 1;
      if (s.outlineLvl !== undefined && s.outlineLvl >= 0 && s.outlineLvl <= 8) return s.outlineLvl;
    }
    return undefined;
  }

  /** Advance the list's counters for this paragraph and render its label ("一、", "（二）", "1.2"). */
  next(numId: string, ilvl: number): string | undefined {
    const num = this.nums.get(numId);
    if (!num) return undefined;
    const levels = this.levelsOf(num);
    const lvl = levels.get(ilvl);
    if (!lvl) return undefined;
    // Every w:num of one abstract list shares its counters, as Word counts them; a w:num with
    // w:startOverride starts the level again where that w:num is first used.
    let counts = this.counters.get(num.abstractId);
    if (!counts) this.counters.set(num.abstractId, (counts = []));
    const start = (l: number) => levels.get(l)?.start ?? 1;
    const override = num.starts.get(ilvl);
    if (override !== undefined && !this.restarted.has(`${numId}:${ilvl}`)) {
      this.restarted.add(`${numId}:${ilvl}`);
      counts[ilvl] = override;
    } else {
      counts[ilvl] = counts[ilvl] === undefined ? start(ilvl) : counts[ilvl]! + 1;
    }
    for (let k = ilvl + 1; k < 9; k++) {
      const restart = levels.get(k)?.restart ?? k;
      if (restart !== 0 && ilvl <= restart - 1) counts[k] = undefined;
    }
    if (lvl.fmt === 'bullet') return bullet(lvl.text);
    const label = lvl.text.replace(/%([1-9])/g, (_, d: string) => {
      const l = Number(d) - 1;
      const fmt = lvl.isLgl ? 'decimal' : (levels.get(l)?.fmt ?? 'decimal');
      return formatNumber(counts![l] ?? start(l), fmt === 'bullet' ? 'decimal' : fmt);
    });
    return label.trim() ? label : undefined;
  }

  private chain(styleId: string | undefined): Style[] {
    const out: Style[] = [];
    const seen = new Set<string>();
    for (let id = styleId; id && !seen.has(id) && out.length < MAX_STYLE_CHAIN; ) {
      seen.add(id);
      const s = this.styles.get(id);
      if (!s) break;
      out.push(s);
      id = s.basedOn;
    }
    return out;
  }

  private levelsOf(num: Num): Map<number, Level> {
    let abs = this.abstracts.get(num.abstractId);
    // w:numStyleLink: the definition lives with the numbering style it names.
    if (abs?.numStyleLink) {
      const linkedNum = this.styles.get(abs.numStyleLink)?.numId;
      const linked = linkedNum ? this.nums.get(linkedNum) : undefined;
      const target = linked ? this.abstracts.get(linked.abstractId) : undefined;
      if (target && !target.numStyleLink) abs = target;
    }
    if (!num.levels.size) return abs?.levels ?? new Map();
    const merged = new Map(abs?.levels ?? []);
    for (const [l, lvl] of num.levels) merged.set(l, lvl);
    return merged;
  }

  private levelForStyle(numId: string, styleId: string): number | undefined {
    const num = this.nums.get(numId);
    if (!num) return undefined;
    for (const [l, lvl] of this.levelsOf(num)) if (lvl.pStyle === styleId) return l;
    return undefined;
  }

  private readStyles(root: Element): void {
    for (const s of wChildren(root, 'style')) {
      const id = wAttr(s, 'styleId');
      if (!id) continue;
      const type = wAttr(s, 'type') ?? 'paragraph';
      const pPr = wChild(s, 'pPr');
      const numPr = wChild(pPr, 'numPr');
      this.styles.set(id, {
        name: wVal(s, 'name') ?? id,
        basedOn: wVal(s, 'basedOn'),
        numId: wVal(numPr, 'numId'),
        ilvl: wInt(numPr, 'ilvl'),
        outlineLvl: wInt(pPr, 'outlineLvl'),
      });
      if (type === 'paragraph' && /^(1|true|on)$/i.test(wAttr(s, 'default') ?? '')) this.defaultStyle = id;
    }
  }

  private readNumbering(root: Element): void {
    for (const a of wChildren(root, 'abstractNum')) {
      const id = wAttr(a, 'abstractNumId');
      if (id === undefined) continue;
      const levels = new Map<number, Level>();
      for (const l of wChildren(a, 'lvl')) {
        const ilvl = Number.parseInt(wAttr(l, 'ilvl') ?? '', 10);
        if (ilvl >= 0 && ilvl <= 8) levels.set(ilvl, readLevel(l));
      }
      this.abstracts.set(id, { levels, numStyleLink: wVal(a, 'numStyleLink') });
    }
    for (const n of wChildren(root, 'num')) {
      const id = wAttr(n, 'numId');
      const abstractId = wVal(n, 'abstractNumId');
      if (id === undefined || abstractId === undefined) continue;
      const starts = new Map<number, number>();
      const levels = new Map<number, Level>();
      for (const o of wChildren(n, 'lvlOverride')) {
        const ilvl = Number.parseInt(wAttr(o, 'ilvl') ?? '', 10);
        if (!(ilvl >= 0 && ilvl <= 8)) continue;
        const start = wInt(o, 'startOverride');
        if (start !== undefined) starts.set(ilvl, start);
        const lvl = wChild(o, 'lvl');
        if (lvl) levels.set(ilvl, readLevel(lvl));
      }
      this.nums.set(id, { abstractId, starts, levels });
    }
  }
}

function readLevel(l: Element): Level {
  return {
    start: wInt(l, 'start') ?? 1,
    fmt: wVal(l, 'numFmt') ?? numFmtFromChoice(l) ?? 'decimal',
    text: wVal(l, 'lvlText') ?? '',
    restart: wInt(l, 'lvlRestart'),
    isLgl: !!wChild(l, 'isLgl'),
    pStyle: wVal(l, 'pStyle'),
  };
}

/** Newer formats sit in mc:AlternateContent with a fallback w:numFmt. */
function numFmtFromChoice(l: Element): string | undefined {
  for (const c of elements(l)) {
    if (c.localName !== 'AlternateContent') continue;
    for (const branch of elements(c)) {
      const fmt = elements(branch).find((e) => e.localName === 'numFmt' && isW(e));
      const v = fmt ? wAttr(fmt, 'val') : undefined;
      if (v) return v;
    }
  }
  return undefined;
}

function bullet(text: string): string {
  // Symbol/Wingdings bullets are private-use code points that mean nothing outside Word.
  const t = text.replace(/[\uE000-\uF8FF]/g, '•').trim();
  return t || '•';
}

const clampLevel = (l: number) => (l >= 0 && l <= 8 ? l : 0);
