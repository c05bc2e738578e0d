import type { Queue, Worker } from 'bullmq';
import { LarkApiError } from '../../src/adapters/lark/errors.js';
import type { Reply } from '../../src/chat/types.js';

/** A clock running at real speed from a chosen instant (BullMQ delays use real time; only the calendar is shifted). */
export function shiftedClock(at: Date): () => Date {
  const offset = at.getTime() - Date.now();
  return () => new Date(Date.now() + offset);
}

/** Poll until `check` returns a value (not undefined/false), at most `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (let i = 0; i < 10_000; i++) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) break;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

export interface Posted {
  chatId: string;
  reply: Reply;
  uuid: string;
  at: number;
}

/**
 * Stands in for LarkMessenger.sendToChat with Lark's observable behaviour:
 * a uuid already posted is not posted again (returns the first message), and
 * scripted failures are thrown as LarkApiError like the real adapter does.
 */
export class FakeLark {
  readonly posted: Posted[] = [];
  calls = 0;
  private readonly byUuid = new Map<string, string>();
  /** Called before each send; throw to fail it. */
  failWith: ((call: number, chatId: string) => Error | undefined) | undefined;
  /** Resolve a hold to let a stuck send finish. */
  hold: Promise<void> | undefined;

  send = async (chatId: string, reply: Reply, uuid: string): Promise<{ messageId: string }> => {
    const call = ++this.calls;
    if (this.hold) await this.hold;
    const err = this.failWith?.(call, chatId);
    if (err) throw err;
    const seen = this.byUuid.get(uuid);
    if (seen) return { messageId: seen };
    const messageId = `om_${this.posted.length + 1}`;
    this.byUuid.set(uuid, messageId);
    this.posted.push({ chatId, reply, uuid, at: Date.now() });
    return { messageId };
  };

  to(chatId: string): Posted[] {
    return this.posted.filter((p) => p.chatId === chatId);
  }
}

export const rateLimited = (resetSeconds?: number) => new LarkApiError('im.message.create', 99991400, 429, 'request trigger frequency limit', resetSeconds);
export const serverError = () => new LarkApiError('im.message.create', 0, 502, 'bad gateway');
export const forbidden = (code = 230002) => new LarkApiError('im.message.create', code, 400, 'Bot is not in the chat');

/** Obliterate and close; bounded so a stuck close cannot hang the suite. */
export async function shutdown(workers: Worker[], queues: Queue[]): Promise<void> {
  const bounded = (p: Promise<unknown>) => Promise.race([p.catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
  // Graceful: close(true) returns at once while the run loop may still move one more job to active and drop it.
  await Promise.all(workers.map((w) => bounded(w.close())));
  for (const q of queues) {
    await bounded(q.obliterate({ force: true }));
    await bounded(q.close());
  }
}
