import type { Logger } from 'pino';
import type { AuditLog } from '../audit/log.js';
import type { Reply } from '../chat/types.js';
import type { ReminderConfigInput } from '../reminders/types.js';
import type { RoleResolver } from '../roles/resolve.js';
import type { BindingStore } from '../store/bindings.js';
import type { CardRefs } from './card-refs.js';
import type { RedisProgressStore } from './store.js';

/**
 * What the progress, binding and reminder commands and the card buttons need
 * besides the plans: built once by createProgressFeatures and handed to the
 * bot as Context.progress.
 */

/** The part of LarkMessenger the progress features send with (absent in the console). */
export interface Notifier {
  sendToChat(chatId: string, reply: Reply, uuid: string): Promise<Array<{ messageId: string }>>;
  updateCard(messageId: string, reply: Reply): Promise<void>;
}

/** Sends that must not hold up an answer (Lark's 3 s card budget); awaited on shutdown and in tests. */
export interface Background {
  run(what: string, job: () => Promise<unknown>): void;
  /** Resolves when everything started so far has finished (bounded). */
  settle(timeoutMs?: number): Promise<void>;
}

export interface ProgressServices {
  store: RedisProgressStore;
  bindings: BindingStore;
  audit: AuditLog;
  roles: RoleResolver;
  cardRefs: CardRefs;
  notifier?: Notifier;
  supervisorChatId?: string;
  /** Reminder knobs as configured, so /提醒 shows what the scheduler will send. */
  reminderConfig?: Omit<ReminderConfigInput, 'tenant'>;
  background: Background;
  log: Logger;
  /** A person's display name from the chat member lists seen so far, if any. */
  nameOf?(openId: string): string | undefined;
}

export function createBackground(log: Logger): Background {
  const pending = new Set<Promise<unknown>>();
  return {
    run(what, job) {
      const p = job().catch((err: unknown) => {
        log.error({ event: 'progress.background_failed', what, err: err }, 'background send failed');
      });
      pending.add(p);
      void p.finally(() => pending.delete(p));
    },
    async settle(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      // New work may start while we wait (a send that records a card ref): loop, bounded.
      for (let i = 0; i < 100 && pending.size > 0 && Date.now() < deadline; i++) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled([...pending]),
          new Promise((r) => {
            timer = setTimeout(r, Math.max(1, deadline - Date.now()));
          }),
        ]);
        clearTimeout(timer);
      }
    },
  };
}
