import { readFile, stat } from 'node:fs/promises';
import { applyAmendment, parseNotice, type HolidayAmendment, type HolidayNotice } from '../calendar/notice.js';
import { basename, resolve } from 'node:path';
import iconv from 'iconv-lite';
import { expandGrid } from '../doc/model.js';
import { readDocument } from '../doc/read.js';
import { sniff } from '../doc/sniff.js';
import { PlanError } from '../plan/errors.js';

/**
 * Notice files (HOLIDAY_NOTICE_FILES, `cli holidays --notice`, a file sent to
 * the bot): text as saved from a web page or a Word document, UTF-8 or
 * GB18030 (what Chinese Windows saves "ANSI" text as).
 */

/** A notice is ~2 KB; a saved web page with its furniture a few dozen. */
export const MAX_NOTICE_BYTES = 512 * 1024;

export function decodeNotice(data: Uint8Array): string {
  const utf8 = Buffer.from(data).toString('utf8').replace(/^\ufeff/u, '');
  if (!utf8.includes('\ufffd')) return utf8;
  return iconv.decode(Buffer.from(data), 'gb18030');
}

/**
 * The text of a notice in any format an office sends (a saved web page, a
 * Word document, a PDF) through the document readers; plain text is decoded
 * here. Throws the readers' PlanError (with its Chinese reason) for a format
 * they cannot read.
 */
export async function noticeText(data: Uint8Array, file: string): Promise<string> {
  if (sniff(data, file) === 'text') return decodeNotice(data);
  const model = await readDocument(data, file);
  return model.blocks
    .map((b) => (b.kind === 'paragraph' ? `${b.label ?? ''}${b.text}` : expandGrid(b).map((row) => row.join(' ')).join('\n')))
    .join('\n');
}

export type NoticeFile = { file: string; text: string } | { file: string; error: string };

export async function readNoticeFile(path: string, cwd: string): Promise<NoticeFile> {
  const full = resolve(cwd, path);
  const file = basename(path);
  try {
    const info = await stat(full);
    if (!info.isFile()) return { file, error: `${path} 不是文件` };
    if (info.size > MAX_NOTICE_BYTES) return { file, error: `${path} 超过 ${MAX_NOTICE_BYTES / 1024} KB，不像一份节假日安排通知` };
    return { file, text: await noticeText(await readFile(full), file) };
  } catch (e) {
    if (e instanceof PlanError) return { file, error: e.message };
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { file, error: `找不到文件 ${path}` };
    return { file, error: `无法读取 ${path}：${(e as Error).message}` };
  }
}

/**
 * Notice files read together: each year's notice with any extension notice
 * (延长假期) among them applied; or the first refusal, as a Chinese reason.
 */
export async function readNoticeSet(paths: readonly string[], cwd: string): Promise<{ notices: HolidayNotice[]; texts: string[] } | string> {
  const byYear = new Map<number, HolidayNotice>();
  const texts: string[] = [];
  const amendments: HolidayAmendment[] = [];
  for (const path of paths) {
    const f = await readNoticeFile(path, cwd);
    if ('error' in f) return f.error;
    const p = parseNotice(f.text);
    if (!p.ok) return `${path}：${p.reason}`;
    texts.push(f.text);
    if (p.notice.kind === 'notice') byYear.set(p.notice.year, p.notice);
    else amendments.push(p.notice);
  }
  for (const a of amendments) {
    const base = byYear.get(a.year);
    if (!base) return `延长${a.year}年${a.holiday}假期的通知需要与${a.year}年的节假日安排通知一起给出`;
    byYear.set(a.year, applyAmendment(base, a));
  }
  return { notices: [...byYear.values()].sort((a, b) => a.year - b.year), texts };
}
