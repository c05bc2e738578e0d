import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { PlanError } from '../../plan/errors.js';

/**
 * Parsing one OOXML part with @xmldom/xmldom and walking WordprocessingML by
 * local name in the w: namespace (transitional or strict), so a producer that
 * picks other prefixes reads the same.
 */

const W_NS = new Set([
  'http://schemas.openxmlformats.org/wordprocessingml/2006/main',
  'http://purl.oclc.org/ooxml/wordprocessingml/main',
]);
const MC_NS = 'http://schemas.openxmlformats.org/markup-compatibility/2006';

export function parseXmlPart(bytes: Uint8Array, part: string, file: string): Document {
  const text = decodeXml(bytes);
  // OOXML never carries a DTD; one here is an entity-expansion attack or not Word.
  if (/<!DOCTYPE/i.test(text.slice(0, 4096)) || /<!ENTITY/i.test(text)) {
    throw new PlanError('unreadable', `文件 ${file} 的 ${part} 含有不允许的 DTD 声明，不像 Word 生成的文件，未导入`, file);
  }
  try {
    return new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(text, 'text/xml');
  } catch {
    throw new PlanError('unreadable', `文件 ${file} 的内容（${part}）已损坏，无法读取；请在 Word 或 WPS 中重新保存为 .docx 后再发送`, file);
  }
}

function decodeXml(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
}

export const isW = (n: { namespaceURI?: string | null } | null | undefined): boolean => !!n && W_NS.has(n.namespaceURI ?? '');
export const isMc = (n: { namespaceURI?: string | null } | null | undefined): boolean => !!n && n.namespaceURI === MC_NS;

/** Element children (any namespace). */
export function elements(el: Element): Element[] {
  const out: Element[] = [];
  for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) out.push(c as Element);
  return out;
}

/** The first w:`name` child. */
export function wChild(el: Element | undefined, name: string): Element | undefined {
  if (!el) return undefined;
  for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1 && (c as Element).localName === name && isW(c as Element)) return c as Element;
  return undefined;
}

export function wChildren(el: Element, name: string): Element[] {
  return elements(el).filter((c) => c.localName === name && isW(c));
}

/** A w:-namespaced attribute (w:val, w:id…), whatever its prefix. */
export function wAttr(el: Element | undefined, name: string): string | undefined {
  if (!el) return undefined;
  for (let i = 0; i < el.attributes.length; i++) {
    const a = el.attributes.item(i)!;
    if (a.localName === name && (isW(a) || !a.namespaceURI)) return a.value;
  }
  return undefined;
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
