/**
 * Text copied or crawled from a web page: a header block of "key: value"
 * lines (标题:, 发布时间:, 文号:, 发布机构:), the article body flattened into
 * one line whose paragraphs are separated by a space, and page furniture
 * (breadcrumbs, share links, view counters, 索引号 blocks, "下载附件",
 * document-sharing sites' banners). This stage restores paragraphs, keeps the
 * header's facts for the metadata and drops the furniture, so nothing of the
 * page ends up inside a task.
 */

/** Facts a page's header or 索引号 block states about the document. */
export interface PageFields {
  title?: string;
  docNumber?: string;
  issuer?: string;
  /** YYYY-MM-DD */
  issuedOn?: string;
}

// A line at least this long with sparse spaces is a flattened page, not a paragraph.
const FLATTENED_MIN = 300;

const CJK = '\\u3400-\\u9fff\\uf900-\\ufaff';
const CJK_OR_PUNCT = new RegExp(`[${CJK}。；！？，、：:）)》”"'】\\]]`);
const OPENS = new RegExp(`[${CJK}（(《“"【\\[●■◆▲•·]`);

/**
 * Split a flattened line at the spaces that stood for paragraph breaks: a run
 * of spaces between Chinese text, not after a label ("牵头单位： X"), not
 * between digits ("20 18年"), not after a bare numbering marker ("1. 机动车").
 * Lines whose spaces are dense (OCR spacing "全 面 推 进") are left whole.
 */
export function splitFlattened(line: string): string[] {
  if (line.length < FLATTENED_MIN) return [line];
  // "索 引 号：", "有 效 性：": spaced-out labels are one word.
  const s = line.replace(new RegExp(`(?<![${CJK}])((?:[${CJK}] ){1,5}[${CJK}])(?=\\s*[:：])`, 'g'), (m) => m.replace(/ /g, ''));
  const gaps = s.match(/[ \u3000\u00a0\t]+/g)?.length ?? 0;
  const cjk = s.match(new RegExp(`[${CJK}]`, 'g'))?.length ?? 0;
  if (gaps === 0 || gaps * 8 > cjk) return [s];
  const out: string[] = [];
  let from = 0;
  const gap = /[ \u3000\u00a0\t]+/g;
  for (let m = gap.exec(s); m; m = gap.exec(s)) {
    const before = s.slice(Math.max(from, m.index - 12), m.index);
    const after = s.slice(m.index + m[0].length, m.index + m[0].length + 2);
    const prev = before.at(-1) ?? '';
    const next = after[0] ?? '';
    if (!prev || !next) continue;
    if (/\d/.test(prev) && /\d/.test(next)) continue;
    if (/[:：]$/.test(before) && before.length > 1) continue;
    if (/(?:^|[^\d])\d{1,3}[.．、]$|^[（(]?[一二三四五六七八九十]{1,3}[、）)]$|[（(][一二三四五六七八九十\d]{1,3}[）)]$/.test(before)) continue;
    if (/\d$/.test(prev) && /^[年月日号]/.test(after)) continue;
    if (!(CJK_OR_PUNCT.test(prev) || /\d/.test(prev)) || !(OPENS.test(next) || /\d/.test(next))) continue;
    out.push(s.slice(from, m.index));
    from = m.index + m[0].length;
  }
  out.push(s.slice(from));
  return out.filter((p) => p.trim());
}

// Header keys of crawled or saved pages and of the 政府信息公开 索引号 block.
const FIELD = /^(标\s*题|文\s*号|发文字号|发布时间|发布日期|成文日期|印发日期|发布机构|发文机关|发文单位|索\s*引\s*号|主题分类|主\s*题\s*词|有\s*效\s*性|栏\s*目|原文链接|本地目录|信息来源|来\s*源|作\s*者|浏览次数|点击数|访问次数|阅读次数|文章来源|责任编辑|时\s*间|公开方式|公开范围|生效日期|废止日期|体裁分类|组配分类|服务对象|文件编号)\s*[:：]\s*(.*)$/;

// Whole lines of furniture: navigation, sharing, printing, downloads, counters, sharing-site banners.
const FURNITURE: RegExp[] = [
  /^(当前位置|您的位置|您现在的位置|所在位置|当前的位置)\s*[:：]/,
  /^首页\s*([>＞»/]|政务|新闻|信息)/,
  /^(微信|微博|QQ空间|QQ|分享到?[:：]?|朋友圈|扫一扫|打印本页|打印|【?打印】?|关闭窗口|【?关闭】?|关闭本页|收藏|返回顶部|返回|上一篇|下一篇|全真版|文字版|文件下载|下载附件|附件下载|相关链接[:：]?|相关文件|-->|<--|>>|大|中|小|】|【)$/,
  /^【?\s*字体\s*[:：]?\s*[大中小\s]*】?$/,
  /^[【\[]?\s*(打印|关闭|收藏|纠错|分享)[^\u4e00-\u9fa5]{0,3}([【\[]?\s*(打印|关闭|收藏|纠错|分享|本页|窗口)\s*[】\]]?\s*)*$/,
  /^(浏览|访问|阅读|点击)(次数|量|数)\s*[:：]?\s*\d*$/,
  /^={3,}.*={3,}$/,
  /^页面链接与图片详见/,
  /^\d{1,2}:\d{2}(:\d{2})?$/,
  /^(扫一扫在手机|在手机上打开|手机版|网站地图|联系我们|网站声明|版权所有|主办单位[:：]|承办单位[:：]|技术支持[:：]|ICP备|网站标识码|[京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤琼川贵云陕甘青蒙桂藏宁新]ICP)/,
  // Document-sharing sites: banners, page counters, "download to edit".
  /^(本文档?(由|来自|格式为|为|仅供)|文档(仅供|来源|下载)|下载(文档|本文|后可)|原创力文档|道客巴巴|豆丁网|百度文库|人人文库|淘豆网|文库|免费下载|立即下载|VIP|付费|预览|还剩\d+页|第\s*\d+\s*页\s*[,，/]?\s*共\s*\d+\s*页$|共\s*\d+\s*页$|[-—]\s*\d+\s*[-—]$|\d+\s*\/\s*\d+$)/,
  /^(精品文档|优质文档|推荐文档|word版|可编辑|欢迎下载|感谢下载|如有侵权|侵权请联系|侵删)/i,
];

const ISO = /(\d{4})-(\d{1,2})-(\d{1,2})/;
const pad = (n: string) => n.padStart(2, '0');

/**
 * Drop page furniture and header lines, keeping the header's facts. Header
 * lines are only taken before the body's first numbered item would make sense
 * (they are short "key：value" lines); "时间：" counts only with a timestamp,
 * so a task's "完成时间：…" is never taken for furniture.
 */
export function stripFurniture(lines: string[]): { lines: string[]; fields: PageFields } {
  const fields: PageFields = {};
  const out: string[] = [];
  for (const line of lines) {
    const l = line.trim();
    if (!l) {
      out.push('');
      continue;
    }
    const f = FIELD.exec(l);
    if (f && l.length <= 200) {
      const key = f[1]!.replace(/\s+/g, '');
      const value = f[2]!.trim();
      if (key === '时间' && !ISO.test(value) && !/^\d{4}年/.test(value)) {
        out.push(line);
        continue;
      }
      if (key === '标题' && value && !fields.title) fields.title = value;
      if ((key === '文号' || key === '发文字号' || key === '文件编号') && value && !fields.docNumber) fields.docNumber = value.replace(/\s+/g, '');
      if ((key === '发布机构' || key === '发文机关' || key === '发文单位') && value && !fields.issuer) fields.issuer = value;
      if (key === '成文日期' || key === '印发日期' || ((key === '发布时间' || key === '发布日期') && !fields.issuedOn)) {
        const d = ISO.exec(value);
        if (d) fields.issuedOn = `${d[1]}-${pad(d[2]!)}-${pad(d[3]!)}`;
      }
      out.push('');
      continue;
    }
    if (FURNITURE.some((re) => re.test(l))) {
      out.push('');
      continue;
    }
    out.push(line);
  }
  return { lines: out, fields };
}
