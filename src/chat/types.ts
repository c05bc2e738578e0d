import type { Logger } from 'pino';

/**
 * The one seam between chat platforms and the bot. Adapters (console, Lark)
 * translate platform events into `IncomingMessage`, call `handle()`, and render
 * `Reply` objects back. Nothing on the core side imports a platform client.
 */

export type ChatType = 'p2p' | 'group';

export interface IncomingMessage {
  platform: 'lark' | 'console' | 'test';
  /** Lark tenant_key; "local" for the console. */
  tenant: string;
  chatId: string;
  chatType: ChatType;
  /** Platform user id (Lark open_id). */
  senderId: string;
  senderName?: string;
  /**
   * Message text with the bot's own mention removed; other mentions are
   * rendered as "@name". Untrusted: never echo it unescaped.
   */
  text: string;
  /** True when the bot itself was @-mentioned. */
  mentionsBot: boolean;
  /** Platform message id; also the dedupe key and the seed of reply uuids. */
  messageId: string;
  /** The message this one replies to, when any (lets "/进展" refer to a reminder). */
  parentId?: string;
  /** A file sent as the message itself (Lark p2p file messages); `text` is then empty. */
  attachment?: Attachment;
}

/** A file the platform holds; the adapter downloads it by `key` when a handler asks. */
export interface Attachment {
  kind: 'file';
  key: string;
  /** File name as the sender's client gave it (untrusted). */
  name: string;
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
}

/** What every adapter drives: one call per incoming message. */
export interface Bot {
  handle(message: IncomingMessage, out: Outbox): Promise<void>;
}
