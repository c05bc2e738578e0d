import { parse, type DefaultTreeAdapterMap } from 'parse5';
import { PlanError } from '../../plan/errors.js';
import { READ_LIMITS, paragraph, type Block, type Cell, type DocModel, type Table } from '../model.js';
import { decodeHtml } from './html-charset.js';
import { attr, children, cleanLine, findArticle, isElement, isFurniture, prose, rowsOf, score, type El, type Node, type Scores } from './html-page.js';
import { formatNumber } from './number-format.js';

/**
 * .html/.htm (a saved government page) → model, parsed with parse5 (the
 * WHATWG algorithm browsers use, so broken markup nests as the browser showed
 * it). Only the article is read — the page's article container, or the
 * element holding most of its prose — plus the page title; navigation,
 * breadcrumbs, share bars, footers and print/font controls are left out.
 * Tables with rowspan/colspan become Table blocks; a table used for page
 * layout (cells holding other tables, headings or lists) is descended into.
 */

export const HTML_LIMITS = {
  /** Element nesting followed; deeper pages are refused rather than overflow the stack. */
  maxDepth: 400,
  maxSpan: 1000,
} as const;

const HEADING = /^h([1-6])$/;
const BLOCK = new Set([
  'p', 'div', 'section', 'article', 'main', 'blockquote', 'pre', 'dd', 'dt', 'dl', 'center', 'address', 'figure', 'figcaption',
  'caption', 'hr', 'li', 'ul', 'ol', 'tr', 'td', 'th', 'tbody', 'thead', 'tfoot', 'header', 'form', 'fieldset', 'legend', 'body',
]);
/** The item's own numbering, when the text already has it (then <ol>'s number is not added). */
const OWN_NUMBER = /^\s*(?:[（(]\s*[一二三四五六七八九十百零〇\d]+\s*[)）]|[一二三四五六七八九十百零〇]+\s*[、．.]|\d+\s*[、．.)）](?!\d)|[①-⑳⑴-⒇⒈-⒛])/;

export async function readHtml(bytes: Uint8Array, file: string): Promise<DocModel> {
  return readHtmlSync(bytes, file);
}

/** The same, synchronous: for HTML embedded in other formats (a .docx's w:altChunk). */
export function readHtmlSync(bytes: Uint8Array, file: string): DocModel {
  const { text, notes } = decodeHtml(bytes);
  const doc = parse(text);
  const html = children(doc).filter(isElement).find((e) => e.tagName === 'html');
  const body = html && children(html).filter(isElement).find((e) => e.tagName === 'body');
  if (!html || !body) throw new PlanError('unreadable', `网页文件 ${file} 没有正文（<body>），无法读取`, file);
  checkDepth(body, file);

  const scores = score(body);
  const article = findArticle(body, scores, isLayoutTable);
  const reader = new PageReader(file, scores);
  const blocks = reader.read(article);
  const docNumber = article !== body ? metaDocNumber(body, blocks) : undefined;
  if (docNumber) blocks.unshift(paragraph(docNumber));
  const title = findTitle(html, body, article);
  if (title && !blocks.slice(0, 5).some((b) => b.kind === 'paragraph' && b.text.includes(title))) blocks.unshift(paragraph(title, { level: 0 }));
  if (article !== body && prose(scores, body) - prose(scores, article) > 0) notes.push('只读取了网页的正文部分，导航、页眉页脚、分享与打印按钮等未读取');
  return { format: 'html', blocks, notes };
}

class PageReader {
  private readonly blocks: Block[] = [];
  private line = '';
  private pendingLabel?: string;
  private listDepth = 0;
  private chars = 0;

  constructor(
    private readonly file: string,
    private readonly scores: Scores,
  ) {}

  read(root: El): Block[] {
    this.walk(root, 0, false);
    this.flush();
    return this.blocks;
  }

  private walk(node: Node, depth: number, pre: boolean): void {
    for (const k of children(node)) {
      if (k.nodeName === '#text') {
        const v = (k as DefaultTreeAdapterMap['textNode']).value.replace(/\u00a0/g, ' ');
        this.line += pre ? v : v.replace(/[ \t\r\n\f]+/g, ' ');
        continue;
      }
      if (!isElement(k) || isFurniture(k)) continue;
      this.element(k, depth + 1, pre);
    }
  }

  private element(el: El, depth: number, pre: boolean): void {
    const tag = el.tagName;
    if (tag === 'br') {
      this.line += '\n';
      return;
    }
    if (tag === 'table') {
      this.flush();
      if (isLayoutTable(el)) {
        for (const tr of rowsOf(el)) {
          for (const td of children(tr).filter(isElement)) {
            if (isFurniture(td)) continue;
            this.walk(td, depth, pre);
            this.flush();
          }
        }
      } else {
        this.push(this.table(el));
      }
      return;
    }
    if (tag === 'ol' || tag === 'ul') {
      this.flush();
      this.list(el, depth, pre);
      return;
    }
    const h = HEADING.exec(tag);
    if (h) {
      this.flush();
      this.walk(el, depth, pre);
      this.flush(Number(h[1]) - 1);
      return;
    }
    if (BLOCK.has(tag)) {
      this.flush();
      this.walk(el, depth, pre || tag === 'pre');
      this.flush();
      return;
    }
    this.walk(el, depth, pre);
  }

  private list(el: El, depth: number, pre: boolean): void {
    const ordered = el.tagName === 'ol';
    const format = listFormat(el);
    this.listDepth++;
    let n = Number.parseInt(attr(el, 'start') ?? '1', 10);
    if (!Number.isFinite(n)) n = 1;
    for (const li of children(el)) {
      if (!isElement(li) || isFurniture(li)) continue;
      if (li.tagName !== 'li') {
        this.element(li, depth + 1, pre);
        continue;
      }
      const value = Number.parseInt(attr(li, 'value') ?? '', 10);
      if (Number.isFinite(value)) n = value;
      this.flush();
      if (ordered && format !== 'none') this.pendingLabel = `${formatNumber(n, format)}${CJK_FORMATS.has(format) ? '、' : '.'}`;
      this.walk(li, depth + 1, pre);
      this.flush();
      this.pendingLabel = undefined;
      n++;
    }
    this.listDepth--;
  }

  private table(el: El): Table {
    const rows: Cell[][] = [];
    for (const tr of rowsOf(el)) {
      const row: Cell[] = [];
      for (const td of children(tr)) {
        if (!isElement(td) || (td.tagName !== 'td' && td.tagName !== 'th')) continue;
        row.push({ text: cellText(td, this.file, this.scores), rowSpan: span(attr(td, 'rowspan'), rows.length, rowsOf(el).length), colSpan: span(attr(td, 'colspan')) });
      }
      if (row.length) rows.push(row);
      if (rows.length > READ_LIMITS.maxTableRows) throw new PlanError('too-large', `网页 ${this.file} 中的表格超过 ${READ_LIMITS.maxTableRows} 行，未导入`, this.file);
    }
    const caption = children(el).filter(isElement).find((c) => c.tagName === 'caption');
    const table: Table = { kind: 'table', rows };
    const cap = caption ? cellText(caption, this.file, this.scores).replace(/\n/g, ' ') : '';
    if (cap) table.caption = cap;
    return table;
  }

  private flush(heading?: number): void {
    // List items take their nesting as level (0 = outermost list), headings their rank.
    const level = heading ?? (this.listDepth > 0 ? this.listDepth - 1 : undefined);
    const raw = this.line;
    this.line = '';
    for (const part of raw.split('\n')) {
      const text = cleanLine(part);
      if (!text) continue;
      const label = this.pendingLabel && !OWN_NUMBER.test(text) ? this.pendingLabel : undefined;
      this.pendingLabel = undefined;
      this.push(paragraph(text, { ...(label ? { label } : {}), ...(level !== undefined ? { level } : {}) }));
    }
  }

  private push(b: Block): void {
    this.chars += b.kind === 'paragraph' ? b.text.length : b.rows.reduce((s, r) => s + r.reduce((t, c) => t + c.text.length, 0), 0);
    this.blocks.push(b);
    if (this.blocks.length > READ_LIMITS.maxBlocks || this.chars > READ_LIMITS.maxTextChars) {
      throw new PlanError('too-large', `网页 ${this.file} 的正文超过 ${READ_LIMITS.maxTextChars / 10_000} 万字或 ${READ_LIMITS.maxBlocks} 段，不像一份工作要点，未导入`, this.file);
    }
  }
}

const OL_TYPES: Record<string, string> = { '1': 'decimal', a: 'lowerLetter', A: 'upperLetter', i: 'lowerRoman', I: 'upperRoman' };
/** CSS list-style-type → the Word numFmt formatNumber knows. */
const CSS_TYPES: Record<string, string> = {
  decimal: 'decimal', 'decimal-leading-zero': 'decimalZero', 'lower-alpha': 'lowerLetter', 'lower-latin': 'lowerLetter',
  'upper-alpha': 'upperLetter', 'upper-latin': 'upperLetter', 'lower-roman': 'lowerRoman', 'upper-roman': 'upperRoman',
  'cjk-ideographic': 'chineseCounting', 'simp-chinese-informal': 'chineseCounting', 'trad-chinese-informal': 'chineseCounting',
  'cjk-decimal': 'decimal', 'cjk-heavenly-stem': 'ideographTraditional', 'cjk-earthly-branch': 'ideographZodiac', none: 'none',
};
const CJK_FORMATS = new Set(['chineseCounting', 'ideographTraditional', 'ideographZodiac']);

function listFormat(ol: El): string {
  const css = /list-style(?:-type)?\s*:\s*([a-z-]+)/i.exec(attr(ol, 'style') ?? '')?.[1]?.toLowerCase();
  if (css && CSS_TYPES[css]) return CSS_TYPES[css];
  return OL_TYPES[attr(ol, 'type') ?? '1'] ?? 'decimal';
}

/** A cell's text: its block content one line each; a table inside it one row per line. */
function cellText(td: El, file: string, scores: Scores): string {
  const inner = new PageReader(file, scores);
  const lines: string[] = [];
  for (const b of inner.read(td)) {
    if (b.kind === 'paragraph') lines.push((b.label ?? '') + b.text);
    else for (const r of b.rows) lines.push(r.map((c) => c.text.replace(/\s*\n\s*/g, ' ')).filter(Boolean).join(' '));
  }
  return lines.join('\n');
}

function span(v: string | undefined, row = 0, rows = 0): number {
  const n = Number.parseInt(v ?? '1', 10);
  // rowspan="0" spans to the end of the table.
  if (n === 0 && rows) return Math.max(1, rows - row);
  return Number.isFinite(n) && n >= 1 ? Math.min(n, HTML_LIMITS.maxSpan) : 1;
}

/**
 * A table used to lay out the page, not a table of data: its cells hold
 * other tables, headings or lists, or it is one column of long text.
 */
export function isLayoutTable(table: El): boolean {
  if (attr(table, 'role') === 'presentation') return true;
  const rows = rowsOf(table);
  if (rows.length === 0) return true;
  let maxCells = 0;
  for (const tr of rows) {
    const cells = children(tr).filter(isElement).filter((c) => c.tagName === 'td' || c.tagName === 'th');
    maxCells = Math.max(maxCells, cells.length);
    for (const c of cells) if (hasBlockContent(c)) return true;
  }
  return maxCells <= 1;
}

function hasBlockContent(cell: El): boolean {
  const stack: Node[] = [...children(cell)];
  let text = 0;
  while (stack.length) {
    const n = stack.pop()!;
    if (n.nodeName === '#text') {
      text += (n as DefaultTreeAdapterMap['textNode']).value.length;
      continue;
    }
    if (!isElement(n)) continue;
    if (n.tagName === 'table' || HEADING.test(n.tagName) || n.tagName === 'ul' || n.tagName === 'ol' || n.tagName === 'article') return true;
    stack.push(...children(n));
  }
  return text > 3000;
}

/**
 * The plan's title: a heading inside the article already is one; else the
 * page's h1 or title-classed element, else the <title> minus the site name.
 */
function findTitle(html: El, body: El, article: El): string | undefined {
  const inArticle = first(article, (e) => /^h[12]$/.test(e.tagName));
  if (inArticle) return undefined;
  const head = children(html).filter(isElement).find((e) => e.tagName === 'head');
  const titleEl = head && first(head, (e) => e.tagName === 'title');
  const pageTitle = titleEl ? textOf(titleEl) : '';
  const titled = (e: El) => /(^|[\s_-])(title|biaoti|bt|tit|article-title|news_title|wztit)([\s_-]|\d|$)/i.test(`${attr(e, 'id') ?? ''} ${attr(e, 'class') ?? ''}`);
  const candidates = all(body, (e) => (e.tagName === 'h1' || titled(e)) && textOf(e).length >= 4 && textOf(e).length <= 120);
  // Sites title a page "<article title>_<column>_<site>": the candidate that <title> repeats is the article's, not the logo's.
  const echoed = candidates.filter((e) => pageTitle.includes(textOf(e))).sort((a, b) => textOf(b).length - textOf(a).length)[0];
  const pick = echoed ?? candidates.find(titled) ?? candidates[0];
  if (pick) return textOf(pick);
  const parts = pageTitle.split(/\s*[-_|｜—–]+\s*/).filter(Boolean);
  return parts.sort((a, b) => b.length - a.length)[0];
}

/**
 * The 文号 from the page's metadata block (索引号 | 发文机关 | 发文字号 | 成文日期),
 * which sits outside the article: without it a plan loaded from its web page
 * and from its Word file would not be known as the same document.
 */
function metaDocNumber(body: El, blocks: Block[]): string | undefined {
  const NUMBER = /[\u4e00-\u9fa5]{1,12}[〔［\[（(]\s*\d{4}\s*[〕］\])）]\s*\d{1,5}\s*号/;
  const inArticle = blocks.slice(0, 30).some((b) => b.kind === 'paragraph' && NUMBER.test(b.text));
  if (inArticle) return undefined;
  const m = new RegExp(`(?:发文字号|文\\s*号)\\s*[:：]?\\s*(${NUMBER.source})`).exec(textOf(body));
  return m?.[1];
}

/** Every element that passes, in document order, outside furniture. */
function all(root: El, test: (e: El) => boolean): El[] {
  const out: El[] = [];
  const stack: El[] = [root];
  while (stack.length && out.length < 50) {
    const el = stack.pop()!;
    if (el !== root && isFurniture(el)) continue;
    if (el !== root && test(el)) out.push(el);
    const kids = children(el).filter(isElement);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  return out;
}

/** First element in document order that passes, skipping scripts, navigation and footers. */
function first(root: El, test: (e: El) => boolean): El | undefined {
  const stack: El[] = [root];
  while (stack.length) {
    const el = stack.pop()!;
    if (el !== root && test(el)) return el;
    if (el.tagName === 'script' || el.tagName === 'style' || el.tagName === 'nav' || el.tagName === 'footer') continue;
    const kids = children(el).filter(isElement);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  return undefined;
}

function textOf(el: El): string {
  let s = '';
  const stack: Node[] = [el];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.nodeName === '#text') s += (n as DefaultTreeAdapterMap['textNode']).value;
    else if (isElement(n) && n.tagName !== 'script' && n.tagName !== 'style') for (let i = children(n).length - 1; i >= 0; i--) stack.push(children(n)[i]!);
  }
  return s.replace(/\s+/g, ' ').trim();
}

function checkDepth(root: El, file: string): void {
  const stack: Array<[El, number]> = [[root, 0]];
  while (stack.length) {
    const [el, d] = stack.pop()!;
    if (d > HTML_LIMITS.maxDepth) throw new PlanError('unreadable', `网页 ${file} 的标签嵌套超过 ${HTML_LIMITS.maxDepth} 层，无法读取；请复制正文另存为 .txt 后再发送`, file);
    for (const k of children(el)) if (isElement(k)) stack.push([k, d + 1]);
  }
}
