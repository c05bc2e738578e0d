import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { IncomingMessage, Role } from '../chat/types.js';
import type { BindingStore } from '../store/bindings.js';

/**
 * Who a sender is (issue 5, "Roles"):
 * - admin: configured open_ids, and the local console user (it owns the machine);
 * - supervisor: configured open_ids, or members of the supervisors' chat;
 * - member: members of a group bound to a unit, in that group (their unit is
 *   the group's unit);
 * - everyone else: questions only.
 * Chat membership comes from Lark's chat-members API, cached (in Redis when
 * given, so replicas share it, else in this process) for `cacheTtlMs`. When
 * the API fails the sender gets the weaker role and a log line says why;
 * nothing is cached, so the next message tries again.
 */

/** What role checks need from a message; card clicks build one from the callback. */
export type Sender = Pick<IncomingMessage, 'platform' | 'tenant' | 'chatId' | 'senderId'>;

export interface RoleResolverOptions {
  adminOpenIds: readonly string[];
  supervisorOpenIds: readonly string[];
  supervisorChatId?: string;
  bindings: BindingStore;
  /** open_ids of a chat's members (LarkMessenger.listChatMembers). */
  members: (chatId: string) => Promise<string[]>;
  /** Default 5 minutes: a person added to a group can report within minutes. */
  cacheTtlMs?: number;
  redis?: Redis | Cluster;
  /** Key namespace for the Redis cache. Default "duban". */
  prefix?: string;
  log: Logger;
  now?: () => number;
}

export interface RoleResolver {
  roleOf(m: Sender): Promise<Role>;
  /** The unit of the sender's chat when the chat is bound and the sender is in it. */
  unitOf(m: Sender): Promise<string | undefined>;
  isSupervisor(m: Sender): Promise<boolean>;
  isAdmin(m: Sender): boolean;
  /** true/false, or undefined when membership could not be checked. */
  isMember(chatId: string, openId: string): Promise<boolean | undefined>;
  /** Drop cached members of a chat (after a bind, or when told someone joined). */
  forget(chatId: string): Promise<void>;
}

export const DEFAULT_MEMBER_TTL_MS = 5 * 60_000;

const Cached = z.array(z.string());

export function createRoleResolver(opts: RoleResolverOptions): RoleResolver {
  const ttl = opts.cacheTtlMs ?? DEFAULT_MEMBER_TTL_MS;
  const now = opts.now ?? Date.now;
  const log = opts.log.child({ component: 'roles' });
  const admins = new Set(opts.adminOpenIds);
  const supervisors = new Set(opts.supervisorOpenIds);
  const local = new Map<string, { at: number; ids: Set<string> }>();
  const inFlight = new Map<string, Promise<Set<string> | undefined>>();
  const ns = opts.prefix ?? 'duban';
  const redisKey = (chatId: string) => `${ns}:roles:members:${chatId}`;

  async function fromRedis(chatId: string): Promise<Set<string> | undefined> {
    if (!opts.redis) return undefined;
    try {
      const raw = await opts.redis.get(redisKey(chatId));
      if (!raw) return undefined;
      const parsed = Cached.safeParse(JSON.parse(raw));
      return parsed.success ? new Set(parsed.data) : undefined;
    } catch (err) {
      log.warn({ event: 'roles.cache_unavailable', chatId, err: err }, 'member cache unreadable; asking Lark');
      return undefined;
    }
  }

  async function fetchMembers(chatId: string): Promise<Set<string> | undefined> {
    const cached = await fromRedis(chatId);
    if (cached) return cached;
    let ids: string[];
    try {
      ids = await opts.members(chatId);
    } catch (err) {
      log.warn(
        { event: 'roles.members_unavailable', chatId, err: err },
        'chat members unavailable; sender gets the weaker role',
      );
      return undefined;
    }
    log.debug({ event: 'roles.members_loaded', chatId, members: ids.length }, 'chat members loaded');
    if (opts.redis) {
      await opts.redis.set(redisKey(chatId), JSON.stringify(ids), 'PX', ttl).catch((err: unknown) => {
        log.warn({ event: 'roles.cache_unavailable', chatId, err: err }, 'member cache not written');
      });
    }
    return new Set(ids);
  }

  async function members(chatId: string): Promise<Set<string> | undefined> {
    const hit = local.get(chatId);
    if (hit && now() - hit.at < ttl) return hit.ids;
    let p = inFlight.get(chatId);
    if (!p) {
      // One Lark call per chat however many messages arrive at once.
      p = fetchMembers(chatId).finally(() => inFlight.delete(chatId));
      inFlight.set(chatId, p);
    }
    const ids = await p;
    if (ids) local.set(chatId, { at: now(), ids });
    return ids;
  }

  const resolver: RoleResolver = {
    isAdmin(m) {
      return m.platform === 'console' || admins.has(m.senderId);
    },
    async isMember(chatId, openId) {
      const ids = await members(chatId);
      return ids ? ids.has(openId) : undefined;
    },
    async isSupervisor(m) {
      if (supervisors.has(m.senderId)) return true;
      if (!opts.supervisorChatId || !m.senderId) return false;
      return (await resolver.isMember(opts.supervisorChatId, m.senderId)) === true;
    },
    async unitOf(m) {
      let binding;
      try {
        binding = await opts.bindings.get(m.tenant, m.chatId);
      } catch (err) {
        log.warn({ event: 'roles.bindings_unavailable', chatId: m.chatId, err: err }, 'bindings unavailable; no unit');
        return undefined;
      }
      if (!binding) return undefined;
      // The console stands in for whatever group it is bound as.
      if (m.platform === 'console') return binding.unit;
      if (!m.senderId) return undefined;
      return (await resolver.isMember(m.chatId, m.senderId)) === true ? binding.unit : undefined;
    },
    async roleOf(m) {
      if (resolver.isAdmin(m)) return 'admin';
      if (await resolver.isSupervisor(m)) return 'supervisor';
      if (await resolver.unitOf(m)) return 'member';
      return 'everyone';
    },
    async forget(chatId) {
      local.delete(chatId);
      if (opts.redis) await opts.redis.del(redisKey(chatId)).catch(() => undefined);
    },
  };
  return resolver;
}
