import iconv from 'iconv-lite';

/**
 * A saved web page's bytes → text: the BOM, else the charset its <meta>
 * declares (charset= or http-equiv content), else UTF-8 if the bytes are valid
 * UTF-8, else GB18030 (a superset of GBK and GB2312, what Chinese government
 * sites without a declaration use). A page whose declaration disagrees with
 * its bytes is read by its bytes, with a note.
 */
export function decodeHtml(bytes: Uint8Array): { text: string; notes: string[] } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: utf8(bytes.subarray(3)) ?? lossy(bytes.subarray(3)), notes: [] };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), notes: [] };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), notes: [] };

  const declared = declaredCharset(bytes);
  const asUtf8 = utf8(bytes);
  if (!declared || declared === 'utf-8') {
    if (asUtf8 !== undefined) return { text: asUtf8, notes: [] };
    const text = iconv.decode(Buffer.from(bytes), 'gb18030');
    return { text, notes: declared ? ['网页声明为 UTF-8 编码，但内容是 GBK/GB18030 编码，已按 GB18030 读取'] : [] };
  }
  // Bytes that are valid UTF-8 and not plain ASCII were re-saved as UTF-8 whatever the old <meta> says.
  if (asUtf8 !== undefined && /[^\x00-\x7f]/.test(asUtf8)) return { text: asUtf8, notes: [] };
  if (!iconv.encodingExists(declared)) {
    return { text: iconv.decode(Buffer.from(bytes), 'gb18030'), notes: [`网页声明的编码 ${declared} 无法识别，已按 GB18030 读取`] };
  }
  const text = iconv.decode(Buffer.from(bytes), declared);
  const bad = (text.match(/\uFFFD/g) ?? []).length;
  return { text, notes: bad ? [`网页中有 ${bad} 处字符不符合 ${declared} 编码，已替换为“�”`] : [] };
}

/** The charset a <meta> in the first 8 KB declares, normalised to an iconv-lite name. */
export function declaredCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 8192)).toString('latin1');
  const m = /<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)/i.exec(head);
  if (!m) return undefined;
  const label = m[1]!.toLowerCase();
  if (/^(utf-?8|unicode-1-1-utf-8)$/.test(label)) return 'utf-8';
  if (/^(gb2312|gbk|gb18030|x-gbk|gb_2312-80|cp936|windows-936|csgb2312|chinese|iso-ir-58)$/.test(label)) return 'gb18030';
  if (/^(big5|big5-hkscs|x-x-big5|cn-big5)$/.test(label)) return 'big5';
  return label;
}

function utf8(b: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return undefined;
  }
}

const lossy = (b: Uint8Array) => new TextDecoder('utf-8').decode(b);
