import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Reply } from '../chat/types.js';

/**
 * Which task and unit a card the bot sent is about, by the card's message id,
 * so "/进展 推进中 说明" sent as a reply to a reminder card (IncomingMessage.parentId)
 * needs no task reference, and "/退回 原因" in reply to a confirmation card
 * needs neither task nor unit. Recorded when the card is sent; kept a year and
 * a half (a plan year plus stragglers).
 *
 *   <ns>:cardref:<messageId> -> {"taskId","unit"}
 */

export const CardRef = z.object({ taskId: z.string().min(1), unit: z.string().min(1) });
export type CardRef = z.infer<typeof CardRef>;

export interface CardRefs {
  remember(messageId: string, ref: CardRef): Promise<void>;
  lookup(messageId: string): Promise<CardRef | undefined>;
}

const TTL_SECONDS = 550 * 24 * 3600;

export function createCardRefs(redis: Redis | Cluster, opts: { prefix?: string; log?: Logger } = {}): CardRefs {
  const ns = opts.prefix ?? 'duban';
  const key = (id: string) => `${ns}:cardref:${id}`;
  return {
    async remember(messageId, ref) {
      if (!messageId) return;
      await redis.set(key(messageId), JSON.stringify(CardRef.parse(ref)), 'EX', TTL_SECONDS);
    },
    async lookup(messageId) {
      const raw = await redis.get(key(messageId));
      if (!raw) return undefined;
      try {
        const p = CardRef.safeParse(JSON.parse(raw));
        return p.success ? p.data : undefined;
      } catch {
        opts.log?.warn({ event: 'cardref.bad_entry', messageId }, 'malformed card reference ignored');
        return undefined;
      }
    },
  };
}

/** The task and unit a reply's buttons act on (progress, confirm or return buttons), if any. */
export function cardRefOf(reply: Reply): CardRef | undefined {
  for (const b of reply.blocks) {
    if (b.kind !== 'actions') continue;
    for (const btn of b.buttons) {
      const v = btn.value;
      if ((v.action === 'progress' || v.action === 'confirm' || v.action === 'return') && v.taskId && v.unit) {
        return { taskId: v.taskId, unit: v.unit };
      }
    }
  }
  return undefined;
}

type Sent = Array<{ messageId: string }>;

/**
 * Wrap a send function (the delivery worker's `send`, LarkMessenger.sendToChat)
 * so every card with progress buttons is remembered by its message id. A
 * failure to remember is logged, never turned into a failed send (the card
 * is out; a retry would not resend it anyway, the uuid is spent).
 */
export function withCardRefs<A extends unknown[]>(
  send: (chatId: string, reply: Reply, ...rest: A) => Promise<unknown>,
  refs: CardRefs,
  log?: Logger,
): (chatId: string, reply: Reply, ...rest: A) => Promise<unknown> {
  return async (chatId, reply, ...rest) => {
    const result = await send(chatId, reply, ...rest);
    const ref = cardRefOf(reply);
    if (ref && Array.isArray(result)) {
      for (const m of result as Sent) {
        await refs.remember(m.messageId, ref).catch((err: unknown) => {
          log?.warn({ event: 'cardref.not_stored', chatId, messageId: m.messageId, err: err }, 'card reference not stored');
        });
      }
    }
    return result;
  };
}
