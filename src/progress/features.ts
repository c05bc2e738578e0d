import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createAuditLog, type AuditLog } from '../audit/log.js';
import type { ButtonRun } from '../chat/bot.js';
import type { Plans } from '../chat/context.js';
import type { IncomingMessage, Reply, Role } from '../chat/types.js';
import { reminderSettings } from '../reminders/config.js';
import { createRoleResolver, type RoleResolver } from '../roles/resolve.js';
import { createBindingStore, type BindingStore } from '../store/bindings.js';
import { cardButtons } from './buttons.js';
import { createCardRefs, withCardRefs, type CardRefs } from './card-refs.js';
import { isDoneFromStore } from './is-done.js';
import { createBackground, type Notifier, type ProgressServices } from './services.js';
import { createProgressStore, type RedisProgressStore } from './store.js';

/**
 * Everything issue 5's reporting and roles need, built in one call for
 * src/main.ts / src/services.ts:
 *
 *   const progress = createProgressFeatures({ redis: conns.client, config, messenger, plans, log });
 *   const bot = createBot({ plans, clock, log, roleOf: progress.roleOf, progress: progress.services, buttons: progress.buttons });
 *   createReminderWorker({ …, isDone: progress.isDone });
 *   createDeliveryWorker({ …, send: progress.withCardRefs(messenger.sendToChat) });
 *
 * The messenger exists only once startLark has run; pass a getter when the
 * bot must be built first (it is only called when a card goes out).
 */

/** The part of LarkMessenger used here. */
export interface ProgressMessenger extends Notifier {
  listChatMembers(chatId: string): Promise<Array<{ memberId: string; name?: string }>>;
}

export interface ProgressFeaturesDeps {
  redis: Redis | Cluster;
  config: {
    roles: { adminOpenIds: string[]; supervisorOpenIds: string[]; supervisorChatId?: string };
    reminders?: { time: { hour: number; minute: number }; offsetsDays: number[]; escalateAfterWorkdays: number };
  };
  /** LarkMessenger (or a getter for it); absent in the console. */
  messenger?: ProgressMessenger | (() => ProgressMessenger | undefined);
  plans: Plans | (() => Plans);
  log: Logger;
  /** Redis key namespace (default "duban"); the binding store must use the same one as the reminder worker. */
  prefix?: string;
  now?: () => Date;
  memberCacheTtlMs?: number;
  /** Single-tenant override for isDone (see isDoneFromStore). */
  tenant?: string;
}

export interface ProgressFeatures {
  services: ProgressServices;
  roleOf(message: IncomingMessage): Promise<Role>;
  /** The card buttons (progress, confirm, return), for createBot's `buttons`. */
  buttons: Readonly<Record<string, ButtonRun>>;
  isDone: (taskId: string, unit: string, reminder?: { tenant: string }) => Promise<boolean>;
  store: RedisProgressStore;
  audit: AuditLog;
  bindings: BindingStore;
  roles: RoleResolver;
  cardRefs: CardRefs;
  /** Wrap a send function so cards with progress buttons are remembered by message id (replies then name the task). */
  withCardRefs<A extends unknown[]>(send: (chatId: string, reply: Reply, ...rest: A) => Promise<unknown>): (chatId: string, reply: Reply, ...rest: A) => Promise<unknown>;
  /** Waits for background sends (confirmation cards, notices); call on shutdown. */
  settle(timeoutMs?: number): Promise<void>;
}


export function createProgressFeatures(deps: ProgressFeaturesDeps): ProgressFeatures {
  const log = deps.log.child({ component: 'progress' });
  const prefix = deps.prefix ?? 'duban';
  const messenger = typeof deps.messenger === 'function' ? deps.messenger : () => deps.messenger as ProgressMessenger | undefined;
  const plansNow = typeof deps.plans === 'function' ? deps.plans : () => deps.plans as Plans;
  const store = createProgressStore(deps.redis, { prefix, log });
  const bindings = createBindingStore(deps.redis, { prefix, ...(deps.now ? { now: deps.now } : {}) });
  const audit = createAuditLog(deps.redis, { prefix, log, ...(deps.now ? { now: deps.now } : {}) });
  const cardRefs = createCardRefs(deps.redis, { prefix, log });
  // Names from member lists, for "who reported" in histories; bounded, oldest forgotten first.
  const names = new Map<string, string>();
  const rememberName = (id: string, name: string) => {
    names.delete(id);
    names.set(id, name);
    if (names.size > 50_000) names.delete(names.keys().next().value!);
  };
  const roles = createRoleResolver({
    adminOpenIds: deps.config.roles.adminOpenIds,
    supervisorOpenIds: deps.config.roles.supervisorOpenIds,
    ...(deps.config.roles.supervisorChatId ? { supervisorChatId: deps.config.roles.supervisorChatId } : {}),
    bindings,
    members: async (chatId) => {
      const m = messenger();
      if (!m) throw new Error('no Lark messenger (console mode)');
      const list = await m.listChatMembers(chatId);
      for (const x of list) if (x.name) rememberName(x.memberId, x.name);
      return list.map((x) => x.memberId);
    },
    redis: deps.redis,
    prefix,
    log,
    ...(deps.memberCacheTtlMs !== undefined ? { cacheTtlMs: deps.memberCacheTtlMs } : {}),
  });
  const background = createBackground(log);
  // Resolved per send, so a messenger that appears after startLark is used.
  const notifier: Notifier = {
    async sendToChat(chatId, reply, uuid) {
      const m = messenger();
      if (!m) throw new Error('no Lark messenger');
      return m.sendToChat(chatId, reply, uuid);
    },
    async updateCard(messageId, reply) {
      const m = messenger();
      if (!m) throw new Error('no Lark messenger');
      return m.updateCard(messageId, reply);
    },
  };
  const services: ProgressServices = {
    store,
    bindings,
    audit,
    roles,
    cardRefs,
    ...(deps.messenger ? { notifier } : {}),
    ...(deps.config.roles.supervisorChatId ? { supervisorChatId: deps.config.roles.supervisorChatId } : {}),
    ...(deps.config.reminders ? { reminderConfig: reminderSettings(deps.config.reminders) } : {}),
    background,
    log,
    nameOf: (id) => names.get(id),
  };
  return {
    services,
    roleOf: (message) => roles.roleOf(message),
    buttons: cardButtons(),
    isDone: isDoneFromStore(store, deps.tenant, () => plansNow().units),
    store,
    audit,
    bindings,
    roles,
    cardRefs,
    withCardRefs: (send) => withCardRefs(send, cardRefs, log),
    settle: (ms) => background.settle(ms),
  };
}
