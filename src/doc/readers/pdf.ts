import { createRequire } from 'node:module';
import path from 'node:path';
import { PlanError } from '../../plan/errors.js';
import { READ_LIMITS, type Block, type DocModel } from '../model.js';
import { joinPages, markFurniture, mayHoldTable, pageBlocks, toLines, type Line, type Rules, type TextItem } from './pdf-layout.js';

/** Wall-clock budget for one PDF: checked between pages and while pdfjs works, then the document is destroyed. */
export const PDF_TIME_BUDGET_MS = 30_000;
/** A page with fewer visible characters than this has no usable text layer. */
const MIN_PAGE_CHARS = 5;
/** Fewer body characters per page than this over the whole file: a scan with stray text (a stamp, a page number). */
const MIN_CHARS_PER_PAGE = 10;

const pdfjsDir = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

/**
 * .pdf with a text layer → model, with pdfjs-dist's legacy build (the one made
 * for Node). Eval, system fonts and font faces are off (text only; the
 * CVE-2024-4367 path needs eval); pdfjs's bundled CMaps and standard fonts are
 * given as directories so Chinese text in non-embedded Adobe-GB1 fonts
 * decodes. Pages are read in order within the page cap and the time budget;
 * each page's lines go through the layout pass (furniture, tables,
 * paragraphs). Scanned and password-protected files are refused with what to
 * send instead.
 */
export async function readPdf(bytes: Uint8Array, file: string, budgetMs = PDF_TIME_BUDGET_MS): Promise<DocModel> {
  const started = Date.now();
  // A download cut short loses its end (and with it the cross-reference table); pdfjs would rebuild
  // what it can and read part of the plan as if it were all of it.
  const tail = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).subarray(Math.max(0, bytes.byteLength - 2048)).toString('latin1');
  if (!tail.includes('%%EOF')) {
    throw new PlanError('unreadable', `PDF 文件 ${file} 不完整（文件末尾缺失，可能没有下载或传输完），未导入；请重新下载或重新导出后再发送`, file);
  }
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const { getDocument } = pdfjs;
  const damage = watchDamage();
  const task = getDocument({
    // pdfjs takes ownership of (detaches) the buffer it is given.
    data: bytes.slice(),
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    enableXfa: false,
    verbosity: 1, // warnings, caught by watchDamage: they are how pdfjs says it skipped broken content
    cMapUrl: `${path.join(pdfjsDir, 'cmaps')}/`,
    cMapPacked: true,
    standardFontDataUrl: `${path.join(pdfjsDir, 'standard_fonts')}/`,
    isOffscreenCanvasSupported: false,
    stopAtErrors: false,
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PlanError('timeout', `PDF 文件 ${file} 读取超过 ${budgetMs / 1000} 秒，已停止；请确认文件正常，或另存为 Word 文档后再发送`, file)), budgetMs);
    timer.unref();
  });
  try {
    const model = await Promise.race([readPages(pdfjs, task, file, started, budgetMs), timeout]);
    if (damage.count > 0) {
      model.notes.push(`文件有 ${damage.count} 处内容不规范或已损坏，已跳过这些部分，读到的文字可能不全；请核对，或从原文件重新导出 PDF 后再发送`);
    }
    return model;
  } catch (err) {
    throw asPlanError(err, file);
  } finally {
    clearTimeout(timer);
    await task.destroy().catch(() => undefined);
    damage.stop();
  }
}

/** pdfjs warnings that mean content was skipped (broken streams, operators, objects), not font-hinting noise. */
const DAMAGE = /Unknown command|Skipping command|Missing setFont|Invalid stream|XRef|Illegal character|Unterminated|Bad FCHECK|Bad FDICT|Invalid block type|Empty .*stream|corrupt|FormatError/i;

const watchers = new Set<{ count: number }>();
let plainWarn: typeof console.warn | undefined;

/**
 * pdfjs reports what it skips only as console.warn("Warning: …"). While any PDF
 * is being read, those lines are counted (and kept out of the logs); every
 * other console.warn passes through. Installed once however many reads overlap.
 */
function watchDamage(): { count: number; stop: () => void } {
  const w = { count: 0 };
  watchers.add(w);
  if (!plainWarn) {
    const original = console.warn;
    plainWarn = original;
    console.warn = (...args: unknown[]) => {
      const line = typeof args[0] === 'string' ? args[0] : '';
      if (!line.startsWith('Warning: ')) return original.apply(console, args);
      if (DAMAGE.test(line)) for (const each of watchers) each.count++;
    };
  }
  return {
    get count() {
      return w.count;
    },
    stop() {
      watchers.delete(w);
      if (watchers.size === 0 && plainWarn) {
        console.warn = plainWarn;
        plainWarn = undefined;
      }
    },
  };
}

type Pdfjs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
type Task = ReturnType<Pdfjs['getDocument']>;
type Page = Awaited<ReturnType<Awaited<Task['promise']>['getPage']>>;
type Viewport = ReturnType<Page['getViewport']>;

async function readPages(pdfjs: Pdfjs, task: Task, file: string, started: number, budgetMs: number): Promise<DocModel> {
  const pdf = await task.promise;
  if (pdf.numPages > READ_LIMITS.maxPages) {
    throw new PlanError('too-large', `PDF 文件 ${file} 有 ${pdf.numPages} 页，超过 ${READ_LIMITS.maxPages} 页的上限，不像是一份工作要点，未导入`, file);
  }
  const pages: { lines: Line[]; height: number; chars: number; rules: Rules }[] = [];
  let chars = 0;
  for (let n = 1; n <= pdf.numPages; n++) {
    if (Date.now() - started > budgetMs) throw new PlanError('timeout', `PDF 文件 ${file} 读取超过 ${budgetMs / 1000} 秒（读到第 ${n} 页），已停止`, file);
    const page = await pdf.getPage(n);
    const view = page.getViewport({ scale: 1 });
    const content = await page.getTextContent({ includeMarkedContent: false });
    const items: TextItem[] = [];
    for (const it of content.items) {
      if (!('str' in it) || !it.str) continue;
      // Viewport coordinates: y grows downwards from the page top, whatever the page's rotation or origin.
      const [x, y] = view.convertToViewportPoint(it.transform[4], it.transform[5]);
      const size = Math.hypot(it.transform[2], it.transform[3]) || it.height;
      items.push({ str: it.str, x: x!, y: y!, width: it.width, size });
    }
    const lines = toLines(items);
    // Ruled lines tell a merged cell from an empty one; only fetched where text suggests a table.
    const rules = mayHoldTable(lines) ? await pageRules(pdfjs, page, view) : { h: [], v: [] };
    page.cleanup();
    const pageChars = items.reduce((s, i) => s + i.str.replace(/\s/g, '').length, 0);
    chars += pageChars;
    if (chars > READ_LIMITS.maxTextChars) throw new PlanError('too-large', `PDF 文件 ${file} 的文字超过 ${READ_LIMITS.maxTextChars} 字，不像是一份工作要点，未导入`, file);
    pages.push({ lines, height: view.height, chars: pageChars, rules });
  }

  markFurniture(pages);
  const bodyChars = pages.reduce((s, p) => s + p.lines.filter((l) => !l.furniture).reduce((a, l) => a + l.segments.reduce((b, g) => b + g.text.replace(/\s/g, '').length, 0), 0), 0);
  if (bodyChars < MIN_CHARS_PER_PAGE * pages.length) {
    throw new PlanError(
      'unsupported',
      `PDF 文件 ${file}：这是扫描件（没有文字层），无法读取其中的文字；请发送原始 Word/PDF，或先做文字识别（OCR）后再发送`,
      file,
    );
  }
  const blank: number[] = [];
  const blocks: Block[] = joinPages(
    pages.map((p, i) => {
      if (p.chars < MIN_PAGE_CHARS) blank.push(i + 1);
      return pageBlocks(p.lines, `第 ${i + 1} 页`, p.rules);
    }),
  );
  const notes: string[] = [];
  if (blank.length) notes.push(`第 ${blank.join('、')} 页没有文字层（可能是扫描页或图片），未读取`);
  const dropped = pages.reduce((s, p) => s + p.lines.filter((l) => l.furniture).length, 0);
  if (dropped) notes.push(`已去掉页眉、页脚和页码 ${dropped} 行`);
  return { format: 'pdf', blocks, notes };
}

/** Painted paths beyond this many operators are not searched for rules (a drawing, not a table). */
const MAX_PATH_OPS = 50_000;

/**
 * Horizontal and vertical line segments painted on the page (stroked lines,
 * thin filled rectangles, edges of cell shading), in viewport coordinates.
 * Path points are in user space, so the graphics state's transform is tracked.
 */
async function pageRules(pdfjs: Pdfjs, page: Page, view: Viewport): Promise<Rules> {
  const { OPS, Util } = pdfjs;
  const ops = await page.getOperatorList();
  const rules: Rules = { h: [], v: [] };
  let ctm: number[] = [1, 0, 0, 1, 0, 0];
  const stack: number[][] = [];
  let paths = 0;
  const point = (x: number, y: number) => {
    const p = [x, y];
    Util.applyTransform(p, ctm);
    return view.convertToViewportPoint(p[0]!, p[1]!) as [number, number];
  };
  for (let i = 0; i < ops.fnArray.length; i++) {
    const fn = ops.fnArray[i];
    const args = ops.argsArray[i] as unknown[];
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? ctm;
    else if (fn === OPS.transform) ctm = Util.transform(ctm, args as number[]) as number[];
    else if (fn === OPS.constructPath) {
      if (++paths > MAX_PATH_OPS) break;
      const paint = args[0] as number;
      const data = (args[1] as (Float32Array | null)[] | undefined)?.[0];
      if (paint === OPS.endPath || !data) continue; // clipping paths are not drawn
      let start: [number, number] = [0, 0];
      let at: [number, number] = [0, 0];
      const add = (a: [number, number], b: [number, number]) => {
        if (Math.abs(a[1] - b[1]) <= 1 && Math.abs(a[0] - b[0]) > 2) rules.h.push({ y: (a[1] + b[1]) / 2, x1: Math.min(a[0], b[0]), x2: Math.max(a[0], b[0]) });
        else if (Math.abs(a[0] - b[0]) <= 1 && Math.abs(a[1] - b[1]) > 2) rules.v.push({ x: (a[0] + b[0]) / 2, y1: Math.min(a[1], b[1]), y2: Math.max(a[1], b[1]) });
      };
      for (let k = 0; k < data.length; ) {
        const code = data[k]!;
        if (code === 0) {
          at = start = point(data[k + 1]!, data[k + 2]!);
          k += 3;
        } else if (code === 1) {
          const next = point(data[k + 1]!, data[k + 2]!);
          add(at, next);
          at = next;
          k += 3;
        } else if (code === 2) {
          at = point(data[k + 5]!, data[k + 6]!);
          k += 7;
        } else if (code === 3) {
          at = point(data[k + 3]!, data[k + 4]!);
          k += 5;
        } else {
          add(at, start);
          at = start;
          k += 1;
        }
      }
    }
  }
  return rules;
}

function asPlanError(err: unknown, file: string): PlanError {
  if (err instanceof PlanError) return err;
  const name = err instanceof Error ? err.name : '';
  if (name === 'PasswordException') {
    return new PlanError('encrypted', `PDF 文件 ${file} 设置了打开密码，无法读取；请取消密码（或另存一份不加密的 PDF）后再发送`, file);
  }
  return new PlanError('unreadable', `PDF 文件 ${file} 已损坏或不完整，无法读取；请重新导出或重新下载后再发送`, file);
}
