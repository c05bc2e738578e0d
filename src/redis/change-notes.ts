import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { z } from 'zod';

/**
 * Follow a pub/sub channel of change notes (the plan library, imported
 * holiday notices): other replicas' notes are handed on, this process's own
 * (same `origin`) are not, malformed ones are logged and dropped. After a
 * reconnect `onNote(undefined)` says "notes may have been missed, re-read":
 * ioredis resubscribes by itself, but what was published meanwhile is lost.
 */
export async function followChanges<T extends { origin: string }>(
  redis: Redis | Cluster,
  opts: { channel: string; schema: z.ZodType<T>; origin: string; log: Logger; what: string },
  onNote: (note: T | undefined) => void,
): Promise<{ close(): Promise<void> }> {
  // A subscribed connection can run nothing else: a connection of its own.
  const sub: Redis | Cluster = (redis as { duplicate(): Redis | Cluster }).duplicate();
  sub.on('error', (err: Error) => opts.log.warn({ event: `${opts.what}_sub_error`, err }, 'subscriber connection error'));
  let ready = 0;
  sub.on('ready', () => {
    ready += 1;
    if (ready > 1) onNote(undefined);
  });
  sub.on('message', (ch: string, raw: string) => {
    if (ch !== opts.channel) return;
    let note: T;
    try {
      note = opts.schema.parse(JSON.parse(raw));
    } catch {
      opts.log.warn({ event: `${opts.what}_bad_note` }, 'malformed change note ignored');
      return;
    }
    if (note.origin !== opts.origin) onNote(note);
  });
  await sub.subscribe(opts.channel);
  opts.log.info({ event: `${opts.what}_subscribed`, channel: opts.channel }, 'listening for changes');
  return {
    async close() {
      await sub.quit().catch(() => sub.disconnect());
    },
  };
}
