import CFB from 'cfb';
import { isZip, listZip } from './zip.js';

/**
 * What a file is, by its bytes (the name only breaks ties): officials rename
 * files, save pages as .doc, and send .wps. Every kind we cannot read gets its
 * own kind here so the refusal can say exactly what to do.
 */
export type Sniffed =
  | 'text'
  | 'html'
  | 'docx'
  | 'xlsx'
  | 'pdf'
  | 'doc'
  | 'xls'
  | 'wps'
  | 'et'
  | 'ofd'
  | 'odf'
  | 'encrypted-ooxml'
  | 'zip'
  | 'ole'
  | 'image';

const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

export function sniff(bytes: Uint8Array, file: string): Sniffed {
  const ext = /\.([A-Za-z0-9]+)$/.exec(file)?.[1]?.toLowerCase() ?? '';
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf'; // %PDF-
  if (isZip(bytes)) {
    const names = new Set(listZip(bytes, file).map((e) => e.name));
    if (names.has('word/document.xml')) return 'docx';
    if (names.has('xl/workbook.xml')) return 'xlsx';
    if (names.has('OFD.xml')) return 'ofd';
    if (names.has('content.xml') && names.has('mimetype')) return 'odf';
    return 'zip';
  }
  if (startsWith(bytes, OLE)) return oleKind(bytes, ext);
  if (isImage(bytes)) return 'image';
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 4096)).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (/^<(!doctype html|html|head|body|meta|table|div|p[\s>])/.test(head) || (/^<\?xml/.test(head) && head.includes('<html'))) return 'html';
  if ((ext === 'html' || ext === 'htm') && head.startsWith('<')) return 'html';
  return 'text';
}

function oleKind(bytes: Uint8Array, ext: string): Sniffed {
  let names: string[];
  try {
    names = CFB.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { type: 'buffer' }).FullPaths.map((p) => p.replace(/\/$/, '').split('/').pop() ?? '');
  } catch {
    return 'ole';
  }
  const has = (n: string) => names.includes(n);
  // Office "encrypt with password" wraps the OOXML package in an OLE file.
  if (has('EncryptedPackage') || has('EncryptionInfo')) return 'encrypted-ooxml';
  if (has('WordDocument')) return ext === 'wps' ? 'wps' : 'doc';
  if (has('Workbook') || has('Book')) return ext === 'et' ? 'et' : 'xls';
  if (ext === 'wps') return 'wps';
  if (ext === 'et') return 'et';
  return 'ole';
}

function isImage(b: Uint8Array): boolean {
  return (
    startsWith(b, [0x89, 0x50, 0x4e, 0x47]) || // PNG
    startsWith(b, [0xff, 0xd8, 0xff]) || // JPEG
    startsWith(b, [0x47, 0x49, 0x46, 0x38]) || // GIF
    startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || // TIFF
    startsWith(b, [0x4d, 0x4d, 0x00, 0x2a])
  );
}

function startsWith(b: Uint8Array, sig: number[]): boolean {
  return b.length >= sig.length && sig.every((x, i) => b[i] === x);
}
