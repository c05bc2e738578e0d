import type { Context } from '../chat/context.js';
import type { IncomingMessage, Reply } from '../chat/types.js';
import type { Actor } from './report.js';
import { taskLabel, type TaskResolution } from './resolve-task.js';

/** Replies shared by the progress, binding and decision commands. Pure apart from needsRedis. */

export function actorOf(m: IncomingMessage): Actor {
  return {
    platform: m.platform,
    tenant: m.tenant,
    chatId: m.chatId,
    senderId: m.senderId,
    ...(m.senderName ? { senderName: m.senderName } : {}),
  };
}

export async function needsRedis(ctx: Context): Promise<void> {
  ctx.log.warn({ event: 'feature-unavailable', reason: 'no-progress-services' }, 'progress features not configured');
  await ctx.reply({
    tone: 'orange',
    blocks: [{ kind: 'text', text: '这项功能需要连接 Redis（保存绑定和进展记录），当前未启用。请联系管理员。' }],
  });
}

/** "没有找到任务" or "您要找的是不是" with commands to copy. */
export function taskNotFound(command: string, asked: string, r: Exclude<TaskResolution, { kind: 'found' }>): Reply {
  if (r.kind === 'none') {
    return {
      title: '没有找到这项任务',
      tone: 'orange',
      blocks: [
        { kind: 'text', text: `没有找到任务“${asked}”。` },
        { kind: 'note', text: '请用文件中的编号（如 三（二）1）或事项关键词再试，也可以直接回复提醒卡片。' },
      ],
    };
  }
  return {
    title: '请确认是哪一项任务',
    tone: 'orange',
    blocks: [
      { kind: 'text', text: `“${asked}”对应多项任务，您要找的是不是：` },
      { kind: 'list', items: r.candidates.map((c) => `${taskLabel(c.task)}（${c.doc.title || c.doc.file}）`) },
      { kind: 'note', text: `请用更具体的关键词，或在本单位工作群中发送 /${command}。` },
    ],
  };
}
