import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import { handleEvent } from '../../chat/bot.js';
import type { Bot, ButtonResult, InboundEvent, Inbox, Outbox, Reply } from '../../chat/types.js';
import {
  DEFAULT_MENU_COMMANDS,
  botAddedSchema,
  botMenuSchema,
  cardActionSchema,
  menuCommandText,
  messageReceiveSchema,
  translateCardAction,
  translateMessage,
} from './events.js';
import { renderCards } from './render-card.js';
import { sdkLevel, sdkLogger } from './sdk-logger.js';
import { fitUuid, type LarkMessenger } from './send.js';

/**
 * Lark events, webhook and long connection alike: validate the payload,
 * translate it into the core's InboundEvent, put it in the durable inbox and
 * return (Lark allows 3 s). Nothing is decided here: the inbox's workers run
 * `runLarkEvent`, which hands the event to the bot core and sends what it
 * answers through the messenger with uuids derived from the event.
 * A button press waits (within the callback budget) for its answer, so the
 * toast and the updated card come back in the callback response.
 */

export interface DispatchDeps {
  inbox: Inbox;
  botOpenId: string;
  log: Logger;
  menuCommands?: Readonly<Record<string, string>>;
  /** How long a button press waits for its answer before a holding toast is returned. */
  cardActionTimeoutMs?: number;
}

/** The event could not be stored; the transport answers so that Lark re-pushes. */
export class BackpressureError extends Error {
  constructor(readonly reason: 'inbox_unavailable') {
    super(`event not accepted: ${reason}`);
    this.name = 'BackpressureError';
  }
}

export const HANDLER_ERROR_TEXT = '抱歉，处理这条消息时出错了，请稍后再试。';
export const DEFAULT_CARD_ACTION_TIMEOUT_MS = 2_500;

const errorReply: Reply = { tone: 'red', blocks: [{ kind: 'text', text: HANDLER_ERROR_TEXT }] };

export interface EventHandlers {
  'im.message.receive_v1'(data: unknown): Promise<void>;
  'application.bot.menu_v6'(data: unknown): Promise<void>;
  'im.chat.member.bot.added_v1'(data: unknown): Promise<void>;
  'card.action.trigger'(data: unknown): Promise<Record<string, unknown>>;
}

/** A button's answer as the card callback response Lark expects. */
export function callbackBody(r: ButtonResult | undefined): Record<string, unknown> {
  if (!r) return {};
  return {
    ...(r.toast ? { toast: { type: r.toast.type, content: r.toast.text } } : {}),
    ...(r.update ? { card: { type: 'raw', data: renderCards(r.update)[0] } } : {}),
  };
}

export function createEventHandlers(deps: DispatchDeps): EventHandlers {
  const log = deps.log.child({ component: 'lark-events' });
  const menu = deps.menuCommands ?? DEFAULT_MENU_COMMANDS;

  /** Store the event before Lark gets its 200; a re-push of a stored event is dropped. */
  async function admit(event: InboundEvent, logFields: Record<string, unknown>): Promise<'accepted' | 'duplicate'> {
    let res: 'accepted' | 'duplicate';
    try {
      res = await deps.inbox.accept(event);
    } catch (e) {
      // Not stored, so not acknowledged: Lark pushes it again later.
      log.error({ event: 'lark_inbox_unavailable', ...logFields, err: e }, 'event not stored; asking Lark to re-push');
      throw new BackpressureError('inbox_unavailable');
    }
    if (res === 'duplicate') log.info({ event: 'lark_duplicate_delivery', ...logFields }, 'duplicate delivery dropped');
    return res;
  }

  function malformed(type: string, issues: unknown): void {
    log.warn({ event: 'lark_event_malformed', type, issues }, 'malformed event ignored');
  }

  return {
    async 'im.message.receive_v1'(data) {
      const parsed = messageReceiveSchema.safeParse(data);
      if (!parsed.success) return malformed('im.message.receive_v1', parsed.error.issues.slice(0, 3));
      const evt = parsed.data;
      const t = translateMessage(evt, deps.botOpenId);
      const fields = { eventId: evt.event_id, messageId: evt.message.message_id, chatId: evt.message.chat_id };
      if (t.kind === 'ignore') {
        log.debug({ event: 'lark_message_ignored', ...fields, reason: t.reason }, 'message ignored');
        return;
      }
      const msg = t.message;
      // debug: at info, lark_sent and lark_message_done already tell the story of each message.
      log.debug(
        { event: 'lark_message_in', ...fields, chatType: msg.chatType, tenant: msg.tenant, mentionsBot: msg.mentionsBot, chars: msg.text.length },
        'message received',
      );
      // Lark says message_id, not event_id, identifies a message across re-pushes.
      await admit({ kind: 'message', id: msg.messageId, message: msg }, fields);
    },

    async 'application.bot.menu_v6'(data) {
      const parsed = botMenuSchema.safeParse(data);
      if (!parsed.success) return malformed('application.bot.menu_v6', parsed.error.issues.slice(0, 3));
      const evt = parsed.data;
      const openId = evt.operator.operator_id.open_id;
      if (!openId) return malformed('application.bot.menu_v6', 'operator without open_id');
      const fields = { eventId: evt.event_id, eventKey: evt.event_key };
      log.info({ event: 'lark_menu_in', ...fields }, 'bot menu clicked');
      await admit(
        {
          kind: 'menu',
          id: `menu-${evt.event_id}`,
          platform: 'lark',
          tenant: evt.tenant_key ?? '',
          senderId: openId,
          ...(evt.operator.operator_name ? { senderName: evt.operator.operator_name } : {}),
          command: menuCommandText(evt.event_key, menu),
        },
        fields,
      );
    },

    async 'im.chat.member.bot.added_v1'(data) {
      const parsed = botAddedSchema.safeParse(data);
      if (!parsed.success) return malformed('im.chat.member.bot.added_v1', parsed.error.issues.slice(0, 3));
      const evt = parsed.data;
      const fields = { eventId: evt.event_id, chatId: evt.chat_id };
      log.info({ event: 'lark_bot_added', ...fields }, 'bot added to chat');
      await admit(
        { kind: 'joined', id: `added-${evt.event_id}`, platform: 'lark', tenant: evt.tenant_key ?? '', chatId: evt.chat_id, operatorId: evt.operator_id?.open_id ?? '' },
        fields,
      );
    },

    async 'card.action.trigger'(data) {
      const parsed = cardActionSchema.safeParse(data);
      if (!parsed.success) {
        malformed('card.action.trigger', parsed.error.issues.slice(0, 3));
        return {};
      }
      const event = translateCardAction(parsed.data);
      const fields = { eventId: event.id, type: 'card.action.trigger', chatId: event.chatId };
      if ((await admit(event, fields)) === 'duplicate') return {};
      const answer = await deps.inbox.answer(event, deps.cardActionTimeoutMs ?? DEFAULT_CARD_ACTION_TIMEOUT_MS);
      if (answer === 'pending') {
        // Stored: it will run; the card is updated by the worker once it has (runLarkEvent).
        log.warn({ event: 'lark_card_action_slow', ...fields }, 'card action exceeded its budget');
        return { toast: { type: 'info', content: '已收到，正在处理。' } };
      }
      return callbackBody(answer);
    },
  };
}

export interface RunEventDeps {
  bot: Bot;
  messenger: LarkMessenger;
  log: Logger;
  cardActionTimeoutMs?: number;
}

/**
 * What the inbox's workers run for a Lark event: the bot core, with an
 * Outbox that answers where the event came from. Reply uuids derive from the
 * event and the reply's index, so running an event again (a crash after
 * replying, a retry) sends nothing twice. A crash in the bot becomes a short
 * apology, never silence; a failed send is thrown for the inbox to retry.
 */
export function createLarkEventRunner(deps: RunEventDeps) {
  const log = deps.log.child({ component: 'lark-events' });
  const budget = deps.cardActionTimeoutMs ?? DEFAULT_CARD_ACTION_TIMEOUT_MS;

  function sender(e: InboundEvent): (reply: Reply, idx: number) => Promise<unknown> {
    switch (e.kind) {
      case 'message':
        return (reply, idx) => deps.messenger.replyTo(e.message.messageId, reply, idx);
      case 'menu':
        return (reply, idx) => deps.messenger.sendToUser(e.senderId, reply, fitUuid(`${e.id}-${idx}`));
      case 'joined':
        return (reply, idx) => deps.messenger.sendToChat(e.chatId, reply, fitUuid(`${e.id}-${idx}`));
      case 'button':
        return (reply, idx) => deps.messenger.sendToChat(e.chatId, reply, fitUuid(`${e.id}-${idx}`));
    }
  }

  return async function runLarkEvent(e: InboundEvent, meta: { acceptedAt: number }): Promise<ButtonResult | undefined> {
    const started = Date.now();
    const send = sender(e);
    let idx = 0;
    let sendFailed: unknown;
    const out: Outbox = {
      idempotencyKey: `lark:${e.id}`,
      async reply(reply) {
        const i = idx;
        idx += 1;
        try {
          await send(reply, i);
        } catch (err) {
          sendFailed = err;
          throw err;
        }
      },
    };
    const fields = {
      kind: e.kind,
      ...(e.kind === 'message' ? { messageId: e.message.messageId, chatId: e.message.chatId } : { eventId: e.id, chatId: e.kind === 'menu' ? e.senderId : e.chatId }),
    };
    let result: ButtonResult | undefined;
    try {
      result = await handleEvent(deps.bot, e, out);
    } catch (err) {
      // The handler caught nothing and the cause is a send: let the inbox retry (uuids keep it single).
      if (sendFailed !== undefined) throw sendFailed;
      log.error({ event: 'lark_handler_failed', ...fields, err: err }, 'bot failed on an event');
      await send(errorReply, idx);
      return undefined;
    }
    if (sendFailed !== undefined) throw sendFailed;
    // Answered after the callback returned its holding toast: update the card here.
    if (e.kind === 'button' && result?.update && e.messageId && Date.now() - meta.acceptedAt > budget) {
      await deps.messenger.updateCard(e.messageId, result.update);
    }
    log.info({ event: 'lark_message_done', ...fields, replies: idx, ms: Date.now() - started }, 'handled');
    return result;
  };
}

/** The SDK dispatcher with our handlers; webhook and WSClient both feed it. */
export function createDispatcher(handlers: EventHandlers, log: Logger): lark.EventDispatcher {
  // Verification is ours (webhook) or the platform's (WS): the dispatcher gets no keys.
  const dispatcher = new lark.EventDispatcher({ logger: sdkLogger(log), loggerLevel: sdkLevel(log) });
  // card.action.trigger is not in the SDK's handler types; the cast covers it.
  dispatcher.register({
    'im.message.receive_v1': (d: unknown) => handlers['im.message.receive_v1'](d),
    'application.bot.menu_v6': (d: unknown) => handlers['application.bot.menu_v6'](d),
    'im.chat.member.bot.added_v1': (d: unknown) => handlers['im.chat.member.bot.added_v1'](d),
    'card.action.trigger': (d: unknown) => handlers['card.action.trigger'](d),
  } as unknown as Parameters<typeof dispatcher.register>[0]);
  return dispatcher;
}
