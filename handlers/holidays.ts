import { parseNotice } from '../src/calendar/notice.js';
import { PlanError } from '../src/plan/errors.js';
import { shanghaiDate } from '../src/calendar/shanghai.js';
import { yearHolidays } from '../src/calendar/workdays.js';
import { defineCommand, type Command } from '../src/chat/command.js';
import type { Context } from '../src/chat/context.js';
import { roleAtLeast } from '../src/chat/roles.js';
import type { Attachment } from '../src/chat/types.js';
import type { HolidayBook } from '../src/holidays/book.js';
import { MAX_NOTICE_BYTES, noticeText } from '../src/holidays/files.js';
import { refusedNoticeReply, understoodReply, yearReply } from '../src/holidays/replies.js';
import type { HolidayStore } from '../src/holidays/store.js';

/**
 * /假期 [年份]: a year's days off and make-up working days, and where they
 * come from (official table, imported notice, or the statutory estimate).
 *
 * Admins load the State Council's notice: `/假期 导入 <全文>`, the notice text
 * sent to the bot in a p2p chat (the intent below), `/假期 导入` as a reply
 * to a file message, or a file sent to the bot (handlers/import.ts hands a
 * file that reads as a notice over to `receiveNoticeFile`). The bot shows
 * what it understood; `/假期 确认` loads it (stored in Redis, every reminder
 * re-planned). `/假期 删除 <年份>` removes an imported notice.
 *
 * The book, the pending store and the download are injected by src/main.ts
 * (createHolidaysCommand); the default export can only show years.
 */

export interface HolidaysCommandDeps {
  book?: Pick<HolidayBook, 'preview' | 'importText' | 'remove' | 'hasStore'>;
  pending?: Pick<HolidayStore, 'setPending' | 'takePending'>;
  download?: (messageId: string, key: string) => Promise<Buffer>;
  fileOf?: (messageId: string) => Promise<Attachment | undefined>;
}

const IMPORT = /^(?:导入|载入|import)(?:\s+|$)/iu;
const CONFIRM = /^(?:确认|确定|confirm)$/iu;
const REMOVE = /^(?:删除|撤销|remove)\s*(\d{4})$/iu;
/** A pasted notice: its title or the "一、元旦：" section start. */
const LOOKS_LIKE_NOTICE = /部分节假日安排|延长\d{4}年\S{2,3}假期|[一1][、.]\s*元旦\s*[:：]/u;

export function looksLikeNotice(text: string): boolean {
  return LOOKS_LIKE_NOTICE.test(text);
}

async function needsStore(ctx: Context): Promise<void> {
  ctx.log.warn({ event: 'feature-unavailable', reason: 'no-holiday-store', command: '假期' }, 'holiday store not configured');
  await ctx.reply({ tone: 'orange', blocks: [{ kind: 'text', text: '载入节假日通知需要连接 Redis（保存通知，供重启和多副本使用），当前未启用。也可以在 HOLIDAY_NOTICE_FILES 中列出通知文件后重启。' }] });
}

async function adminOnly(ctx: Context): Promise<boolean> {
  if (roleAtLeast(ctx.role, 'admin')) return true;
  ctx.log.warn({ event: 'forbidden', command: '假期', role: ctx.role }, 'holiday import by a non-admin');
  await ctx.reply({ tone: 'orange', blocks: [{ kind: 'text', text: '只有管理员可以载入或删除节假日安排。请把通知转给管理员。' }] });
  return false;
}

/** Show what the text reads as and keep it for /假期 确认; a refusal changes nothing. */
export async function previewNotice(ctx: Context, deps: HolidaysCommandDeps, text: string): Promise<void> {
  if (!(await adminOnly(ctx))) return;
  if (!deps.book?.hasStore || !deps.pending) return needsStore(ctx);
  const p = deps.book.preview(text);
  if (!p.ok) {
    ctx.log.warn({ event: 'bad-input', reason: `notice-${p.code}`, command: '假期', chars: text.length }, 'holiday notice refused');
    await ctx.reply(refusedNoticeReply(p.reason));
    return;
  }
  await deps.pending.setPending(ctx.message.tenant, ctx.message.senderId, text);
  ctx.log.info({ event: 'holidays.previewed', year: p.notice.year, kind: p.kind, off: p.notice.off.length, work: p.notice.work.length }, 'holiday notice shown for confirmation');
  await ctx.reply(understoodReply(p.notice, { kind: p.kind, replaces: p.replaces, pending: true }));
}

/** A file replied to with /假期 导入: its text (any format the document readers take), previewed. */
export async function receiveNoticeFile(ctx: Context, deps: HolidaysCommandDeps, data: Buffer, name: string): Promise<void> {
  if (data.length > MAX_NOTICE_BYTES) {
    ctx.log.warn({ event: 'bad-input', reason: 'too-large', command: '假期', bytes: data.length }, 'notice file too large');
    await ctx.reply(refusedNoticeReply(`文件超过 ${MAX_NOTICE_BYTES / 1024} KB，不像一份节假日安排通知`));
    return;
  }
  let text: string;
  try {
    text = await noticeText(data, name);
  } catch (e) {
    if (!(e instanceof PlanError)) throw e;
    ctx.log.warn({ event: 'bad-input', reason: `notice-file-${e.code}`, command: '假期' }, 'notice file unreadable');
    await ctx.reply(refusedNoticeReply(e.message));
    return;
  }
  await previewNotice(ctx, deps, text);
}

/** For /导入: takes a file whose text reads as a holiday notice. */
export function holidayNoticeFiles(deps: HolidaysCommandDeps): (ctx: Context, data: Buffer, name: string) => Promise<boolean> {
  return async (ctx, data, name) => {
    if (data.length > MAX_NOTICE_BYTES) return false;
    // A plan that cites a notice stays a plan: take only what parses as one, or is titled as one.
    // Formats the readers cannot take stay with /导入, which says what to send instead.
    const text = await noticeText(data, name).catch(() => '');
    if (!parseNotice(text).ok && !/部分节假日安排的通知|假期的通知/u.test(text.slice(0, 400))) return false;
    await previewNotice(ctx, deps, text);
    return true;
  };
}

/** Loads and removals go to the audit log with the plan loads (when the bot runs with Redis). */
async function audit(ctx: Context, year: string, detail: Record<string, string>): Promise<void> {
  const { tenant, senderId, senderName, chatId } = ctx.message;
  await ctx.progress?.audit.record({ tenant, action: 'holiday-load', by: senderId, ...(senderName ? { byName: senderName } : {}), chatId, subject: year, detail });
}

async function confirm(ctx: Context, deps: HolidaysCommandDeps): Promise<void> {
  if (!(await adminOnly(ctx))) return;
  if (!deps.book?.hasStore || !deps.pending) return needsStore(ctx);
  const pending = await deps.pending.takePending(ctx.message.tenant, ctx.message.senderId);
  if (!pending) {
    await ctx.reply({ tone: 'orange', blocks: [{ kind: 'text', text: '没有待确认的节假日通知（已超过 1 小时或已确认）。请重新发送通知全文。' }] });
    return;
  }
  const { senderId, senderName } = ctx.message;
  const r = await deps.book.importText(pending.text, { by: senderId, ...(senderName ? { byName: senderName } : {}) });
  if (!r.ok) {
    ctx.log.warn({ event: 'bad-input', reason: `notice-${r.code}`, command: '假期' }, 'holiday notice refused at confirmation');
    await ctx.reply(refusedNoticeReply(r.reason));
    return;
  }
  ctx.log.info({ event: 'holidays.imported', year: r.notice.year, kind: r.kind, replan: r.replan ?? 'none' }, 'holiday notice loaded');
  await audit(ctx, String(r.notice.year), { change: r.kind, off: String(r.notice.off.length), work: String(r.notice.work.length) });
  const reply = understoodReply(r.notice, { kind: r.kind, replaces: r.replaces, pending: false });
  if (r.replan === 'failed') reply.blocks.push({ kind: 'note', text: '重新安排提醒时出错，将在一小时内的定时重排中完成。' });
  await ctx.reply(reply);
}

async function importFromArgs(ctx: Context, deps: HolidaysCommandDeps, text: string): Promise<void> {
  if (text) return previewNotice(ctx, deps, text);
  if (ctx.message.parentId && deps.fileOf && deps.download) {
    if (!(await adminOnly(ctx))) return;
    const parent = await deps.fileOf(ctx.message.parentId).catch(() => undefined);
    if (parent) {
      try {
        return await receiveNoticeFile(ctx, deps, await deps.download(ctx.message.parentId, parent.key), parent.name);
      } catch (e) {
        ctx.log.error({ event: 'holidays.download_failed', err: e }, 'notice download failed');
        await ctx.reply({ tone: 'red', blocks: [{ kind: 'text', text: '下载文件失败，未载入。请稍后重新发送。' }] });
        return;
      }
    }
  }
  await ctx.reply({
    tone: 'blue',
    blocks: [
      { kind: 'text', text: '把国务院办公厅《关于20XX年部分节假日安排的通知》全文私聊发给督办，或发送“/假期 导入 <通知全文>”；也可以私聊发送保存了通知的 .txt 文件。' },
      { kind: 'note', text: '督办会列出读到的放假和调休上班日期，核对后发送“/假期 确认”即载入，所有提醒随之重新安排。' },
    ],
  });
}

const RELATIVE: Record<string, number> = { 今年: 0, 本年: 0, 明年: 1, 下一年: 1, 后年: 2, 去年: -1 };

function yearOf(args: string, today: string): number | undefined {
  if (!args) return Number(today.slice(0, 4));
  const rel = RELATIVE[args.replace(/的?(?:节假日|放假|假期)?安排?$/u, '')];
  if (rel !== undefined) return Number(today.slice(0, 4)) + rel;
  const m = /^(\d{4})\s*年?$/u.exec(args);
  return m ? Number(m[1]) : undefined;
}

export function createHolidaysCommand(deps: HolidaysCommandDeps = {}): Command {
  return defineCommand({
    name: '假期',
    aliases: ['节假日', '放假安排'],
    args: [{ name: '年份 | 导入 | 确认', description: '查看某年放假安排（默认今年）；管理员载入或删除国务院通知', required: false, rest: true }],
    description: '查看节假日和调休安排及来源；管理员载入国务院放假通知',
    examples: ['/假期', '/假期 2027', '/假期 导入 国务院办公厅关于2027年部分节假日安排的通知……', '/假期 确认'],
    role: 'everyone',
    group: '管理',
    intents: [
      // A pasted notice (p2p, or with the bot mentioned) is an import.
      { pattern: /^(?<arg>[\s\S]*(?:部分节假日安排的通知|延长\d{4}年\S{2,3}假期)[\s\S]*[一1][、.][\s\S]*)$/u, priority: 100 },
      { pattern: /^(?<arg>\d{4})\s*年?的?(?:节假日|放假|假期)安排$/u, priority: 50 },
    ],
    async run(ctx) {
      const args = ctx.args;
      if (ctx.via === 'intent' && looksLikeNotice(args)) return previewNotice(ctx, deps, args);
      const imp = IMPORT.exec(args);
      if (imp) return importFromArgs(ctx, deps, args.slice(imp[0].length).trim());
      if (CONFIRM.test(args)) return confirm(ctx, deps);
      const rm = REMOVE.exec(args);
      if (rm) {
        if (!(await adminOnly(ctx))) return;
        if (!deps.book?.hasStore) return needsStore(ctx);
        const removed = await deps.book.remove(Number(rm[1]));
        ctx.log.info({ event: removed ? 'holidays.removed' : 'holidays.remove_unknown', year: Number(rm[1]) }, 'holiday notice remove asked');
        if (removed) await audit(ctx, rm[1]!, { change: 'removed' });
        await ctx.reply({ tone: removed ? 'green' : 'orange', blocks: [{ kind: 'text', text: removed ? `已删除导入的${rm[1]}年节假日安排，提醒已重新安排。` : `没有导入过${rm[1]}年的节假日安排，未作更改。` }] });
        return;
      }
      const today = shanghaiDate(ctx.clock.now());
      const year = yearOf(args, today);
      if (year === undefined || year < 1901 || year > 2099) {
        ctx.log.warn({ event: 'bad-input', reason: 'bad-year', command: '假期' }, 'unreadable year');
        await ctx.reply({ tone: 'orange', blocks: [{ kind: 'text', text: '请写四位年份，例如：/假期 2027' }] });
        return;
      }
      const h = yearHolidays(year);
      ctx.log.info({ event: 'holidays.shown', year, source: h.source }, 'holidays shown');
      const reply = yearReply(h);
      const next = year + 1;
      if (!args && today.slice(5) >= '11-01' && yearHolidays(next).source === 'estimate') {
        reply.blocks.push({ kind: 'note', text: `${next}年的国务院通知尚未载入，${next}年的提醒暂按法定节假日估算。查看：/假期 ${next}` });
      }
      await ctx.reply(reply);
    },
  });
}

export default createHolidaysCommand();
