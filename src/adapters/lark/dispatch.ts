import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import type { Bot, IncomingMessage, Outbox, Reply } from '../../chat/types.js';
import type { Dedupe } from '../../store/dedupe.js';
import {
  DEFAULT_MENU_COMMANDS,
  NON_TEXT_NOTE,
  botAddedSchema,
  botMenuSchema,
  cardActionSchema,
  eventDedupeKey,
  menuCommandText,
  messageDedupeKey,
  messageReceiveSchema,
  translateMessage,
  type CardActionEvent,
} from './events.js';
import type { WorkQueue } from './queue.js';
import { sdkLevel, sdkLogger } from './sdk-logger.js';
import { fitUuid, type LarkMessenger } from './send.js';

/**
 * Event handling shared by webhook and long-connection mode: validate the
 * payload, dedupe the delivery in Redis, queue the work, return at once (Lark
 * allows 3 s). The queued task calls Bot.handle with an Outbox that replies
 * through the messenger with deterministic uuids.
 */

export type CardActionHook = (evt: CardActionEvent) => Promise<Record<string, unknown> | undefined | void>;

export interface DispatchDeps {
  bot: Bot;
  messenger: LarkMessenger;
  dedupe: Dedupe;
  queue: WorkQueue;
  botOpenId: string;
  log: Logger;
  menuCommands?: Readonly<Record<string, string>>;
  /** Card button callbacks (progress buttons come later). */
  onCardAction?: CardActionHook;
  /** Budget for onCardAction before a holding toast is returned. */
  cardActionTimeoutMs?: number;
}

/** Work could not be queued; the transport answers so that Lark re-pushes. */
export class BackpressureError extends Error {
  constructor(readonly reason: 'queue_full' | 'dedupe_unavailable') {
    super(`event not accepted: ${reason}`);
    this.name = 'BackpressureError';
  }
}

export const HANDLER_ERROR_TEXT = '抱歉，处理这条消息时出错了，请稍后再试。';

const errorReply: Reply = { tone: 'red', blocks: [{ kind: 'text', text: HANDLER_ERROR_TEXT }] };

export interface EventHandlers {
  'im.message.receive_v1'(data: unknown): Promise<void>;
  'application.bot.menu_v6'(data: unknown): Promise<void>;
  'im.chat.member.bot.added_v1'(data: unknown): Promise<void>;
  'card.action.trigger'(data: unknown): Promise<Record<string, unknown>>;
}

export function createEventHandlers(deps: DispatchDeps): EventHandlers {
  const log = deps.log.child({ component: 'lark-events' });
  const menu = deps.menuCommands ?? DEFAULT_MENU_COMMANDS;

  /** Claim the delivery, then queue it; a duplicate is dropped here. */
  async function admit(dedupeKey: string, laneKey: string, logFields: Record<string, unknown>, task: () => Promise<void>): Promise<void> {
    let first: boolean;
    try {
      first = await deps.dedupe.claim(dedupeKey);
    } catch (e) {
      // Without dedupe a re-push could answer twice: refuse, Lark retries later.
      log.error({ event: 'lark_dedupe_unavailable', ...logFields, err: e }, 'dedupe store unavailable');
      throw new BackpressureError('dedupe_unavailable');
    }
    if (!first) {
      log.info({ event: 'lark_duplicate_delivery', ...logFields }, 'duplicate delivery dropped');
      return;
    }
    if (!deps.queue.push(laneKey, task)) {
      await deps.dedupe.release(dedupeKey).catch(() => undefined);
      log.warn({ event: 'lark_queue_full', ...logFields, pending: deps.queue.pending }, 'queue full; asking Lark to re-push');
      throw new BackpressureError('queue_full');
    }
  }

  /** Run the bot; a crash becomes a short apology, never silence. */
  async function run(msg: IncomingMessage, send: (reply: Reply, idx: number) => Promise<unknown>): Promise<void> {
    const started = Date.now();
    let idx = 0;
    const out: Outbox = {
      async reply(reply) {
        const i = idx;
        idx += 1;
        await send(reply, i);
      },
    };
    try {
      await deps.bot.handle(msg, out);
      log.info({ event: 'lark_message_done', messageId: msg.messageId, chatId: msg.chatId, replies: idx, ms: Date.now() - started }, 'handled');
    } catch (e) {
      log.error(
        { event: 'lark_handler_failed', messageId: msg.messageId, chatId: msg.chatId, err: e },
        'bot failed on a message',
      );
      await send(errorReply, idx).catch((err: unknown) => {
        log.error({ event: 'lark_error_reply_failed', messageId: msg.messageId, err: err }, 'could not send apology');
      });
    }
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
      const dedupeKey = messageDedupeKey(evt.tenant_key ?? evt.sender.tenant_key ?? '', evt.message.message_id);
      if (t.kind === 'unsupported') {
        await admit(dedupeKey, evt.message.chat_id, { ...fields, messageType: t.messageType }, async () => {
          await deps.messenger.replyTo(t.messageId, { blocks: [{ kind: 'text', text: NON_TEXT_NOTE }] }, 0);
        });
        return;
      }
      const msg = t.message;
      // debug: at info, lark_sent and lark_message_done already tell the story of each message.
      log.debug(
        { event: 'lark_message_in', ...fields, chatType: msg.chatType, tenant: msg.tenant, mentionsBot: msg.mentionsBot, chars: msg.text.length },
        'message received',
      );
      await admit(dedupeKey, msg.chatId, fields, () =>
        run(msg, (reply, idx) => deps.messenger.replyTo(msg.messageId, reply, idx)),
      );
    },

    async 'application.bot.menu_v6'(data) {
      const parsed = botMenuSchema.safeParse(data);
      if (!parsed.success) return malformed('application.bot.menu_v6', parsed.error.issues.slice(0, 3));
      const evt = parsed.data;
      const openId = evt.operator.operator_id.open_id;
      if (!openId) return malformed('application.bot.menu_v6', 'operator without open_id');
      // A menu click carries no chat: answer in the user's p2p chat, keyed by open_id.
      const msg: IncomingMessage = {
        platform: 'lark',
        tenant: evt.tenant_key ?? '',
        chatId: openId,
        chatType: 'p2p',
        senderId: openId,
        text: menuCommandText(evt.event_key, menu),
        mentionsBot: true,
        messageId: `menu-${evt.event_id}`,
      };
      if (evt.operator.operator_name) msg.senderName = evt.operator.operator_name;
      const fields = { eventId: evt.event_id, eventKey: evt.event_key };
      log.info({ event: 'lark_menu_in', ...fields }, 'bot menu clicked');
      await admit(eventDedupeKey(evt.event_id), openId, fields, () =>
        run(msg, (reply, idx) => deps.messenger.sendToUser(openId, reply, fitUuid(`${msg.messageId}-${idx}`))),
      );
    },

    async 'im.chat.member.bot.added_v1'(data) {
      const parsed = botAddedSchema.safeParse(data);
      if (!parsed.success) return malformed('im.chat.member.bot.added_v1', parsed.error.issues.slice(0, 3));
      const evt = parsed.data;
      // Greeting = the bot's own answer to "/帮助" in that chat, so it never drifts from the help text.
      const msg: IncomingMessage = {
        platform: 'lark',
        tenant: evt.tenant_key ?? '',
        chatId: evt.chat_id,
        chatType: 'group',
        senderId: evt.operator_id?.open_id ?? '',
        text: '/帮助',
        mentionsBot: true,
        messageId: `added-${evt.event_id}`,
      };
      const fields = { eventId: evt.event_id, chatId: evt.chat_id };
      log.info({ event: 'lark_bot_added', ...fields }, 'bot added to chat');
      await admit(eventDedupeKey(evt.event_id), evt.chat_id, fields, () =>
        run(msg, (reply, idx) => deps.messenger.sendToChat(evt.chat_id, reply, fitUuid(`${msg.messageId}-${idx}`))),
      );
    },

    async 'card.action.trigger'(data) {
      const parsed = cardActionSchema.safeParse(data);
      if (!parsed.success) {
        malformed('card.action.trigger', parsed.error.issues.slice(0, 3));
        return {};
      }
      const evt = parsed.data;
      let first: boolean;
      try {
        first = await deps.dedupe.claim(eventDedupeKey(evt.event_id));
      } catch {
        throw new BackpressureError('dedupe_unavailable');
      }
      if (!first) {
        log.info({ event: 'lark_duplicate_delivery', eventId: evt.event_id, type: 'card.action.trigger' }, 'duplicate card action dropped');
        return {};
      }
      if (!deps.onCardAction) return { toast: { type: 'info', content: '该按钮暂不可用。' } };
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), deps.cardActionTimeoutMs ?? 2_500);
      });
      try {
        const res = await Promise.race([deps.onCardAction(evt), timeout]);
        if (res === 'timeout') {
          log.warn({ event: 'lark_card_action_slow', eventId: evt.event_id }, 'card action exceeded its budget');
          return { toast: { type: 'info', content: '已收到，正在处理。' } };
        }
        return res ?? {};
      } catch (e) {
        log.error({ event: 'lark_card_action_failed', eventId: evt.event_id, err: e }, 'card action failed');
        return { toast: { type: 'error', content: HANDLER_ERROR_TEXT } };
      } finally {
        clearTimeout(timer);
      }
    },
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
