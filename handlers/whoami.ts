import { defineCommand } from '../src/chat/command.js';
import { ROLE_LABEL } from '../src/chat/roles.js';

/**
 * /我是谁: the sender's open_id and this chat's chat_id as the platform gives
 * them, so an admin can fill ADMIN_OPEN_IDS and SUPERVISOR_CHAT_ID without the
 * developer console. Only the asker's own id and the chat they are in.
 */
export default defineCommand({
  name: '我是谁',
  aliases: ['whoami', '我的id', '本群id', '群id'],
  args: [],
  description: '显示您的 open_id 和本群的 chat_id（填写 ADMIN_OPEN_IDS、SUPERVISOR_CHAT_ID 时用）',
  examples: ['/我是谁'],
  role: 'everyone',
  group: '其他',
  async run(ctx) {
    const m = ctx.message;
    const bound = ctx.progress ? await ctx.progress.bindings.get(m.tenant, m.chatId).catch(() => undefined) : undefined;
    ctx.log.info({ event: 'whoami', chatType: m.chatType }, 'ids shown');
    if (m.platform === 'console') {
      return ctx.reply({
        title: '您的身份',
        tone: 'blue',
        blocks: [
          { kind: 'fields', items: [{ label: '当前身份', value: `${ROLE_LABEL[ctx.role]}（终端对话）` }] },
          { kind: 'note', text: '终端里没有飞书的 open_id 和 chat_id。接入飞书后，在群里或私聊中发送 /我是谁 即可看到。' },
        ],
      });
    }
    const items = [
      { label: 'open_id', value: m.senderId },
      { label: 'chat_id', value: m.chatId },
      { label: '会话', value: m.chatType === 'group' ? '群聊' : '单聊' },
      { label: '当前身份', value: ROLE_LABEL[ctx.role] },
    ];
    if (bound) items.push({ label: '本群绑定', value: bound.unit });
    return ctx.reply({
      title: '您的身份',
      tone: 'blue',
      blocks: [
        { kind: 'fields', items },
        {
          kind: 'note',
          text:
            m.chatType === 'group'
              ? '管理员：把 open_id 填入 .env 的 ADMIN_OPEN_IDS（或 SUPERVISOR_OPEN_IDS）；督查室群的 chat_id 填入 SUPERVISOR_CHAT_ID，重启后生效。'
              : '管理员：把 open_id 填入 .env 的 ADMIN_OPEN_IDS（或 SUPERVISOR_OPEN_IDS），重启后生效；要取群的 chat_id，请在该群里 @督办 /我是谁。',
        },
      ],
    });
  },
});
