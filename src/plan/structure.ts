import { readMarker, readMarkerAt, readUnitHead, type Marker, type MarkerStyle } from './numbering.js';

/** A numbered item of the plan with its text (lines joined) and children. */
export interface ItemNode {
  marker: Marker;
  path: string[];
  /** Text after the marker, OCR line breaks joined. */
  text: string;
  /** The rest of the marker's own line: a heading when it has no full stop. */
  head: string;
  children: ItemNode[];
  parent?: ItemNode;
}

interface Level {
  style: MarkerStyle;
  ordinal: number;
  node: ItemNode;
}

// Where the plan's body stops: attachments, distribution lists, publication notes.
const END_OF_BODY = /^(附件\s*[:：\d一二三]|附件$|抄送[:：]|抄报[:：]|信息公开选项|[（(]此件|[（(]信息公开|主题词)/;
const DATE_LINE = /^\d{4}年\d{1,2}月\d{1,2}日(印发|发布)?$|^[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日$/;
const SENTENCE_END = /[。；！？]/;
const SENTENCE_END_CHAR = /[。！？]/;
// Where a run-in item may start: after a sentence, a closing annotation or a colon ("具体如下：一、").
const ITEM_BREAK = /[。；！？）)：:”]/;
// Characters after which a glued numeral counts something rather than opening an item.
const NOT_BEFORE_GLUED = /[一二三四五六七八九十百零〇两第共约近每至和或及、（(“《\d.．\-—~～]/;
// Levels of numbering followed; deeper markers stay in their item's text (no style repeats, so this is a safety bound).
const MAX_DEPTH = 8;
// A short "label：" at the start of a line (牵头单位：, 完成时间：, 试点单位：) keeps its line break.
const LABEL_LINE = /^[\u4e00-\u9fa5]{2,4}(单位|部门|科室|处室|主体|领导|时限|时间|期限|节点)[:：]/;

/**
 * Lines inside an item are OCR or layout breaks and join without a gap, except
 * where a sentence ended or the next line is a label ("责任单位：…"): there the
 * break is kept so labels do not run into each other.
 */
function joinText(a: string, b: string): string {
  if (!a) return b;
  if (!b) return a;
  if (/[。；！？]$/.test(a) || LABEL_LINE.test(b)) return `${a}\n${b}`;
  return /[A-Za-z0-9]$/.test(a) && /^[A-Za-z0-9]/.test(b) ? `${a} ${b}` : a + b;
}

/**
 * Build the item tree from cleaned lines. The body starts at the first marker
 * numbered 1; a marker is accepted as a sibling only if it continues its
 * level's numbering, and as a new level only if it starts at 1, so numbers
 * inside prose ("2.5亿元", a stray "3、") do not open items.
 */
export function buildTree(lines: string[]): { roots: ItemNode[]; bodyStart: number } {
  const roots: ItemNode[] = [];
  const stack: Level[] = [];
  let bodyStart = -1;
  let current: ItemNode | undefined;

  // Some plans number （一）…（二十） straight through their 一、二、 sections.
  const lastOrdinal = new Map<MarkerStyle, number>();
  const depthOf = new Map<MarkerStyle, number>();
  // Bullets and unit heads carry no number: each one continues its level (or starts one).
  const count = (m: Marker): Marker => {
    if (m.style !== 'bullet' && m.style !== 'unit') return m;
    const l = stack.find((x) => x.style === m.style);
    const ordinal = (l?.ordinal ?? 0) + 1;
    return { ...m, ordinal, label: m.style === 'bullet' ? `●${ordinal}` : m.label };
  };
  const accept = (raw: Marker): number | undefined => {
    const m = count(raw);
    const i = stack.findIndex((l) => l.style === m.style);
    if (i >= 0) return m.ordinal > stack[i]!.ordinal && m.ordinal <= stack[i]!.ordinal + 3 ? i : undefined;
    return m.ordinal === 1 || m.ordinal === (lastOrdinal.get(m.style) ?? -1) + 1 ? stack.length : undefined;
  };

  const open = (m: Marker, at: number, line: string) => {
    push(m, at, '');
    feed(line, m.length);
  };

  const push = (m: Marker, at: number, head: string): ItemNode => {
    stack.length = at;
    const parent = stack[at - 1]?.node;
    const node: ItemNode = { marker: m, path: [...(parent?.path ?? []), m.label], text: '', head, children: [], parent };
    (parent ? parent.children : roots).push(node);
    stack.push({ style: m.style, ordinal: m.ordinal, node });
    lastOrdinal.set(m.style, m.ordinal);
    depthOf.set(m.style, at);
    current = node;
    return node;
  };

  /**
   * Split run-in items inside one line ("…。（二）…", "…各行政村二、推进…",
   * "规划1.争取…2.委托…"). One pass over the line, so a flattened page of
   * megabytes stays linear: markers are read in place, and "does a second item
   * of this style follow" is answered from one precomputed list.
   */
  // `from` > 0: the line starts with the marker of the item just opened, whose heading is the line's text up to the next item.
  // Items numbered 2 anywhere in the document, by global offset: a run-in list's second item may sit on a later line.
  const seconds = secondsOf(lines);
  let base = 0; // global offset of the current line
  let hasSentence = false; // the current item already has a full sentence
  const feed = (text: string, from = 0) => {
    let taken = from;
    let headOf = from > 0 ? current : undefined;
    hasSentence = /[。！？]/.test(current?.text ?? '');
    for (let k = from > 0 ? from : 1; k < text.length - 1; k++) {
      if (SENTENCE_END_CHAR.test(text[k - 1]!) && k - 1 >= taken) hasSentence = true;
      const raw = readMarkerAt(text, k) ?? (SENTENCE_END.test(text[k - 1]!) ? readUnitHead(text, k) : undefined);
      if (!raw) continue;
      const m = count(raw);
      const at = runIn(m, text, k, k === from);
      if (at === undefined) continue;
      current!.text = joinText(current!.text, text.slice(taken, k));
      if (headOf) headOf.head = text.slice(taken, k);
      headOf = push(m, at, '');
      hasSentence = false;
      taken = k + m.length;
      k = taken - 1;
    }
    current!.text = joinText(current!.text, text.slice(taken));
    if (headOf) headOf.head = text.slice(taken);
  };

  /** Where a marker inside a line opens an item: continuing an open level, or a new level whose second item follows. */
  const runIn = (m: Marker, text: string, k: number, afterMarker: boolean): number | undefined => {
    const prev = text[k - 1]!;
    // A bullet glyph is unambiguous wherever it stands; a unit head is only looked for after a sentence.
    const broken = afterMarker || ITEM_BREAK.test(prev) || m.style === 'bullet' || m.style === 'unit';
    // Glued to the text before it ("…各行政村二、推进"): never after a numeral or a word that counts ("第2、3项", "十二、").
    const glued = !broken && !NOT_BEFORE_GLUED.test(prev) && !(m.style.startsWith('ar') || m.style.startsWith('decimal') ? /[\d.．]/.test(prev) : false);
    if (!broken && !glued) return undefined;
    const i = stack.findIndex((l) => l.style === m.style && m.ordinal === l.ordinal + 1);
    if (i >= 0) return i;
    // A number written twice ("…三、重点领域…三、保障措施（一）…") still opens a section when its first sub-item follows at once.
    const same = stack.findIndex((l) => l.style === m.style && m.ordinal === l.ordinal);
    if (same >= 0 && same < stack.length - 1 && opensChild(text, k + m.length, stack.slice(same + 1).map((l) => l.style))) return same;
    if (stack.some((l) => l.style === m.style) || stack.length >= MAX_DEPTH) return undefined;
    // Numbered straight through the sections ("二、…（二）…" after "一、…（一）…").
    if (m.ordinal > 1) return m.ordinal === (lastOrdinal.get(m.style) ?? -1) + 1 && depthOf.get(m.style) === stack.length ? stack.length : undefined;
    // A run-in list ("…。（一）…。（二）…") opens a level only when its second item follows (or the style sat at this depth before).
    if (broken && depthOf.get(m.style) === stack.length) return stack.length;
    if (m.style === 'unit') return stack.length;
    if (!broken && m.style === 'cn-dun') return undefined;
    // "…跨越。一是出入境业务：1.办理…；2.…": a list inside a paragraph that already has sentences enumerates, it does not open sub-items.
    if (/[:：；;]/.test(prev) && hasSentence) return undefined;
    return seconds.follows(m.style, base + k + m.length) ? stack.length : undefined;
  };
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    base = seconds.lineStart[n]!;
    if (!line) continue;
    const m = readMarker(line);
    if (bodyStart < 0) {
      if (m && m.ordinal === 1) {
        bodyStart = n;
        open(m, 0, line);
        continue;
      }
      // A flattened page: the body starts inside the line ("…具体如下：一、推动…二、组织…").
      const k = firstRunInItem(line, base, seconds);
      if (k >= 0) {
        bodyStart = n;
        open(readMarkerAt(line, k)!, 0, line.slice(k));
      }
      continue;
    }
    if (END_OF_BODY.test(line)) break;
    if (DATE_LINE.test(line)) {
      dropSignature(current);
      break;
    }
    const at = m ? accept(m) : undefined;
    if (m && at !== undefined) open(count(m), at, line);
    else feed(line);
  }
  return { roots, bodyStart };
}

/** A marker numbered 1 of one of `styles` within a heading's length after `from`. */
function opensChild(text: string, from: number, styles: MarkerStyle[]): boolean {
  const end = Math.min(text.length, from + 30);
  for (let p = from; p < end; p++) {
    const m = readMarkerAt(text, p);
    if (m && m.ordinal === 1 && styles.includes(m.style)) return true;
    if (/[。；！？]/.test(text[p]!)) return false;
  }
  return false;
}

interface Seconds {
  /** Does an item numbered 2 of this style start after `pos` (within a plausible distance)? */
  follows(style: MarkerStyle, pos: number): boolean;
}

// How far the second item of a run-in list may be from the first: sections (一、, 第一部分) run long.
const SECOND_WITHIN = 4000;
const SECOND_SECTION_WITHIN = Number.POSITIVE_INFINITY;

/** Positions (global offsets) of every marker numbered 2, by style, for an O(log n) "is there a second item ahead". */
function secondsOf(lines: string[]): Seconds & { lineStart: number[] } {
  const at = new Map<MarkerStyle, number[]>();
  const lineStart: number[] = [];
  let offset = 0;
  for (const line of lines) {
    lineStart.push(offset);
    for (let k = 0; k < line.length - 1; k++) {
      const m = readMarkerAt(line, k);
      if (m?.ordinal === 2 || m?.style === 'bullet') {
        const list = at.get(m.style) ?? [];
        list.push(offset + k);
        at.set(m.style, list);
      }
    }
    offset += line.length + 1;
  }
  return {
    lineStart,
    follows(style, pos) {
      const list = at.get(style);
      if (!list) return false;
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (list[mid]! <= pos) lo = mid + 1;
        else hi = mid;
      }
      return lo < list.length && list[lo]! - pos <= (style === 'cn-dun' || style === 'part' ? SECOND_SECTION_WITHIN : SECOND_WITHIN);
    },
  };
}

/** Offset of the first item of a list that starts inside a line after a sentence or a colon, if its second item follows. */
function firstRunInItem(line: string, base: number, seconds: Seconds): number {
  for (let k = 1; k < line.length - 1; k++) {
    if (!ITEM_BREAK.test(line[k - 1]!)) continue;
    const m = readMarkerAt(line, k);
    if (!m || m.ordinal !== 1) continue;
    if (seconds.follows(m.style, base + k + m.length)) return k;
  }
  return -1;
}

/** The issuer's name printed above the closing date is not part of the last item. */
function dropSignature(node: ItemNode | undefined): void {
  if (!node) return;
  // The name never holds brackets: a lead annotation "（X牵头负责）" before it stays with the item.
  const m = /[。；！？）)”]([^。；！？（）()]{2,40})$/.exec(node.text);
  if (m && /(政府|办公室|小组|委员会|局|厅|委|办)$/.test(m[1]!)) node.text = node.text.slice(0, -m[1]!.length);
}

export function leaves(roots: ItemNode[]): ItemNode[] {
  const out: ItemNode[] = [];
  const walk = (n: ItemNode) => (n.children.length ? n.children.forEach(walk) : out.push(n));
  roots.forEach(walk);
  return out;
}
