import type { DefaultTreeAdapterMap } from 'parse5';

/**
 * What on a saved government page is the article and what is furniture:
 * navigation, breadcrumbs, share bars, sidebars, footers, font-size and print
 * controls, view counters. Rules are by element kind, by the words sites put
 * in id/class, and by where the text is; none is keyed to one site.
 */

export type El = DefaultTreeAdapterMap['element'];
export type Node = DefaultTreeAdapterMap['childNode'] | DefaultTreeAdapterMap['parentNode'];

/** Elements that never hold article text. */
const DROP_TAGS = new Set([
  'script', 'style', 'noscript', 'template', 'nav', 'footer', 'aside', 'iframe', 'frame', 'frameset', 'select', 'option',
  'button', 'input', 'textarea', 'svg', 'canvas', 'object', 'embed', 'audio', 'video', 'map', 'link', 'meta', 'head', 'title',
  // Tracked deletions in pages exported from Word or WPS.
  'del',
]);

/** id/class words of page furniture (tokens split on -, _, space, digits). */
const FURNITURE = new Set([
  'nav', 'navbar', 'navi', 'menu', 'menus', 'submenu', 'breadcrumb', 'breadcrumbs', 'crumb', 'crumbs', 'mbx', 'dqwz', 'wzdh',
  'position', 'location', 'footer', 'copyright', 'share', 'bdshare', 'sharing', 'fenxiang', 'sidebar',
  'aside', 'related', 'relate', 'xgxx', 'xglj', 'xgwz', 'friendlink', 'friendlinks', 'links', 'toolbar', 'tools', 'print',
  'fontsize', 'zihao', 'search', 'login', 'banner', 'ad', 'ads', 'advert', 'comment', 'comments', 'pager', 'pagination',
  'qrcode', 'ewm', 'erweima', 'weixin', 'wechat', 'topbar', 'skip',
]);

/** Words that mark furniture only as a whole id or class ("bottom", not "border-bottom"). */
const FURNITURE_WHOLE = new Set(['foot', 'bottom', 'side', 'top', 'header', 'head', 'dh', 'fx']);

/** id/class words of an article container, common on Chinese government sites (TRS, CMS defaults). */
const CONTENT = /trs_editor|trs_ueditor|ccontent|pages_content|pages-content|news_content|newscontent|article|content|zoom|wzzw|zwnr|^zw$|[_-]zw$|detail|xl_con|con_text|maintext|main-text|main_text|textcontent/i;

export const attr = (el: El, name: string): string | undefined => el.attrs.find((a) => a.name === name)?.value;

export function isElement(n: Node): n is El {
  return 'tagName' in n;
}

export function children(n: Node): Node[] {
  if (n.nodeName === 'template') return (n as DefaultTreeAdapterMap['template']).content.childNodes;
  return 'childNodes' in n ? (n.childNodes as Node[]) : [];
}

function idClass(el: El): string {
  return `${attr(el, 'id') ?? ''} ${attr(el, 'class') ?? ''}`;
}

/** Furniture by kind, by id/class words, or hidden from the reader. */
export function isFurniture(el: El): boolean {
  if (DROP_TAGS.has(el.tagName)) return true;
  if (attr(el, 'hidden') !== undefined || attr(el, 'aria-hidden') === 'true') return true;
  const style = attr(el, 'style') ?? '';
  if (/display\s*:\s*none|visibility\s*:\s*hidden/i.test(style)) return true;
  // Headers, footers, footnotes and comments of a document saved as a web page (Word's mso-element, LibreOffice's title).
  if (/mso-element\s*:\s*(header|footer|footnote|endnote|comment)/i.test(style)) return true;
  if (el.tagName === 'div' && /^(header|footer)$/i.test(attr(el, 'title') ?? '')) return true;
  const role = attr(el, 'role');
  if (role && /^(navigation|banner|contentinfo|search|complementary|menu|menubar)$/.test(role)) return true;
  // "printContent", "share-article": a name that also says content is the article, not furniture.
  if (CONTENT.test(idClass(el))) return false;
  const tokens = idClass(el)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s_\-\d]+/)
    .filter(Boolean);
  if (tokens.some((t) => FURNITURE.has(t))) return true;
  return idClass(el)
    .toLowerCase()
    .split(/\s+/)
    .some((w) => FURNITURE_WHOLE.has(w.replace(/\d+$/, '')));
}

export const isContentNamed = (el: El): boolean => el.tagName === 'article' || el.tagName === 'main' || CONTENT.test(idClass(el));

export interface Scores {
  /** Characters of text, furniture excluded. */
  text: Map<El, number>;
  /** Of which inside links. */
  links: Map<El, number>;
}

/** Text and link-text length of every element, furniture excluded, in one post-order pass (iterative: pages can nest deep). */
export function score(root: El): Scores {
  const text = new Map<El, number>();
  const links = new Map<El, number>();
  const stack: Array<{ el: El; i: number; t: number; l: number; inLink: boolean }> = [{ el: root, i: 0, t: 0, l: 0, inLink: false }];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const kids = children(top.el);
    if (top.i < kids.length) {
      const k = kids[top.i++]!;
      if (k.nodeName === '#text') {
        const n = (k as DefaultTreeAdapterMap['textNode']).value.replace(/\s+/g, '').length;
        top.t += n;
        if (top.inLink) top.l += n;
      } else if (isElement(k) && !isFurniture(k)) {
        stack.push({ el: k, i: 0, t: 0, l: 0, inLink: top.inLink || k.tagName === 'a' });
      }
      continue;
    }
    stack.pop();
    text.set(top.el, top.t);
    links.set(top.el, top.l);
    const parent = stack[stack.length - 1];
    if (parent) {
      parent.t += top.t;
      parent.l += top.l;
    }
  }
  return { text, links };
}

/** Text that is not link text: what an article has and a menu lacks. */
export const prose = (s: Scores, el: El): number => (s.text.get(el) ?? 0) - (s.links.get(el) ?? 0);

/**
 * The article: the named container (article, main, id/class like content,
 * TRS_Editor, zoom…) with the most prose, narrowed to a named container inside
 * it that holds nearly all of it; without one, the deepest element holding
 * most of the page's prose (descending through layout tables).
 */
export function findArticle(body: El, s: Scores, isLayoutTable: (t: El) => boolean): El {
  const total = prose(s, body);
  if (total === 0) return body;
  const named: El[] = [];
  walk(body, s, (el) => {
    if (isContentNamed(el)) named.push(el);
  });
  let best: El | undefined;
  for (const el of named) if (prose(s, el) >= total * 0.3 && (!best || prose(s, el) > prose(s, best))) best = el;
  if (best) {
    for (let narrowed = true; narrowed; ) {
      narrowed = false;
      const outer = best;
      walk(outer, s, (el) => {
        if (!narrowed && el !== outer && isContentNamed(el) && prose(s, el) >= prose(s, outer) * 0.9) {
          best = el;
          narrowed = true;
        }
      });
    }
    return best;
  }
  let at = body;
  for (let guard = 0; guard < 1000; guard++) {
    const next = children(at)
      .filter(isElement)
      .filter((k) => s.text.has(k) && (k.tagName !== 'table' || isLayoutTable(k)))
      .flatMap((k) => (k.tagName === 'table' ? layoutCells(k) : [k]))
      .find((k) => prose(s, k) >= total * 0.6);
    if (!next) break;
    at = next;
  }
  return at;
}

/** Cells of a layout table (rows through thead/tbody/tfoot). */
export function layoutCells(table: El): El[] {
  return rowsOf(table).flatMap((tr) => children(tr).filter(isElement).filter((c) => c.tagName === 'td' || c.tagName === 'th'));
}

export function rowsOf(table: El): El[] {
  const out: El[] = [];
  for (const k of children(table)) {
    if (!isElement(k)) continue;
    if (k.tagName === 'tr') out.push(k);
    else if (k.tagName === 'thead' || k.tagName === 'tbody' || k.tagName === 'tfoot') for (const r of children(k)) if (isElement(r) && r.tagName === 'tr') out.push(r);
  }
  return out;
}

/** Pre-order over scored (non-furniture) elements, iterative. */
export function walk(root: El, s: Scores, visit: (el: El) => void): void {
  const stack: El[] = [root];
  while (stack.length) {
    const el = stack.pop()!;
    visit(el);
    const kids = children(el).filter(isElement).filter((k) => s.text.has(k));
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
}

/** Whole lines that are page controls, not content. */
const FURNITURE_LINE = /^(?:上一篇|下一篇|相关链接|相关文章|相关阅读|相关新闻|下载附件|附件下载|扫一扫|分享到|当前位置|您当前的位置|您现在的位置|首页\s*[>＞»]|【?我要纠错】?|网站地图|联系我们)/;

/** Fragments of page controls inside a line ("发布时间：… 浏览次数：123 【字体：大 中 小】【打印本页】"). */
const FURNITURE_BITS: RegExp[] = [
  /[【[]?\s*字号?体?\s*[:：]?\s*[[【(（]?\s*大\s*[\]】)）]?\s*[[【(（]?\s*中\s*[\]】)）]?\s*[[【(（]?\s*小\s*[\]】)）]?\s*[】\]]?/g,
  /[【[]\s*(?:打印(?:本页|此页|文章|正文)?|关闭(?:窗口|本页)?|返回顶部|收藏本页|加入收藏|我要纠错|视力保护色|默认|朗读)\s*[】\]]/g,
  /(?:^|\s)(?:打印本页|打印此页|关闭窗口|关闭本页|返回顶部|收藏本页)(?=\s|$)/g,
  /(?:浏览|阅读|访问|点击)(?:次数|量|数|率)?\s*[:：]\s*\d*\s*次?/g,
  /分享到\s*[:：]?.*$/g,
];

/** A line with page controls taken out; '' when nothing else was there. */
export function cleanLine(line: string): string {
  let s = line;
  for (const re of FURNITURE_BITS) s = s.replace(re, ' ');
  s = s.replace(/[ \t\u00a0\u3000]+/g, ' ').trim();
  if (FURNITURE_LINE.test(s)) return '';
  return /[\p{L}\p{N}]/u.test(s) ? s : '';
}
