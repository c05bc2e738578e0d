import type { Logger } from 'pino';
import { z } from 'zod';

/**
 * The one seam between chat platforms and the bot. Adapters (console, Lark)
 * translate platform events into `IncomingMessage`, call `handle()`, and render
 * `Reply` objects back. Nothing on the core side imports a platform client.
 */

export const ChatType = z.enum(['p2p', 'group']);
export type ChatType = z.infer<typeof ChatType>;

/** A file the platform holds; the adapter downloads it by `key` when a handler asks. */
export const Attachment = z.object({
  kind: z.literal('file'),
  key: z.string().min(1),
  /** File name as the sender's client gave it (untrusted). */
  name: z.string(),
});
export type Attachment = z.infer<typeof Attachment>;

const Platform = z.enum(['lark', 'console', 'test']);

export const IncomingMessage = z.object({
  platform: Platform,
  /** Lark tenant_key; "local" for the console. */
  tenant: z.string(),
  chatId: z.string().min(1),
  chatType: ChatType,
  /** Platform user id (Lark open_id). */
  senderId: z.string(),
  senderName: z.string().optional(),
  /**
   * Message text with the bot's own mention removed; other mentions are
   * rendered as "@name". Untrusted: never echo it unescaped.
   */
  text: z.string(),
  /** True when the bot itself was @-mentioned. */
  mentionsBot: z.boolean(),
  /** Platform message id; also the dedupe key and the seed of reply uuids. */
  messageId: z.string().min(1),
  /** The message this one replies to, when any (lets "/进展" refer to a reminder). */
  parentId: z.string().optional(),
  /** A file sent as the message itself (Lark p2p file messages); `text` is then empty. */
  attachment: Attachment.optional(),
  /** A message of a type the bot cannot read (image, sticker…), addressed to it: the type, for the log. */
  unsupported: z.string().optional(),
});
export type IncomingMessage = z.infer<typeof IncomingMessage>;

/**
 * Everything that comes in, from any platform, as one typed event: adapters
 * verify and translate, the bot core decides. `id` is the platform's identity
 * of the event (Lark: the message id for messages, the event id otherwise);
 * the inbox keys its job and its dedupe on it, replies derive their uuids
 * from it.
 */
export const InboundEvent = z.discriminatedUnion('kind', [
  /** A message (text, or a file as `message.attachment`). */
  z.object({ kind: z.literal('message'), id: z.string().min(1), message: IncomingMessage }),
  /**
   * A button pressed on a message the bot sent: `value` is what the button
   * declared (Block 'actions'), `note` the text typed into the block's box
   * (untrusted, already trimmed by the adapter, may be empty).
   */
  z.object({
    kind: z.literal('button'),
    id: z.string().min(1),
    platform: Platform,
    tenant: z.string(),
    chatId: z.string(),
    senderId: z.string(),
    /** The message carrying the button, when the platform says (Lark: open_message_id). */
    messageId: z.string().optional(),
    value: z.record(z.string(), z.unknown()),
    note: z.string().max(2000),
  }),
  /** A bot-menu click; `command` is the command text it stands for. No chat: answered in the user's p2p chat. */
  z.object({
    kind: z.literal('menu'),
    id: z.string().min(1),
    platform: Platform,
    tenant: z.string(),
    senderId: z.string().min(1),
    senderName: z.string().optional(),
    command: z.string().min(1),
  }),
  /** The bot was added to a chat. */
  z.object({ kind: z.literal('joined'), id: z.string().min(1), platform: Platform, tenant: z.string(), chatId: z.string().min(1), operatorId: z.string() }),
]);
export type InboundEvent = z.infer<typeof InboundEvent>;

/** The chat an event is answered in: its replies keep this chat's order. */
export function eventChat(e: InboundEvent): string {
  switch (e.kind) {
    case 'message':
      return e.message.chatId;
    case 'menu':
      return e.senderId;
    default:
      return e.chatId;
  }
}

/** Roles, weakest first. Every command declares the weakest role that may run it. */
export type Role = 'everyone' | 'member' | 'supervisor' | 'admin';

/**
 * A reply is semantic, not markup: every string is plain text as the user or
 * the document wrote it. Adapters escape while rendering (Lark card markdown,
 * terminal text), so no handler can inject `<at id=all>` or links by accident.
 * The types are derived from the one zod schema in reply.ts.
 */
import type { Reply } from './reply.js';
export type { Block, NoteInput, Reply, Tone } from './reply.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export type { Logger };

/** Where a handler's replies go; the adapter implements it per incoming message. */
export interface Outbox {
  reply(reply: Reply): Promise<void>;
  /**
   * Set by adapters whose events may be handled more than once (the durable
   * inbox re-runs an event after a crash): what the handling records is
   * recorded once per key.
   */
  idempotencyKey?: string;
}

/** What a pressed button answers in place (Lark: the callback's toast and card). */
export interface ButtonResult {
  toast?: { type: 'success' | 'error' | 'info' | 'warning'; text: string };
  /** The message carrying the button, as it should now look. */
  update?: Reply;
}

export type ButtonPress = Extract<InboundEvent, { kind: 'button' }>;

/**
 * What every adapter drives, through `handleEvent` (src/chat/bot.ts): menus
 * and joins become the messages they stand for, buttons go to `press`.
 */
export interface Bot {
  handle(message: IncomingMessage, out: Outbox): Promise<void>;
  /** A pressed button; absent on bots without buttons (the press is answered as stale). */
  press?(event: ButtonPress): Promise<ButtonResult>;
}

/**
 * Where adapters put verified events (jobs/inbox.ts: Redis, before the
 * platform is acknowledged). Workers take them to the bot core.
 */
export interface Inbox {
  /** Store the event durably; 'duplicate' when it was stored before (a re-push). Throws when it cannot be stored. */
  accept(event: InboundEvent): Promise<'accepted' | 'duplicate'>;
  /** The event's answer (a button's), if its processing finishes within timeoutMs; 'pending' otherwise. */
  answer(event: InboundEvent, timeoutMs: number): Promise<ButtonResult | undefined | 'pending'>;
}
