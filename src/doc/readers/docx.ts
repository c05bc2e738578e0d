import { PlanError } from '../../plan/errors.js';
import { READ_LIMITS, paragraph, type Block, type Cell, type DocModel, type Table } from '../model.js';
import { listZip, readZip } from '../zip.js';
import { WordNumbering } from './docx-numbering.js';
import { readHtmlSync } from './html.js';
import { elements, hasDescendant, isMc, isW, parseXmlPart, textOf, wAttr, wChild, wFlag, wInt, type Element } from './ooxml.js';

/**
 * .docx → model. Reads word/document.xml with numbering.xml and styles.xml so
 * Word's automatic numbering comes back as each paragraph's label; tables keep
 * their merged cells (gridSpan → colSpan, vMerge → rowSpan); text boxes are
 * read where they stand. Headers, footers, comments and footnotes live in
 * other parts and are simply not read. Pure and bounded: parts are size-checked
 * before inflating, nesting and block counts are capped.
 */

export const DOCX_LIMITS = {
  /** Zip entries: a .docx has a few dozen; hundreds of thousands is an attack on the listing. */
  maxEntries: 10_000,
  /** One XML part after inflating: a 300-page plan's document.xml is a few MB; 20 MB reads in about 5 s. */
  maxPartBytes: 20 * 1024 * 1024,
  /** A header, footer or comments part looked at for the notes. */
  maxAsideBytes: 1024 * 1024,
  /** Element nesting the walker follows (tables in tables in text boxes…). */
  maxDepth: 120,
} as const;

const PARTS = {
  document: 'word/document.xml',
  numbering: 'word/numbering.xml',
  styles: 'word/styles.xml',
} as const;

export async function readDocx(bytes: Uint8Array, file: string): Promise<DocModel> {
  const entries = listZip(bytes, file);
  if (entries.length > DOCX_LIMITS.maxEntries) {
    throw new PlanError('too-large', `文件 ${file} 含有 ${entries.length} 个压缩条目，不像一份 Word 文档，未导入`, file);
  }
  const wanted = new Set<string>(Object.values(PARTS));
  for (const e of entries) {
    if (wanted.has(e.name) && e.size > DOCX_LIMITS.maxPartBytes) {
      throw new PlanError('too-large', `文件 ${file} 的正文解压后有 ${Math.round(e.size / 1024 / 1024)} MB，超过 ${DOCX_LIMITS.maxPartBytes / 1024 / 1024} MB 的上限（可能是压缩炸弹），未导入`, file);
    }
  }
  // Headers, footers and comments are read only to say in a note whether they held anything but page numbers.
  const aside = new Set(entries.filter((e) => ASIDE.test(e.name) && e.size <= DOCX_LIMITS.maxAsideBytes).map((e) => e.name));
  // w:altChunk: content an OA system or a template embedded as an HTML/MHT/RTF part, shown by Word as body text.
  const rels = entries.some((e) => e.name === RELS && e.size <= DOCX_LIMITS.maxAsideBytes) ? readZip(bytes, file, (n) => n === RELS).get(RELS) : undefined;
  const chunkNames = rels ? altChunkTargets(rels, file) : new Map<string, string>();
  for (const e of entries) {
    if ([...chunkNames.values()].includes(e.name) && e.size <= DOCX_LIMITS.maxPartBytes) wanted.add(e.name);
  }
  const parts = readZip(bytes, file, (n) => wanted.has(n) || aside.has(n));
  const main = parts.get(PARTS.document);
  if (!main) throw new PlanError('unreadable', `文件 ${file} 缺少 Word 正文（word/document.xml），无法读取；请在 Word 或 WPS 中重新保存后再发送`, file);

  const load = (name: string) => {
    const b = parts.get(name);
    return b ? parseXmlPart(b, name, file) : undefined;
  };
  const doc = load(PARTS.document)!;
  const body = doc.documentElement ? elements(doc.documentElement).find((e) => e.localName === 'body' && isW(e)) : undefined;
  if (!body) throw new PlanError('unreadable', `文件 ${file} 的 Word 正文结构不完整，无法读取；请在 Word 或 WPS 中重新保存后再发送`, file);

  const chunks = new Map([...chunkNames].flatMap(([id, name]) => (parts.has(name) ? [[id, { name, bytes: parts.get(name)! }] as const] : [])));
  const reader = new BodyReader(new WordNumbering(load(PARTS.numbering), load(PARTS.styles)), file, chunks);
  const blocks = reader.blocks(body, 0, true);
  return { format: 'docx', blocks, notes: [...reader.notes(), ...asideNotes(parts, aside, file)] };
}

const ASIDE = /^word\/(header\d*|footer\d*|comments)\.xml$/;
const RELS = 'word/_rels/document.xml.rels';

/** Relationship id → part name of each aFChunk the main document points at. */
function altChunkTargets(rels: Uint8Array, file: string): Map<string, string> {
  const out = new Map<string, string>();
  let root: Element | undefined;
  try {
    root = parseXmlPart(rels, RELS, file).documentElement;
  } catch {
    return out;
  }
  for (const r of root?.children ?? []) {
    const attr = (n: string) => r.attrs.find((a) => a.localName === n)?.value;
    const id = attr('Id');
    const target = attr('Target');
    if (!id || !target || !/\/aFChunk$/i.test(attr('Type') ?? '') || attr('TargetMode') === 'External') continue;
    out.set(id, target.startsWith('/') ? target.slice(1) : `word/${target}`.replace(/\/\.\//g, '/'));
  }
  return out;
}

/**
 * What was left out of headers, footers and comments, said only when they held
 * words: page numbers and "第 1 页 共 3 页" are not worth a note on every file.
 */
function asideNotes(parts: Map<string, Uint8Array>, aside: Set<string>, file: string): string[] {
  const notes: string[] = [];
  const words: string[] = [];
  let comments = 0;
  for (const name of aside) {
    const b = parts.get(name);
    if (!b) continue;
    let root: Element | undefined;
    try {
      root = parseXmlPart(b, name, file).documentElement;
    } catch {
      continue; // a broken header does not stop the body being read
    }
    if (!root) continue;
    if (name.endsWith('comments.xml')) comments += root.children.filter((c) => c.localName === 'comment' && isW(c)).length;
    else {
      const t = textOf(root).replace(/第?\s*\d+\s*页|共\s*\d+\s*页|[-—–\s\d/]+/g, '').trim();
      if (t) words.push(textOf(root).replace(/\s+/g, ' ').trim());
    }
  }
  if (words.length) notes.push(`页眉页脚中的文字未读取（如“${words[0]!.slice(0, 20)}”）`);
  if (comments) notes.push(`${comments} 条批注未读取`);
  return notes;
}

class BodyReader {
  private blockCount = 0;
  private chars = 0;
  private deleted = 0;
  private hidden = 0;
  private images = 0;
  private objects = 0;
  private tables = 0;
  /** Open complex fields (w:fldChar): true while in the instruction part, whose text is code, not content. */
  private fields: boolean[] = [];

  private chunksSkipped = 0;

  constructor(
    private readonly numbering: WordNumbering,
    private readonly file: string,
    private readonly chunks: ReadonlyMap<string, { name: string; bytes: Uint8Array }> = new Map(),
  ) {}

  notes(): string[] {
    const out: string[] = [];
    if (this.deleted) out.push(`修订中已删除的 ${this.deleted} 处文字未读取`);
    if (this.hidden) out.push(`${this.hidden} 处隐藏文字未读取`);
    if (this.images) out.push(`${this.images} 张图片中的文字无法读取，已跳过`);
    if (this.chunksSkipped) out.push(`${this.chunksSkipped} 处嵌入的 MHT/RTF 等内容未读取；请在 Word 中打开后另存为 .docx 再导入`);
    if (this.objects) out.push(`${this.objects} 个嵌入对象（如嵌入的 Excel 表格）未读取，请把其内容粘贴为 Word 表格后再导入`);
    return out;
  }

  /** Paragraphs and tables of a container (body, cell, text box, content control), in order. */
  blocks(container: Element, depth: number, top: boolean): Block[] {
    this.guardDepth(depth);
    const out: Block[] = [];
    for (const el of elements(container)) {
      if (isMc(el) && el.localName === 'AlternateContent') {
        const branch = chooseBranch(el);
        if (branch) out.push(...this.blocks(branch, depth + 1, top));
        continue;
      }
      if (!isW(el)) continue;
      switch (el.localName) {
        case 'p':
          out.push(...this.paragraph(el, depth + 1, top));
          break;
        case 'tbl':
          out.push(this.table(el, depth + 1, top));
          break;
        case 'sdt':
        case 'sdtContent':
        case 'customXml':
        case 'ins':
        case 'moveTo':
          out.push(...this.blocks(el, depth + 1, top));
          break;
        case 'del':
        case 'moveFrom':
          this.deleted++;
          break;
        case 'altChunk':
          out.push(...this.altChunk(el, top));
          break;
      }
    }
    return out;
  }

  /** An embedded HTML or text part, read as the body text Word shows in its place. */
  private altChunk(el: Element, top: boolean): Block[] {
    const chunk = this.chunks.get(el.attrs.find((a) => a.localName === 'id')?.value ?? '');
    if (!chunk) {
      this.chunksSkipped++;
      return [];
    }
    let blocks: Block[];
    if (/\.(x?html?)$/i.test(chunk.name)) blocks = readHtmlSync(chunk.bytes, this.file).blocks;
    else if (/\.txt$/i.test(chunk.name)) blocks = new TextDecoder().decode(chunk.bytes).split(/\r?\n/).map((l) => paragraph(l));
    else {
      this.chunksSkipped++;
      return [];
    }
    for (const b of blocks) this.count(b, b.kind === 'paragraph' ? b.text.length : 0, top);
    return blocks;
  }

  private paragraph(p: Element, depth: number, top: boolean): Block[] {
    const pPr = wChild(p, 'pPr');
    const boxes: Block[] = [];
    const text = this.inline(p, depth, boxes);
    const num = this.numbering.numPr(pPr);
    // Word counts a numbered paragraph even when it is empty, so the counter advances either way.
    const label = num ? this.numbering.next(num.numId, num.ilvl) : undefined;
    const level = num ? num.ilvl : this.numbering.headingLevel(pPr);
    const out: Block[] = [];
    if (text.trim()) out.push(this.count(paragraph(text, { ...(label ? { label } : {}), ...(level !== undefined ? { level } : {}) }), text.length, top));
    out.push(...boxes);
    return out;
  }

  /** A paragraph's visible text: runs, tabs and breaks; deleted text, hidden text and field codes left out. */
  private inline(el: Element, depth: number, boxes: Block[]): string {
    this.guardDepth(depth);
    let s = '';
    for (const c of elements(el)) {
      if (isMc(c)) {
        if (c.localName === 'AlternateContent') {
          const branch = chooseBranch(c);
          if (branch) s += this.inline(branch, depth + 1, boxes);
        }
        continue;
      }
      if (!isW(c)) {
        // Drawing and VML wrappers: look inside for text boxes; math keeps its text.
        if (c.localName === 't') s += c.text;
        else s += this.inline(c, depth + 1, boxes);
        continue;
      }
      switch (c.localName) {
        case 't':
          if (!this.fields.includes(true)) s += c.text;
          break;
        case 'tab':
        case 'ptab':
          s += '\t';
          break;
        case 'br':
        case 'cr':
          s += '\n';
          break;
        case 'noBreakHyphen':
          s += '-';
          break;
        case 'fldChar': {
          const t = wAttr(c, 'fldCharType');
          if (t === 'begin') this.fields.push(true);
          else if (t === 'separate' && this.fields.length) this.fields[this.fields.length - 1] = false;
          else if (t === 'end') this.fields.pop();
          break;
        }
        case 'r':
          if (wFlag(wChild(c, 'rPr'), 'vanish')) {
            if (textOf(c).trim()) this.hidden++;
            break;
          }
          s += this.inline(c, depth + 1, boxes);
          break;
        case 'del':
        case 'moveFrom':
          this.deleted++;
          break;
        case 'txbxContent':
          boxes.push(...this.blocks(c, depth + 1, false));
          break;
        case 'drawing':
        case 'pict': {
          const before = boxes.length;
          s += this.inline(c, depth + 1, boxes);
          if (boxes.length === before && !hasTextBox(c)) this.images++;
          break;
        }
        case 'object':
          this.objects++;
          break;
        case 'instrText':
        case 'delText':
        case 'delInstrText':
        case 'rPr':
        case 'pPr':
        case 'sectPr':
        case 'footnoteReference':
        case 'endnoteReference':
        case 'commentReference':
        case 'annotationRef':
          break;
        default:
          // w:ins, w:hyperlink, w:smartTag, w:sdt, w:fldSimple (its result), w:customXml…
          s += this.inline(c, depth + 1, boxes);
      }
    }
    return s;
  }

  private table(tbl: Element, depth: number, top: boolean): Table {
    this.guardDepth(depth);
    const rows: Cell[][] = [];
    let open = new Map<number, Cell>();
    for (const tr of flatten(tbl, 'tr')) {
      const row: Cell[] = [];
      const next = new Map<number, Cell>();
      let col = 0;
      const before = wInt(wChild(tr, 'trPr'), 'gridBefore') ?? 0;
      if (before > 0) {
        row.push({ text: '', rowSpan: 1, colSpan: Math.min(before, 64) });
        col += Math.min(before, 64);
      }
      let prev: Cell | undefined;
      for (const tc of flatten(tr, 'tc')) {
        const tcPr = wChild(tc, 'tcPr');
        const span = Math.min(Math.max(wInt(tcPr, 'gridSpan') ?? 1, 1), 64);
        const vMerge = wChild(tcPr, 'vMerge');
        const v = vMerge ? (wAttr(vMerge, 'val') ?? 'continue') : undefined;
        const text = this.cellText(tc, depth + 1);
        const hMerge = wChild(tcPr, 'hMerge');
        if (hMerge && (wAttr(hMerge, 'val') ?? 'continue') === 'continue' && prev) {
          // Word 2003's horizontal merge: the continued cell widens the one before it.
          prev.colSpan += span;
          col += span;
          continue;
        }
        const origin = v === 'continue' ? open.get(col) : undefined;
        if (origin) {
          origin.rowSpan++;
          if (text.trim()) origin.text = origin.text ? `${origin.text}\n${text}` : text;
          next.set(col, origin);
          col += span;
          prev = undefined;
          continue;
        }
        const cell: Cell = { text, rowSpan: 1, colSpan: span };
        row.push(cell);
        if (v === 'restart' || v === 'continue') next.set(col, cell);
        prev = cell;
        col += span;
      }
      open = next;
      rows.push(row);
      if (top) this.count(undefined, 0, true);
    }
    if (top) this.tables++;
    const table: Table = { kind: 'table', rows };
    if (top) {
      table.caption = `表格 ${this.tables}`;
      if (rows.length > READ_LIMITS.maxTableRows) {
        throw new PlanError('too-large', `文件 ${this.file} 的${table.caption}有 ${rows.length} 行，超过 ${READ_LIMITS.maxTableRows} 行的上限，未导入`, this.file);
      }
    }
    return table;
  }

  /** A cell's text: its paragraphs (with their numbering) one per line; a nested table one row per line. */
  private cellText(tc: Element, depth: number): string {
    const lines: string[] = [];
    for (const b of this.blocks(tc, depth, false)) {
      if (b.kind === 'paragraph') lines.push((b.label ?? '') + b.text);
      else for (const r of b.rows) lines.push(r.map((c) => c.text.replace(/\s*\n\s*/g, ' ').trim()).filter(Boolean).join(' '));
    }
    return lines.filter((l) => l.trim()).join('\n');
  }

  private count<B extends Block | undefined>(b: B, chars: number, top: boolean): B {
    if (top) this.blockCount++;
    this.chars += chars;
    if (this.blockCount > READ_LIMITS.maxBlocks) {
      throw new PlanError('too-large', `文件 ${this.file} 的段落和表格行超过 ${READ_LIMITS.maxBlocks} 个，不像一份工作要点，未导入`, this.file);
    }
    if (this.chars > READ_LIMITS.maxTextChars) {
      throw new PlanError('too-large', `文件 ${this.file} 的文字超过 ${READ_LIMITS.maxTextChars / 10_000} 万字，不像一份工作要点，未导入`, this.file);
    }
    return b;
  }

  private guardDepth(depth: number): void {
    if (depth > DOCX_LIMITS.maxDepth) {
      throw new PlanError('unreadable', `文件 ${this.file} 的表格或文本框嵌套超过 ${DOCX_LIMITS.maxDepth} 层，无法读取；请简化文档结构后再发送`, this.file);
    }
  }
}

/** Rows of a table or cells of a row, also when wrapped in content controls or custom XML (a few levels at most). */
function flatten(el: Element, name: 'tr' | 'tc'): Element[] {
  const out: Element[] = [];
  const walk = (e: Element, d: number) => {
    if (d > 8) return;
    for (const c of elements(e)) {
      if (!isW(c)) continue;
      if (c.localName === name) out.push(c);
      else if (c.localName === 'sdt' || c.localName === 'sdtContent' || c.localName === 'customXml' || c.localName === 'ins') walk(c, d + 1);
    }
  };
  walk(el, 0);
  return out;
}

/** mc:AlternateContent holds the same content twice (modern and fallback): read one. */
function chooseBranch(alt: Element): Element | undefined {
  const kids = elements(alt);
  return kids.find((k) => k.localName === 'Choice') ?? kids.find((k) => k.localName === 'Fallback');
}

function hasTextBox(el: Element): boolean {
  return hasDescendant(el, 'txbxContent');
}
