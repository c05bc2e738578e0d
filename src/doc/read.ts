import { PlanError } from '../plan/errors.js';
import { READ_LIMITS, type DocModel } from './model.js';
import { sniff } from './sniff.js';
import { isZip, listZip } from './zip.js';
import { readText } from './read-text.js';

// Readers are loaded when a file of their kind arrives: their libraries (exceljs, SheetJS, pdfjs,
// parse5, word-extractor, saxes) would otherwise cost every start-up, terminal chat and CLI call.
const readHtml = async (b: Uint8Array, f: string) => (await import('./readers/html.js')).readHtml(b, f);
const readDocx = async (b: Uint8Array, f: string) => (await import('./readers/docx.js')).readDocx(b, f);
const readXlsx = async (b: Uint8Array, f: string) => (await import('./readers/xlsx.js')).readXlsx(b, f);
const readXls = async (b: Uint8Array, f: string) => (await import('./readers/xls.js')).readXls(b, f);
const readPdf = async (b: Uint8Array, f: string) => (await import('./readers/pdf.js')).readPdf(b, f);
const readDoc = async (b: Uint8Array, f: string) => (await import('./readers/doc.js')).readDoc(b, f);

/**
 * Any file an office sends → the document model, chosen by content. Formats we
 * cannot read are refused with what to send instead; nothing is guessed.
 */
export async function readDocument(bytes: Uint8Array, file: string): Promise<DocModel> {
  if (bytes.byteLength > READ_LIMITS.maxFileBytes) {
    throw new PlanError('too-large', `文件 ${file} 超过 ${READ_LIMITS.maxFileBytes / 1024 / 1024} MB，不像是一份工作要点，未导入`, file);
  }
  if (bytes.byteLength === 0) throw new PlanError('empty', `文件 ${file} 是空的，没有可导入的内容`, file);
  // Zip packages (docx, xlsx, ofd) are checked against the unpacked budget before any reader inflates them.
  if (isZip(bytes)) {
    const unpacked = listZip(bytes, file).reduce((n, e) => n + e.size, 0);
    if (unpacked > READ_LIMITS.maxUnpackedBytes) {
      throw new PlanError('too-large', `文件 ${file} 解压后超过 ${READ_LIMITS.maxUnpackedBytes / 1024 / 1024} MB，不像是一份工作要点（可能是压缩炸弹），未导入`, file);
    }
  }
  const kind = sniff(bytes, file);
  switch (kind) {
    case 'text':
      return readText(bytes, file);
    case 'html':
      return readHtml(bytes, file);
    case 'docx':
      return readDocx(bytes, file);
    case 'xlsx':
      return readXlsx(bytes, file);
    case 'xls':
      return readXls(bytes, file);
    case 'pdf':
      return readPdf(bytes, file);
    case 'doc':
      return readDoc(bytes, file);
    case 'wps':
      // Newer WPS writes .wps in Word 97's binary layout; try it before refusing.
      return readDoc(bytes, file).catch(() => {
        throw refuse(file, `WPS 文字文件（.wps），请在 WPS 中“另存为” Word 文档（.docx）或带文字的 PDF 后再发送`);
      });
    case 'et':
      return readXls(bytes, file).catch(() => {
        throw refuse(file, `WPS 表格文件（.et），请在 WPS 中“另存为” Excel 工作簿（.xlsx）后再发送`);
      });
    case 'ofd':
      throw refuse(file, 'OFD 版式文件，暂不能读取；请从原系统导出 PDF（带文字层）或 Word 文档后再发送');
    case 'odf':
      throw refuse(file, 'OpenDocument 文件（.odt/.ods），请另存为 Word 文档（.docx）或 Excel 工作簿（.xlsx）后再发送');
    case 'encrypted-ooxml':
      throw new PlanError('encrypted', `文件 ${file} 设置了打开密码，无法读取；请取消密码（文件 → 信息 → 保护文档）后再发送`, file);
    case 'image':
      throw refuse(file, '图片，不含可读取的文字；请发送 Word、Excel、带文字层的 PDF 或文本文件');
    case 'zip':
      throw refuse(file, '压缩包，不是工作要点文件；请解压后发送其中的 Word、Excel、PDF 或文本文件');
    case 'ole':
      throw refuse(file, '无法识别的 Office 文件；请另存为 .docx、.xlsx 或 .txt 后再发送');
  }
}

function refuse(file: string, what: string): PlanError {
  return new PlanError('unsupported', `文件 ${file} 是${what}`, file);
}
