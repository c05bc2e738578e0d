import type { Cluster, Redis } from 'ioredis';
import { z } from 'zod';

/**
 * Which group chat a unit's reminders go to (`/绑定 县财政局` in that group).
 * Per tenant, two structures that always change together (one Lua script):
 *   <ns>:{bind:<tenant>}:chats         hash chatId → Binding JSON
 *   <ns>:{bind:<tenant>}:unit:<unit>   set of chatIds bound to the unit
 * The braces are a Cluster hash tag, so a tenant's keys share one slot and the
 * script may touch them all. A chat serves one unit; a unit may have several
 * chats (e.g. an office group and a leaders' group).
 */

export const Binding = z.object({
  unit: z.string().min(1),
  /** Who bound it (Lark open_id). */
  by: z.string(),
  /** ISO instant. */
  at: z.string(),
  /** Set when delivery hit a permission error (bot removed, no rights); cleared by rebinding. */
  flagged: z.object({ code: z.number().int(), reason: z.string(), at: z.string() }).optional(),
});
export type Binding = z.infer<typeof Binding>;

export interface ChatBinding extends Binding {
  chatId: string;
}

export interface BindingStore {
  /** Bind `chatId` to `unit` (moving it off any previous unit); returns the previous binding. */
  bind(tenant: string, chatId: string, unit: string, by: string): Promise<Binding | undefined>;
  /** Remove the chat's binding; returns what it was. */
  unbind(tenant: string, chatId: string): Promise<Binding | undefined>;
  get(tenant: string, chatId: string): Promise<Binding | undefined>;
  /** Chats bound to the unit (flagged ones included; check `flagged`), sorted by chat id. */
  chatsForUnit(tenant: string, unit: string): Promise<ChatBinding[]>;
  /** Every binding of the tenant, sorted by unit then chat. */
  list(tenant: string): Promise<ChatBinding[]>;
  /** Mark a binding as failing delivery (permission errors); no-op when the chat is unbound. */
  flag(tenant: string, chatId: string, code: number, reason: string): Promise<boolean>;
}

export interface BindingStoreOptions {
  /** Key namespace; tests use a unique one per file. Default "duban". */
  prefix?: string;
  now?: () => Date;
}

// KEYS[1] chats hash; ARGV[1] unit-set key prefix; ARGV[2] chatId; ARGV[3] new binding JSON; ARGV[4] new unit.
const BIND = `
local old = redis.call('HGET', KEYS[1], ARGV[2])
if old then
  local ok, prev = pcall(cjson.decode, old)
  if ok and prev.unit then redis.call('SREM', ARGV[1] .. prev.unit, ARGV[2]) end
end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('SADD', ARGV[1] .. ARGV[4], ARGV[2])
return old
`;

// KEYS[1] chats hash; ARGV[1] unit-set key prefix; ARGV[2] chatId.
const UNBIND = `
local old = redis.call('HGET', KEYS[1], ARGV[2])
if not old then return false end
local ok, prev = pcall(cjson.decode, old)
if ok and prev.unit then redis.call('SREM', ARGV[1] .. prev.unit, ARGV[2]) end
redis.call('HDEL', KEYS[1], ARGV[2])
return old
`;

// KEYS[1] chats hash; ARGV[1] chatId; ARGV[2] flag JSON. Rewrites only an existing binding.
const FLAG = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if not old then return 0 end
local b = cjson.decode(old)
b.flagged = cjson.decode(ARGV[2])
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(b))
return 1
`;

function decode(raw: string | null | undefined): Binding | undefined {
  if (!raw) return undefined;
  try {
    const parsed = Binding.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function createBindingStore(redis: Redis | Cluster, opts: BindingStoreOptions = {}): BindingStore {
  const ns = opts.prefix ?? 'duban';
  const now = opts.now ?? (() => new Date());
  // Tenant keys are user-controlled only through Lark's tenant_key; braces would break the hash tag.
  const tag = (tenant: string) => `${ns}:{bind:${tenant.replace(/[{}]/g, '_')}}`;
  const chatsKey = (tenant: string) => `${tag(tenant)}:chats`;
  const unitPrefix = (tenant: string) => `${tag(tenant)}:unit:`;

  const store: BindingStore = {
    async bind(tenant, chatId, unit, by) {
      const binding: Binding = Binding.parse({ unit: unit.trim(), by, at: now().toISOString() });
      const old = (await redis.eval(BIND, 1, chatsKey(tenant), unitPrefix(tenant), chatId, JSON.stringify(binding), binding.unit)) as string | null;
      return decode(old);
    },
    async unbind(tenant, chatId) {
      const old = (await redis.eval(UNBIND, 1, chatsKey(tenant), unitPrefix(tenant), chatId)) as string | null;
      return decode(old);
    },
    async get(tenant, chatId) {
      return decode(await redis.hget(chatsKey(tenant), chatId));
    },
    async chatsForUnit(tenant, unit) {
      const ids = (await redis.smembers(`${unitPrefix(tenant)}${unit.trim()}`)).sort();
      if (ids.length === 0) return [];
      const raws = await redis.hmget(chatsKey(tenant), ...ids);
      const out: ChatBinding[] = [];
      ids.forEach((chatId, i) => {
        const b = decode(raws[i]);
        // The set and hash change together; this guards against a hand-edited key.
        if (b && b.unit === unit.trim()) out.push({ chatId, ...b });
      });
      return out;
    },
    async list(tenant) {
      const all = await redis.hgetall(chatsKey(tenant));
      const out: ChatBinding[] = [];
      for (const [chatId, raw] of Object.entries(all)) {
        const b = decode(raw);
        if (b) out.push({ chatId, ...b });
      }
      return out.sort((a, b) => (a.unit === b.unit ? (a.chatId < b.chatId ? -1 : 1) : a.unit < b.unit ? -1 : 1));
    },
    async flag(tenant, chatId, code, reason) {
      const flag = { code, reason, at: now().toISOString() };
      return (await redis.eval(FLAG, 1, chatsKey(tenant), chatId, JSON.stringify(flag))) === 1;
    },
  };
  return store;
}
