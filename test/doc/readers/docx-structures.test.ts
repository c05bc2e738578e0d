import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { DocModel, Paragraph, Table } from '../../../src/doc/model.js';
import { readDocx } from '../../../src/doc/readers/docx.js';
import { chineseCount, formatNumber } from '../../../src/doc/readers/number-format.js';

/**
 * WordprocessingML shapes the docx package does not write but Word and WPS do,
 * as minimal packages: the XML is what those producers put in the parts.
 */
const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml"';

function docx(body: string, numbering = '', styles = '', extra: Record<string, string> = {}): Uint8Array {
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    'word/document.xml': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${W}><w:body>${body}</w:body></w:document>`),
  };
  if (numbering) files['word/numbering.xml'] = strToU8(`<?xml version="1.0"?><w:numbering ${W}>${numbering}</w:numbering>`);
  if (styles) files['word/styles.xml'] = strToU8(`<?xml version="1.0"?><w:styles ${W}>${styles}</w:styles>`);
  for (const [name, xml] of Object.entries(extra)) files[name] = strToU8(xml);
  return zipSync(files);
}

const p = (text: string, pPr = '') => `<w:p>${pPr ? `<w:pPr>${pPr}</w:pPr>` : ''}<w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;
const num = (numId: number, ilvl: number) => `<w:numPr><w:ilvl w:val="${ilvl}"/><w:numId w:val="${numId}"/></w:numPr>`;
const lvl = (ilvl: number, fmt: string, text: string, extra = '') => `<w:lvl w:ilvl="${ilvl}"><w:start w:val="1"/><w:numFmt w:val="${fmt}"/><w:lvlText w:val="${text}"/>${extra}</w:lvl>`;
const paras = (m: DocModel) => m.blocks.filter((b): b is Paragraph => b.kind === 'paragraph');
const labels = (m: DocModel) => paras(m).map((x) => `${x.label ?? ''}${x.text}`);
const read = (bytes: Uint8Array) => readDocx(bytes, 'x.docx');

describe('number formats', () => {
  it('counts in Chinese as Word does', () => {
    expect([1, 10, 11, 20, 21, 99, 100, 101, 110, 1000, 1005].map((n) => chineseCount(n))).toEqual(['一', '十', '十一', '二十', '二十一', '九十九', '一百', '一百零一', '一百一十', '一千', '一千零五']);
    expect(['ideographTraditional', 'decimalEnclosedCircle', 'decimalEnclosedParen', 'decimalFullWidth', 'upperLetter', 'lowerRoman', 'chineseLegalSimplified'].map((f) => formatNumber(3, f))).toEqual(['丙', '③', '⑶', '３', 'C', 'iii', '叁']);
  });
});

describe('readDocx: numbering as Word and WPS write it', () => {
  it('a level that never restarts (w:lvlRestart 0) and a legal-style level (w:isLgl)', async () => {
    const numbering = `<w:abstractNum w:abstractNumId="0">${lvl(0, 'chineseCounting', '%1、')}${lvl(1, 'decimal', '%2.', '<w:lvlRestart w:val="0"/>')}${lvl(2, 'decimal', '%1.%2.%3', '<w:isLgl/>')}</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>`;
    const m = await read(docx([p('甲', num(1, 0)), p('子', num(1, 1)), p('细', num(1, 2)), p('乙', num(1, 0)), p('丑', num(1, 1))].join(''), numbering));
    expect(labels(m)).toEqual(['一、甲', '1.子', '1.1.1细', '二、乙', '2.丑']);
  });

  it('numbering through w:numStyleLink to a numbering style, and a heading style naming its level (w:lvl/w:pStyle)', async () => {
    const styles = `<w:style w:type="numbering" w:styleId="PlanList"><w:name w:val="Plan List"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style><w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:pPr><w:numPr><w:numId w:val="2"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/><w:pPr><w:numPr><w:numId w:val="2"/></w:numPr></w:pPr></w:style>`;
    const numbering = `<w:abstractNum w:abstractNumId="0"><w:styleLink w:val="PlanList"/>${lvl(0, 'chineseCounting', '%1、', '<w:pStyle w:val="1"/>')}${lvl(1, 'chineseCounting', '（%2）', '<w:pStyle w:val="2"/>')}</w:abstractNum><w:abstractNum w:abstractNumId="1"><w:numStyleLink w:val="PlanList"/></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>`;
    const m = await read(docx([p('总体要求', '<w:pStyle w:val="1"/>'), p('工作任务', '<w:pStyle w:val="2"/>'), p('保障措施', '<w:pStyle w:val="1"/>')].join(''), numbering, styles));
    expect(paras(m).map((x) => [x.label, x.level, x.text])).toEqual([['一、', 0, '总体要求'], ['（一）', 1, '工作任务'], ['二、', 0, '保障措施']]);
  });

  it('heading styles without numbering still give the level; numId 0 switches a style\'s numbering off', async () => {
    const styles = `<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="标题 2"/></w:style><w:style w:type="paragraph" w:styleId="Item"><w:name w:val="Item"/><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr></w:style>`;
    const numbering = `<w:abstractNum w:abstractNumId="0">${lvl(0, 'decimal', '%1.')}</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>`;
    const m = await read(docx([p('附件', '<w:pStyle w:val="Heading2"/>'), p('第一项', '<w:pStyle w:val="Item"/>'), p('不编号', `<w:pStyle w:val="Item"/>${num(0, 0)}`), p('第二项', '<w:pStyle w:val="Item"/>')].join(''), numbering, styles));
    expect(paras(m).map((x) => [x.label, x.level, x.text])).toEqual([[undefined, 1, '附件'], ['1.', 0, '第一项'], [undefined, undefined, '不编号'], ['2.', 0, '第二项']]);
  });
});

describe('readDocx: runs and containers', () => {
  it('field codes out and field results in; hidden runs out; content controls and smart tags read', async () => {
    const body = `<w:p><w:r><w:t>截至</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> DATE \\@ "yyyy年M月" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2025年6月</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>县审计局牵头</w:t></w:r><w:sdt><w:sdtContent><w:r><w:t>底前完成</w:t></w:r></w:sdtContent></w:sdt><w:r><w:tab/><w:t>（县财政局牵头）</w:t></w:r></w:p>`;
    const m = await read(docx(body));
    expect(labels(m)).toEqual(['截至2025年6月底前完成\t（县财政局牵头）']);
    expect(m.notes.join('')).toMatch(/隐藏/);
  });

  it('a text box written twice (mc:AlternateContent) is read once', async () => {
    const box = (t: string) => `<w:txbxContent>${p(t)}</w:txbxContent>`;
    const body = `<w:p><w:r><w:t>正文</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>${box('框内文字')}</wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox>${box('框内文字')}</v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>`;
    const m = await read(docx(body));
    expect(labels(m)).toEqual(['正文', '框内文字']);
  });

  it('a nested table is flattened into its cell, one row per line; gridBefore and hMerge keep columns in place', async () => {
    const tc = (inner: string, tcPr = '') => `<w:tc>${tcPr ? `<w:tcPr>${tcPr}</w:tcPr>` : ''}${inner}</w:tc>`;
    const nested = `<w:tbl><w:tr>${tc(p('子项一'))}${tc(p('6月底前'))}</w:tr><w:tr>${tc(p('子项二'))}${tc(p('9月底前'))}</w:tr></w:tbl>`;
    const body = `<w:tbl><w:tr>${tc(p('序号'))}${tc(p('任务'))}${tc(p('牵头单位'))}</w:tr><w:tr>${tc(p('1'))}${tc(p('推进公开') + nested)}${tc(p('县政府办'))}</w:tr><w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>${tc(p('合并'), '<w:hMerge w:val="restart"/>')}${tc(p(''), '<w:hMerge/>')}</w:tr></w:tbl>`;
    const m = await read(docx(body));
    const t = m.blocks.find((b): b is Table => b.kind === 'table')!;
    expect(t.rows[1]!.map((c) => c.text)).toEqual(['1', '推进公开\n子项一 6月底前\n子项二 9月底前', '县政府办']);
    expect(t.rows[2]).toEqual([{ text: '', rowSpan: 1, colSpan: 1 }, { text: '合并', rowSpan: 1, colSpan: 2 }]);
  });

  it('an XML part nested deeper than the reader follows is refused in Chinese', async () => {
    const deep = `${'<w:tbl><w:tr><w:tc>'.repeat(150)}${p('深')}${'</w:tc></w:tr></w:tbl>'.repeat(150)}`;
    await expect(read(docx(deep))).rejects.toThrow(/嵌套/);
  });
});

describe('readDocx: notes on what was left out', () => {
  it('a footer of page numbers is not worth a note; one with words is', async () => {
    const footer = (t: string) => `<?xml version="1.0"?><w:ftr ${W}>${p(t)}</w:ftr>`;
    const quiet = await read(docx(p('正文'), '', '', { 'word/footer1.xml': footer('第 1 页 共 3 页'), 'word/header1.xml': footer('- 2 -') }));
    expect(quiet.notes).toEqual([]);
    const loud = await read(docx(p('正文'), '', '', { 'word/footer1.xml': footer('东山县人民政府办公室印发') }));
    expect(loud.notes.join('')).toMatch(/页眉页脚中的文字未读取（如“东山县人民政府办公室印发”）/);
  });
});

describe('readDocx: embedded parts (w:altChunk) as OA systems write them', () => {
  it('an embedded HTML part is read where it stands; an MHT one is noted', async () => {
    const rels = `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/aFChunk" Target="afchunk.htm"/><Relationship Id="rId10" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/aFChunk" Target="afchunk.mht"/></Relationships>`;
    const body = `${p('前言')}<w:altChunk xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId9"/><w:altChunk xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId10"/>${p('结语')}`;
    const html = '<html><body><p>一、推进政务公开（县政府办牵头）</p><table><tr><td>序号</td><td>任务</td><td>牵头单位</td></tr><tr><td>1</td><td>公开预算</td><td>县财政局</td></tr></table></body></html>';
    const m = await read(docx(body, '', '', { 'word/_rels/document.xml.rels': rels, 'word/afchunk.htm': html, 'word/afchunk.mht': 'MIME-Version: 1.0' }));
    expect(m.blocks.map((b) => (b.kind === 'paragraph' ? b.text : b.rows.map((r) => r.map((c) => c.text).join('|')).join('/')))).toEqual(['前言', '一、推进政务公开（县政府办牵头）', '序号|任务|牵头单位/1|公开预算|县财政局', '结语']);
    expect(m.notes.join('')).toMatch(/1 处嵌入的 MHT\/RTF 等内容未读取/);
  });
});

