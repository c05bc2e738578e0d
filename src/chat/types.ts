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
 */
export type Block =
  | { kind: 'text'; text: string }
  | { kind: 'fields'; items: Array<{ label: string; value: string }> }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; columns: string[]; rows: string[][] }
  | { kind: 'note'; text: string }
  | { kind: 'divider' }
  | {
      kind: 'actions';
      buttons: Array<{ label: string; value: Record<string, string>; style?: 'primary' | 'danger' | 'default' }>;
      /**
       * A short text box sent along with whichever button is pressed (Lark: a
       * form whose buttons submit it). Platforms without forms show the buttons
       * alone. What comes back is untrusted user text.
       */
      note?: NoteInput;
    }
  /**
   * A chart (a VChart spec, JSON only) where the platform can draw one (Lark
   * cards); everywhere else, and when the platform refuses it, `fallback`
   * stands in its place.
   */
  | { kind: 'chart'; spec: Record<string, unknown>; fallback: Block };

/** The text box of an `actions` block. */
export interface NoteInput {
  placeholder: string;
  /** The platform refuses to submit while it is empty (for every button of the block). */
  required?: boolean;
  /** Characters; the platform's box stops there (the receiver caps again). */
  maxLength?: number;
}

export type Tone = 'blue' | 'green' | 'orange' | 'red' | 'grey';

export interface Reply {
  title?: string;
  tone?: Tone;
  blocks: Block[];
}

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
