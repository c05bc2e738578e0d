import { readMarker, type Marker, type MarkerStyle } from './numbering.js';

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
// Where a run-in item may start: after a sentence or after a closing annotation.
const ITEM_BREAK = /[。；！？）)]/;
const LABEL_LINE = /^(牵头|责任|配合|协办|参与|主办)(单位|部门|领导)[:：]|^(完成|工作)?(时限|时间|期限)(要求|节点)?[:：]/;

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
  const accept = (m: Marker): number | undefined => {
    const i = stack.findIndex((l) => l.style === m.style);
    if (i >= 0) return m.ordinal > stack[i]!.ordinal && m.ordinal <= stack[i]!.ordinal + 3 ? i : undefined;
    return m.ordinal === 1 || m.ordinal === (lastOrdinal.get(m.style) ?? -1) + 1 ? stack.length : undefined;
  };

  const open = (m: Marker, at: number, text: string) => {
    stack.length = at;
    const parent = stack[at - 1]?.node;
    const node: ItemNode = { marker: m, path: [...(parent?.path ?? []), m.label], text: '', head: text, children: [], parent };
    (parent ? parent.children : roots).push(node);
    stack.push({ style: m.style, ordinal: m.ordinal, node });
    lastOrdinal.set(m.style, m.ordinal);
    depthOf.set(m.style, at);
    current = node;
    feed(text);
  };

  // Splits "…。（二）…" when the marker continues some open level's numbering.
  const feed = (text: string) => {
    let rest = text;
    for (let guard = 0; guard < 200; guard++) {
      let split = -1;
      let found: { m: Marker; at: number } | undefined;
      for (let k = 0; k < rest.length - 1; k++) {
        if (!ITEM_BREAK.test(rest[k]!)) continue;
        const m = readMarker(rest.slice(k + 1));
        if (!m) continue;
        const i = stack.findIndex((l) => l.style === m.style && m.ordinal === l.ordinal + 1);
        if (i >= 0) {
          split = k + 1;
          found = { m, at: i };
          break;
        }
        // A run-in list ("…。（一）…。（二）…") opens a level only when its second item follows.
        if (
          m.ordinal === 1 &&
          !stack.some((l) => l.style === m.style) &&
          (depthOf.get(m.style) === stack.length || hasInlineSecond(rest.slice(k + 1 + m.length), m.style))
        ) {
          split = k + 1;
          found = { m, at: stack.length };
          break;
        }
      }
      if (!found) {
        current!.text = joinText(current!.text, rest);
        return;
      }
      current!.text = joinText(current!.text, rest.slice(0, split));
      const after = rest.slice(split + found.m.length);
      stack.length = found.at;
      const parent = stack[found.at - 1]?.node;
      const node: ItemNode = { marker: found.m, path: [...(parent?.path ?? []), found.m.label], text: '', head: after, children: [], parent };
      (parent ? parent.children : roots).push(node);
      stack.push({ style: found.m.style, ordinal: found.m.ordinal, node });
      lastOrdinal.set(found.m.style, found.m.ordinal);
      depthOf.set(found.m.style, found.at);
      current = node;
      rest = after;
    }
  };

  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (!line) continue;
    const m = readMarker(line);
    if (bodyStart < 0) {
      if (m && m.ordinal === 1) {
        bodyStart = n;
        open(m, 0, line.slice(m.length));
      }
      continue;
    }
    if (END_OF_BODY.test(line)) break;
    if (DATE_LINE.test(line)) {
      dropSignature(current);
      break;
    }
    const at = m ? accept(m) : undefined;
    if (m && at !== undefined) open(m, at, line.slice(m.length));
    else feed(line);
  }
  return { roots, bodyStart };
}

function hasInlineSecond(text: string, style: MarkerStyle): boolean {
  for (let k = 0; k < text.length - 1; k++) {
    if (!ITEM_BREAK.test(text[k]!)) continue;
    const m = readMarker(text.slice(k + 1));
    if (m && m.style === style && m.ordinal === 2) return true;
  }
  return false;
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
