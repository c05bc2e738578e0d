import { defineCommand } from '../src/chat/command.js';
import { needsRedis } from '../src/progress/replies.js';
import { refuseP2p } from './bind.js';

export default defineCommand({
  name: '解绑',
  aliases: ['解除绑定', '取消绑定'],
  args: [],
  description: '解除本群与单位的绑定',
  examples: ['/解绑'],
  role: 'admin',
  group: '管理',
  async run(ctx) {
    const svc = ctx.progress;
    if (!svc) return needsRedis(ctx);
    if (await refuseP2p(ctx, '解绑')) return;
    const { tenant, chatId, senderId } = ctx.message;
    const previous = await svc.bindings.unbind(tenant, chatId);
    if (!previous) {
      ctx.log.info({ event: 'bad-input', reason: 'not-bound' }, 'unbind on an unbound chat');
      return ctx.reply({ tone: 'orange', blocks: [{ kind: 'text', text: '本群没有绑定单位，无需解绑。' }] });
    }
    await svc.roles.forget(chatId);
    await svc.audit.record({
      tenant,
      action: 'unbind',
      by: senderId,
      ...(ctx.message.senderName ? { byName: ctx.message.senderName } : {}),
      chatId,
      subject: previous.unit,
    });
    ctx.log.info({ event: 'binding.unbound', unit: previous.unit }, 'chat unbound');
    const others = (await svc.bindings.chatsForUnit(tenant, previous.unit)).length;
    const where = others
      ? `${previous.unit}仍绑定在其他 ${others} 个群，提醒照常发往那里。`
      : `${previous.unit}的提醒今后转至督办群（如已配置），直到在其工作群重新发送“/绑定 ${previous.unit}”。`;
    return ctx.reply({
      title: `已解绑：${previous.unit}`,
      tone: 'grey',
      blocks: [
        { kind: 'text', text: `已解除本群与 ${previous.unit} 的绑定。` },
        { kind: 'note', text: where },
      ],
    });
  },
});
