import { SaxesParser } from 'saxes';
import { PlanError } from '../../plan/errors.js';

/**
 * One OOXML part parsed with saxes (a conformant, namespace-aware streaming
 * XML parser) into a small element tree that keeps only what the Word reader
 * uses: elements with their namespace, attributes, and the text of w:t-like
 * elements. A full DOM cost 5× the time and most of the memory on long plans.
 * WordprocessingML is matched by local name in the w: namespace (transitional
 * or strict), so a producer that picks other prefixes reads the same.
 */

export interface XAttr {
  localName: string;
  namespaceURI: string;
  value: string;
}

export interface Element {
  localName: string;
  namespaceURI: string;
  attrs: XAttr[];
  children: Element[];
  /** Character data, kept only for text-bearing elements (w:t, m:t, w:instrText…). */
  text: string;
}

export interface XmlPart {
  documentElement: Element | undefined;
}

const W_NS = new Set([
  'http://schemas.openxmlformats.org/wordprocessingml/2006/main',
  'http://purl.oclc.org/ooxml/wordprocessingml/main',
]);
const MC_NS = 'http://schemas.openxmlformats.org/markup-compatibility/2006';
const TEXT_ELEMENTS = new Set(['t', 'instrText', 'delText', 'delInstrText']);
/** Nesting kept in the tree; the walkers stop well before it. */
const MAX_DEPTH = 1000;

export function parseXmlPart(bytes: Uint8Array, part: string, file: string): XmlPart {
  const text = decodeXml(bytes);
  // OOXML never carries a DTD; one here is an entity-expansion attack or not Word.
  if (/<!DOCTYPE/i.test(text.slice(0, 4096)) || /<!ENTITY/i.test(text)) {
    throw new PlanError('unreadable', `文件 ${file} 的 ${part} 含有不允许的 DTD 声明，不像 Word 生成的文件，未导入`, file);
  }
  const root: Element = { localName: '#root', namespaceURI: '', attrs: [], children: [], text: '' };
  const stack: Element[] = [root];
  const parser = new SaxesParser({ xmlns: true });
  parser.on('opentag', (tag) => {
    if (stack.length > MAX_DEPTH) throw new Error('too deep');
    const attrs: XAttr[] = [];
    for (const a of Object.values(tag.attributes)) {
      if (typeof a === 'string') continue;
      attrs.push({ localName: a.local, namespaceURI: a.uri, value: a.value });
    }
    const el: Element = { localName: tag.local ?? tag.name, namespaceURI: tag.uri ?? '', attrs, children: [], text: '' };
    stack[stack.length - 1]!.children.push(el);
    stack.push(el);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const onText = (t: string) => {
    const top = stack[stack.length - 1]!;
    if (TEXT_ELEMENTS.has(top.localName)) top.text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  try {
    parser.write(text).close();
  } catch {
    throw new PlanError('unreadable', `文件 ${file} 的内容（${part}）已损坏，无法读取；请在 Word 或 WPS 中重新保存为 .docx 后再发送`, file);
  }
  return { documentElement: root.children[0] };
}

function decodeXml(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
}

export const isW = (n: { namespaceURI?: string } | undefined): boolean => !!n && W_NS.has(n.namespaceURI ?? '');
export const isMc = (n: { namespaceURI?: string } | undefined): boolean => !!n && n.namespaceURI === MC_NS;

/** Element children (any namespace). */
export const elements = (el: Element): Element[] => el.children;

/** The first w:`name` child. */
export function wChild(el: Element | undefined, name: string): Element | undefined {
  return el?.children.find((c) => c.localName === name && isW(c));
}

export function wChildren(el: Element, name: string): Element[] {
  return el.children.filter((c) => c.localName === name && isW(c));
}

/** A w:-namespaced attribute (w:val, w:id…), whatever its prefix. */
export function wAttr(el: Element | undefined, name: string): string | undefined {
  return el?.attrs.find((a) => a.localName === name && (isW(a) || !a.namespaceURI))?.value;
}

/** w:val of the w:`name` child. */
export const wVal = (el: Element | undefined, name: string): string | undefined => wAttr(wChild(el, name), 'val');

/** An on/off property (w:b, w:vanish…): present and not val="0/false/off". */
export function wFlag(el: Element | undefined, name: string): boolean {
  const c = wChild(el, name);
  if (!c) return false;
  const v = wAttr(c, 'val');
  return v === undefined || !/^(0|false|off)$/i.test(v);
}

export function wInt(el: Element | undefined, name: string): number | undefined {
  const v = wVal(el, name);
  if (v === undefined) return undefined;
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : undefined;
}

/** Text of the w:t elements under el (iterative: no recursion on deep input). */
export function textOf(el: Element): string {
  let s = '';
  const stack = [el];
  while (stack.length) {
    const e = stack.pop()!;
    if (e.localName === 't') s += e.text;
    for (let i = e.children.length - 1; i >= 0; i--) stack.push(e.children[i]!);
  }
  return s;
}

/** Whether a descendant has this local name. */
export function hasDescendant(el: Element, localName: string): boolean {
  const stack = [...el.children];
  while (stack.length) {
    const e = stack.pop()!;
    if (e.localName === localName) return true;
    stack.push(...e.children);
  }
  return false;
}
