import { z } from 'zod';
import type { InboundEvent, IncomingMessage } from '../../chat/types.js';
export { NON_TEXT_NOTE } from '../../chat/bot.js';

/**
 * Lark event payloads as the SDK hands them to handlers: the v2 envelope's
 * `header` and `event` merged into one object. zod keeps malformed pushes at
 * the edge; unknown fields pass through (Lark adds fields over time).
 */

const headerFields = {
  event_id: z.string().min(1),
  event_type: z.string().optional(),
  create_time: z.string().optional(),
  token: z.string().optional(),
  app_id: z.string().optional(),
  tenant_key: z.string().optional(),
};

const userId = z.object({
  open_id: z.string().optional(),
  user_id: z.string().optional(),
  union_id: z.string().optional(),
});

const mention = z.object({
  key: z.string(),
  id: userId.partial().optional(),
  name: z.string().optional(),
  tenant_key: z.string().optional(),
});

export const messageReceiveSchema = z.object({
  ...headerFields,
  sender: z.object({
    sender_id: userId.optional(),
    sender_type: z.string().optional(),
    tenant_key: z.string().optional(),
  }),
  message: z.object({
    message_id: z.string().min(1),
    root_id: z.string().optional(),
    parent_id: z.string().optional(),
    chat_id: z.string().min(1),
    chat_type: z.string(),
    message_type: z.string(),
    content: z.string(),
    mentions: z.array(mention).optional(),
  }),
});
export type MessageReceiveEvent = z.infer<typeof messageReceiveSchema>;

export const botMenuSchema = z.object({
  ...headerFields,
  event_key: z.string(),
  operator: z.object({
    operator_name: z.string().optional(),
    operator_id: userId,
  }),
});
export type BotMenuEvent = z.infer<typeof botMenuSchema>;

export const botAddedSchema = z.object({
  ...headerFields,
  chat_id: z.string().min(1),
  operator_id: userId.optional(),
  name: z.string().optional(),
});
export type BotAddedEvent = z.infer<typeof botAddedSchema>;

export const cardActionSchema = z.object({
  ...headerFields,
  operator: z.object({ open_id: z.string().optional(), user_id: z.string().optional() }).loose().optional(),
  action: z.object({ value: z.unknown().optional(), tag: z.string().optional() }).loose().optional(),
  context: z.object({ open_message_id: z.string().optional(), open_chat_id: z.string().optional() }).loose().optional(),
});
export type CardActionEvent = z.infer<typeof cardActionSchema>;

/** Default bot-menu keys -> command text; deployments can extend it. */
export const DEFAULT_MENU_COMMANDS: Readonly<Record<string, string>> = {
  help: '/帮助',
  files: '/文件',
  due: '/截止',
  deadline: '/截止',
  whoami: '/我是谁',
};


export type Translation =
  | { kind: 'message'; message: IncomingMessage }
  /** Nothing to do (e.g. a message from another bot); `reason` is for the log. */
  | { kind: 'ignore'; reason: string };

const textContent = z.object({ text: z.string() });

/**
 * im.message.receive_v1 -> IncomingMessage. Strips only the bot's own mention
 * (matched by open_id, not by name: a user could be called "督办" too) and
 * renders every other mention placeholder as "@name".
 */
export function translateMessage(evt: MessageReceiveEvent, botOpenId: string): Translation {
  const { message, sender } = evt;
  if (sender.sender_type && sender.sender_type !== 'user') {
    return { kind: 'ignore', reason: `sender_type_${sender.sender_type}` };
  }
  const mentions = message.mentions ?? [];
  const mentionsBot = mentions.some((m) => m.id?.open_id === botOpenId);
  const chatType = message.chat_type === 'p2p' ? 'p2p' : 'group';
  if (message.message_type === 'file' && chatType === 'p2p') return translateFile(evt);
  if (message.message_type !== 'text') {
    // In groups only answer what was addressed to us, or every shared image gets a note.
    if (chatType === 'group' && !mentionsBot) return { kind: 'ignore', reason: 'non_text_not_addressed' };
    return {
      kind: 'message',
      message: {
        platform: 'lark',
        tenant: evt.tenant_key ?? sender.tenant_key ?? '',
        chatId: message.chat_id,
        chatType,
        senderId: sender.sender_id?.open_id ?? '',
        text: '',
        mentionsBot,
        messageId: message.message_id,
        unsupported: message.message_type,
      },
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.content);
  } catch {
    return { kind: 'ignore', reason: 'content_not_json' };
  }
  const content = textContent.safeParse(parsed);
  if (!content.success) return { kind: 'ignore', reason: 'content_without_text' };

  let text = content.data.text;
  // Longest keys first so "@_user_10" is not eaten by "@_user_1".
  for (const m of [...mentions].sort((a, b) => b.key.length - a.key.length)) {
    const replacement = m.id?.open_id === botOpenId ? ' ' : `@${m.name ?? ''}`;
    text = text.split(m.key).join(replacement);
  }
  text = text.replace(/[ \t\u3000]+/g, ' ').replace(/ *\n */g, '\n').trim();

  const out: IncomingMessage = {
    platform: 'lark',
    tenant: evt.tenant_key ?? sender.tenant_key ?? '',
    chatId: message.chat_id,
    chatType,
    senderId: sender.sender_id?.open_id ?? '',
    text,
    mentionsBot,
    messageId: message.message_id,
  };
  if (message.parent_id) out.parentId = message.parent_id;
  return { kind: 'message', message: out };
}

const fileContent = z.object({ file_key: z.string().min(1), file_name: z.string().default('') });

/**
 * A file sent to the bot in a p2p chat (a plan to import): no text, the file
 * as an attachment the core routes to /导入. The bytes stay on Lark until a
 * handler asks for them (LarkMessenger.downloadFile).
 */
function translateFile(evt: MessageReceiveEvent): Translation {
  const { message, sender } = evt;
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.content);
  } catch {
    return { kind: 'ignore', reason: 'content_not_json' };
  }
  const content = fileContent.safeParse(parsed);
  if (!content.success) return { kind: 'ignore', reason: 'file_without_key' };
  const out: IncomingMessage = {
    platform: 'lark',
    tenant: evt.tenant_key ?? sender.tenant_key ?? '',
    chatId: message.chat_id,
    chatType: 'p2p',
    senderId: sender.sender_id?.open_id ?? '',
    text: '',
    mentionsBot: false,
    messageId: message.message_id,
    attachment: { kind: 'file', key: content.data.file_key, name: content.data.file_name },
  };
  if (message.parent_id) out.parentId = message.parent_id;
  return { kind: 'message', message: out };
}

/** Bot menu click -> the command it stands for; an unmapped key becomes "/key". */
export function menuCommandText(eventKey: string, map: Readonly<Record<string, string>>): string {
  const mapped = map[eventKey];
  if (mapped) return mapped;
  return eventKey.startsWith('/') ? eventKey : `/${eventKey}`;
}

/** Dedupe key: Lark says message_id, not event_id, identifies a message across re-pushes. */
export function messageDedupeKey(tenant: string, messageId: string): string {
  return `lark:msg:${tenant}:${messageId}`;
}

export function eventDedupeKey(eventId: string): string {
  return `lark:evt:${eventId}`;
}

/** The form's fields as Lark sends them; anything else counts as no form. */
const FormValue = z.record(z.string(), z.unknown());
const NOTE_FIELD = /^note(?:_\d+)?$/;
// Control characters (C0, DEL, C1) and bidi overrides: nothing a note needs, several that spoof.
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/** Longest note taken from a card's text box (the card's box stops at the same length). */
export const NOTE_MAX = 500;

/**
 * The text typed into the card's box: `note`, or `note_<n>` on a card with
 * several forms (only the submitting form's fields arrive). Whitespace runs
 * (newlines included) become one space; at most `max` characters.
 */
export function noteFromForm(formValue: unknown, max = NOTE_MAX): string {
  const parsed = FormValue.safeParse(formValue);
  if (!parsed.success) return '';
  const key = Object.keys(parsed.data).find((k) => NOTE_FIELD.test(k) && typeof parsed.data[k] === 'string');
  if (!key) return '';
  const text = (parsed.data[key] as string).replace(/\s+/g, ' ').replace(UNSAFE_CHARS, '').trim();
  return [...text].slice(0, max).join('').trim();
}

/** card.action.trigger -> a button event for the core (the value is checked there, by the button's owner). */
export function translateCardAction(evt: CardActionEvent): Extract<InboundEvent, { kind: 'button' }> {
  const value = evt.action?.value;
  return {
    kind: 'button',
    id: evt.event_id,
    platform: 'lark',
    tenant: evt.tenant_key ?? '',
    chatId: evt.context?.open_chat_id ?? '',
    senderId: evt.operator?.open_id ?? '',
    ...(evt.context?.open_message_id ? { messageId: evt.context.open_message_id } : {}),
    value: value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {},
    note: noteFromForm((evt.action as { form_value?: unknown } | undefined)?.form_value),
  };
}
