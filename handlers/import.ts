import { defineCommand, type Command } from '../src/chat/command.js';
import type { Context } from '../src/chat/context.js';
import type { Attachment } from '../src/chat/types.js';
import { PlanError } from '../src/plan/errors.js';
import { libraryName, LibraryInputError } from '../src/plans/library.js';
import type { PlanRegistry } from '../src/plans/registry.js';
import { PlanLibraryUnavailableError } from '../src/plans/registry.js';
import { howToReply, importedReply, refusedReply, removedReply } from '../src/plans/replies.js';
import { MAX_FILE_BYTES } from '../src/doc/model.js';

/**
 * /导入 (admins): load a plan file into the running bot. A file sent to the
 * bot in a p2p chat arrives here by itself (the route sends attachments to
 * the command with `onFile`); in a group, /导入 sent as a reply to a file
 * message imports that file. Alone it explains how. `/导入 删除 <文件名>`
 * removes an imported plan.
 *
 * The registry, the download and the parent lookup are injected by src/main.ts
 * (createImportCommand); the default export, used where none exist (tests,
 * transcripts), can only explain.
 */

export interface ImportCommandDeps {
  registry?: Pick<PlanRegistry, 'importPlan' | 'removePlan' | 'imported' | 'current' | 'hasLibrary'>;
  /** The attachment's bytes (Lark: messenger.downloadFile). Throws an error with `code: 'too-large'` above the size limit. */
  download?: (messageId: string, key: string) => Promise<Buffer>;
  /** The file a message carries, for /导入 sent as a reply to a file message. */
  fileOf?: (messageId: string) => Promise<Attachment | undefined>;
  /** A holiday notice sent as a file goes to /假期 (handlers/holidays.ts); true when it took the file. */
  holidayNotice?: (ctx: Context, data: Buffer, name: string) => Promise<boolean>;
}

const REMOVE = /^(?:删除|移除|撤销|remove|rm)(?:\s+|$)/iu;

async function needsLibrary(ctx: Context): Promise<void> {
  ctx.log.warn({ event: 'feature-unavailable', reason: 'no-plan-library', command: '导入' }, 'plan library not configured');
  await ctx.reply({
    tone: 'orange',
    blocks: [{ kind: 'text', text: '导入工作要点需要连接 Redis（保存导入的文件，供重启和多副本使用），当前未启用。请联系管理员。' }],
  });
}

function isTooLarge(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'too-large';
}

async function remove(ctx: Context, deps: ImportCommandDeps, rawName: string): Promise<void> {
  if (!deps.registry?.hasLibrary) return needsLibrary(ctx);
  if (!rawName) {
    ctx.log.warn({ event: 'bad-input', reason: 'missing-arg', command: '导入' }, 'remove without a file name');
    await ctx.reply({ tone: 'orange', blocks: [{ kind: 'text', text: '请写出要删除的文件名，例如：/导入 删除 2025年工作要点.txt' }] });
    return;
  }
  const { tenant, senderId, senderName, chatId } = ctx.message;
  const r = await deps.registry.removePlan({ name: rawName, by: senderId, ...(senderName ? { byName: senderName } : {}), tenant, chatId });
  ctx.log.info({ event: r.removed ? 'plans.removed' : 'plans.remove_unknown', file: r.name }, 'plan remove asked');
  await ctx.reply(removedReply(r));
}

async function importFile(ctx: Context, deps: ImportCommandDeps, file: Attachment, messageId: string): Promise<void> {
  let name: string;
  try {
    name = libraryName(file.name);
  } catch (e) {
    if (!(e instanceof LibraryInputError)) throw e;
    ctx.log.warn({ event: 'bad-input', reason: 'bad-file-name', command: '导入' }, 'unusable file name');
    await ctx.reply(refusedReply('文件', `文件名不能使用：${e.message}。请改名后再发送。`));
    return;
  }
  const registry = deps.registry;
  if (!registry?.hasLibrary) return needsLibrary(ctx);
  if (!deps.download) {
    await ctx.reply(howToReply({ canReceiveFiles: false }));
    return;
  }
  let data: Buffer;
  try {
    data = await deps.download(messageId, file.key);
  } catch (e) {
    if (isTooLarge(e)) {
      ctx.log.warn({ event: 'bad-input', reason: 'too-large', command: '导入', file: name }, 'plan file too large');
      await ctx.reply(refusedReply(name, `文件 ${name} 超过 ${MAX_FILE_BYTES / 1024 / 1024} MB，不像是一份工作要点，未导入。`));
      return;
    }
    ctx.log.error({ event: 'plans.download_failed', file: name, err: e }, 'file download failed');
    await ctx.reply({ tone: 'red', blocks: [{ kind: 'text', text: `下载文件 ${name} 失败，未导入。请稍后重新发送。` }] });
    return;
  }
  if (deps.holidayNotice && (await deps.holidayNotice(ctx, data, name))) return;
  const { tenant, senderId, senderName, chatId } = ctx.message;
  try {
    const result = await registry.importPlan({ name, data, by: senderId, ...(senderName ? { byName: senderName } : {}), tenant, chatId });
    ctx.log.info(
      { event: 'plans.imported', file: name, bytes: data.length, tasks: result.document.tasks.length, replaced: result.replaced, notes: result.notes.length, replan: result.replan.kind },
      'plan imported',
    );
    await ctx.reply(importedReply(result, registry.current().ledger.documents.length));
  } catch (e) {
    if (e instanceof PlanError) {
      ctx.log.warn({ event: 'bad-input', reason: `plan-${e.code}`, command: '导入', file: name, bytes: data.length }, 'plan refused by the parser');
      await ctx.reply(refusedReply(name, e.message));
      return;
    }
    if (e instanceof PlanLibraryUnavailableError) return needsLibrary(ctx);
    throw e;
  }
}

export function createImportCommand(deps: ImportCommandDeps = {}): Command {
  return defineCommand({
    name: '导入',
    aliases: ['导入文件', '载入', 'import'],
    args: [{ name: '删除 文件名', description: '删除一份导入的文件；不写则说明如何导入', required: false, rest: true }],
    description: '导入或更新工作要点（私聊发送 Word、Excel、PDF、网页或文本文件）',
    examples: ['/导入', '/导入 删除 2025年工作要点.txt'],
    role: 'admin',
    group: '管理',
    onFile: true,
    async run(ctx) {
      const m = REMOVE.exec(ctx.args);
      if (m) return remove(ctx, deps, ctx.args.slice(m[0].length).trim());

      if (ctx.message.attachment) return importFile(ctx, deps, ctx.message.attachment, ctx.message.messageId);
      if (ctx.message.parentId && deps.fileOf) {
        let parent: Attachment | undefined;
        try {
          parent = await deps.fileOf(ctx.message.parentId);
        } catch (e) {
          ctx.log.error({ event: 'plans.parent_lookup_failed', err: e }, 'could not read the replied message');
          await ctx.reply({ tone: 'red', blocks: [{ kind: 'text', text: '读取所回复的消息失败，未导入。请稍后再试，或在私聊中直接发送文件。' }] });
          return;
        }
        if (parent) return importFile(ctx, deps, parent, ctx.message.parentId);
        ctx.log.warn({ event: 'bad-input', reason: 'parent-not-file', command: '导入' }, 'replied message is not a file');
        await ctx.reply({ tone: 'orange', blocks: [{ kind: 'text', text: '所回复的消息不是文件，未导入。请回复一条文件消息，或在私聊中直接发送文件。' }] });
        return;
      }
      const imported = deps.registry?.hasLibrary ? await deps.registry.imported().catch(() => []) : [];
      await ctx.reply(howToReply({ imported, canReceiveFiles: Boolean(deps.download) }));
    },
  });
}

export default createImportCommand();
