import { describe, expect, it } from 'vitest';
import {
  menuCommandText,
  messageDedupeKey,
  messageReceiveSchema,
  translateMessage,
  DEFAULT_MENU_COMMANDS,
} from '../../../src/adapters/lark/events.js';
import { textMessage, type EventContext } from '../../fakes/lark-events.js';

const ctx: EventContext = { appId: 'cli_a1b2c3d4e5f60718', tenantKey: 'tenant-1', verificationToken: 'v', encryptKey: 'k' };
const BOT = 'ou_bot';

/** The object the SDK hands a handler: header and event merged. */
function merged(spec: Parameters<typeof textMessage>[1]) {
  const { body } = textMessage(ctx, spec);
  return messageReceiveSchema.parse({ ...body.header, ...body.event });
}

describe('translateMessage', () => {
  it('strips only the bot mention and renders other mentions as @name', () => {
    const evt = merged({
      chatId: 'oc_1',
      senderOpenId: 'ou_u1',
      text: '@_user_1 谁牵头 @_user_2 说的那件事',
      mentions: [
        { openId: BOT, name: '督办' },
        { openId: 'ou_zhang', name: '张三' },
      ],
    });
    const t = translateMessage(evt, BOT);
    expect(t).toMatchObject({
      kind: 'message',
      message: {
        platform: 'lark',
        tenant: 'tenant-1',
        chatId: 'oc_1',
        chatType: 'group',
        senderId: 'ou_u1',
        text: '谁牵头 @张三 说的那件事',
        mentionsBot: true,
        messageId: evt.message.message_id,
      },
    });
  });

  it('does not strip a user who shares the bot name, and reports mentionsBot false', () => {
    const evt = merged({ chatId: 'oc_1', senderOpenId: 'ou_u1', text: '@_user_1 减税降费谁牵头', mentions: [{ openId: 'ou_person', name: '督办' }] });
    const t = translateMessage(evt, BOT);
    expect(t).toMatchObject({ kind: 'message', message: { text: '@督办 减税降费谁牵头', mentionsBot: false } });
  });

  it('does not confuse @_user_1 with @_user_10', () => {
    const mentions = Array.from({ length: 10 }, (_, i) => ({ openId: i === 9 ? BOT : `ou_${i}`, name: `人${i + 1}` }));
    const evt = merged({ chatId: 'oc_1', senderOpenId: 'ou_u1', text: '@_user_10 问 @_user_1', mentions });
    const t = translateMessage(evt, BOT);
    expect(t).toMatchObject({ kind: 'message', message: { text: '问 @人1', mentionsBot: true } });
  });

  it('keeps p2p chats, the parent id, and plain text untouched', () => {
    const evt = merged({ chatId: 'oc_p', chatType: 'p2p', senderOpenId: 'ou_u1', text: '/谁牵头 IPv6改造', parentId: 'om_parent' });
    expect(translateMessage(evt, BOT)).toMatchObject({
      kind: 'message',
      message: { chatType: 'p2p', text: '/谁牵头 IPv6改造', mentionsBot: false, parentId: 'om_parent' },
    });
  });

  it('marks non-text messages addressed to the bot as unsupported, ignores them in groups otherwise', () => {
    const image = { messageType: 'image', content: JSON.stringify({ image_key: 'img_1' }), text: '' };
    const p2p = merged({ chatId: 'oc_p', chatType: 'p2p', senderOpenId: 'ou_u1', ...image });
    expect(translateMessage(p2p, BOT)).toMatchObject({ kind: 'message', message: { unsupported: 'image', text: '' } });
    const group = merged({ chatId: 'oc_g', chatType: 'group', senderOpenId: 'ou_u1', ...image });
    expect(translateMessage(group, BOT)).toMatchObject({ kind: 'ignore' });
  });

  it('ignores messages sent by other apps', () => {
    const evt = merged({ chatId: 'oc_1', senderOpenId: 'ou_app', senderType: 'app', text: 'hi' });
    expect(translateMessage(evt, BOT)).toEqual({ kind: 'ignore', reason: 'sender_type_app' });
  });
});

describe('menu and dedupe keys', () => {
  it('maps menu keys to commands, unknown keys to /key', () => {
    expect(menuCommandText('help', DEFAULT_MENU_COMMANDS)).toBe('/帮助');
    expect(menuCommandText('截止', DEFAULT_MENU_COMMANDS)).toBe('/截止');
    expect(menuCommandText('/文件', DEFAULT_MENU_COMMANDS)).toBe('/文件');
  });

  it('keys message dedupe by tenant and message id', () => {
    expect(messageDedupeKey('t1', 'om_1')).not.toBe(messageDedupeKey('t2', 'om_1'));
  });
});
