import iconv from 'iconv-lite';
import { PlanError } from './errors.js';

/** Plans above this size are not work plans; refuse them before doing any work. */
export const MAX_PLAN_BYTES = 5 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Bytes as received -> text. Government sites still publish GB2312/GBK/GB18030
 * text, so anything that is not valid UTF-8 is read as GB18030 (a superset of
 * both). UTF-16 with a BOM is accepted because Windows editors produce it.
 */
export function decodePlan(input: string | Uint8Array, file: string): string {
  return decodeText(input, file).text;
}

/**
 * Like decodePlan, with what was repaired: a file pasted together from a
 * UTF-8 and a GBK source is decoded line by line (each line is valid UTF-8
 * or read as GB18030) instead of turning one half into mojibake.
 */
export function decodeText(input: string | Uint8Array, file: string): { text: string; notes: string[] } {
  if (typeof input === 'string') return { text: checkText(input.replace(/^\uFEFF/, ''), file), notes: [] };
  if (input.byteLength > MAX_PLAN_BYTES) {
    throw new PlanError('too-large', `文件 ${file} 超过 5 MB，不像是一份工作要点，未导入`, file);
  }
  const b = input;
  let text: string;
  const notes: string[] = [];
  if (b[0] === 0xff && b[1] === 0xfe) text = new TextDecoder('utf-16le').decode(b.subarray(2));
  else if (b[0] === 0xfe && b[1] === 0xff) text = new TextDecoder('utf-16be').decode(b.subarray(2));
  else {
    if (b.includes(0)) throw binary(file);
    try {
      text = utf8.decode(b);
    } catch {
      const mixed = byLine(b);
      text = mixed.text;
      if (mixed.utf8Lines > 0 && mixed.gbLines > 0) {
        notes.push(`文件编码混杂：${mixed.utf8Lines} 行是 UTF-8，${mixed.gbLines} 行是 GBK/GB18030，已逐行识别；请核对这些行的文字是否正确`);
      }
    }
  }
  return { text: checkText(text.replace(/^\uFEFF/, ''), file), notes };
}

/** Each line as UTF-8 when it is valid UTF-8 with non-ASCII in it, else as GB18030. */
function byLine(b: Uint8Array): { text: string; utf8Lines: number; gbLines: number } {
  const parts: string[] = [];
  let utf8Lines = 0;
  let gbLines = 0;
  let start = 0;
  for (let i = 0; i <= b.length; i++) {
    if (i < b.length && b[i] !== 0x0a) continue;
    const line = b.subarray(start, i);
    start = i + 1;
    let ascii = true;
    for (const x of line) if (x >= 0x80) ascii = false;
    if (ascii) {
      parts.push(Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString('latin1'));
      continue;
    }
    try {
      parts.push(utf8.decode(line));
      utf8Lines++;
    } catch {
      parts.push(iconv.decode(Buffer.from(line.buffer, line.byteOffset, line.byteLength), 'gb18030'));
      gbLines++;
    }
  }
  return { text: parts.join('\n'), utf8Lines, gbLines };
}

function binary(file: string): PlanError {
  return new PlanError('binary', `文件 ${file} 是二进制文件（不是文本），请另存为 .txt 或 .md 后再导入`, file);
}

function checkText(text: string, file: string): string {
  if (text.trim() === '') throw new PlanError('empty', `文件 ${file} 是空的，没有可导入的内容`, file);
  // Control characters or replacement characters in bulk mean the bytes were not text.
  let bad = 0;
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd) bad++;
  }
  if (bad > 0 && bad / text.length > 0.01) throw binary(file);
  return text;
}
