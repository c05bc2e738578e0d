import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { reduceEvent } from './state.js';
import { progressKey, type AppendOptions, type ProgressEvent, type ProgressStore, type TaskProgress } from './types.js';

/**
 * The progress log in Redis Streams: one stream per tenant, appended with
 * XADD (the stream id is the event id, so order is the server's), read with
 * XRANGE in COUNT-bounded pages. Nothing is ever trimmed or overwritten.
 *
 *   <ns>:{progress:<tenant>}:log            stream of events
 *   <ns>:{progress:<tenant>}:task:<taskId>  list of the task's event ids (history without a full scan)
 *
 * The braces are a Cluster hash tag: a tenant's keys share a slot, so the
 * append script may write both. Entries are zod-checked on read; a malformed
 * one (hand-edited, older format) is skipped with a log line, never thrown.
 *
 * `state()` keeps the derived map per tenant in this process and only reads
 * what was appended since (the log is append-only, ids increase), so asking
 * "is it done?" for every reminder costs one short XRANGE, not a full scan.
 */

export const DEFAULT_PAGE = 1000;

const KINDS = ['report', 'confirm', 'return'] as const;
const STATUSES = ['done', 'in-progress', 'difficulty', 'not-started'] as const;

/** What an append must carry; the boundary check for every writer. */
export const NewProgressEvent = z
  .object({
    tenant: z.string().min(1),
    taskId: z.string().min(1),
    unit: z.string().min(1),
    kind: z.enum(KINDS),
    status: z.enum(STATUSES).optional(),
    note: z.string().max(2000),
    by: z.string().min(1),
    byName: z.string().optional(),
    chatId: z.string(),
    at: z.iso.datetime({ offset: true }),
  })
  .refine((e) => e.kind !== 'report' || e.status !== undefined, { message: 'a report needs a status', path: ['status'] });

/** A stream entry's fields as stored (all strings). */
const Entry = z.object({
  v: z.literal('1'),
  taskId: z.string().min(1),
  unit: z.string().min(1),
  kind: z.enum(KINDS),
  status: z.enum(STATUSES).optional(),
  note: z.string(),
  by: z.string(),
  byName: z.string().optional(),
  chatId: z.string(),
  at: z.string(),
});

export interface ProgressPage {
  events: ProgressEvent[];
  /** Pass as `after` to read on; undefined when the log ended within this page. */
  next?: string;
}

export interface RedisProgressStore extends ProgressStore {
  /** Many events in one round trip (imports, benchmarks); same checks as append. */
  appendMany(events: Array<Omit<ProgressEvent, 'id'>>): Promise<ProgressEvent[]>;
  /** One page of at most `count` events after the id `after` (exclusive), oldest first. */
  page(tenant: string, opts?: { after?: string; count?: number }): Promise<ProgressPage>;
  /** Every event, one page in memory at a time. */
  events(tenant: string, opts?: { pageSize?: number }): AsyncGenerator<ProgressEvent[]>;
  /** State of one (task, unit) pair, undefined when nothing was ever recorded. */
  stateOf(tenant: string, taskId: string, unit: string): Promise<TaskProgress | undefined>;
  /** Number of events in the tenant's log. */
  count(tenant: string): Promise<number>;
}

export interface ProgressStoreOptions {
  /** Key namespace; tests use a unique one per file. Default "duban". */
  prefix?: string;
  log?: Logger;
  pageSize?: number;
}

// KEYS[1] stream, KEYS[2] task index; ARGV field/value pairs.
const APPEND = `
local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV))
redis.call('RPUSH', KEYS[2], id)
return id
`;

// KEYS[1] stream, KEYS[2] task index, KEYS[3] once key; ARGV[1] once ttl s, then field/value pairs.
const APPEND_ONCE = `
local prev = redis.call('GET', KEYS[3])
if prev then return prev end
local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
redis.call('RPUSH', KEYS[2], id)
redis.call('SET', KEYS[3], id, 'EX', ARGV[1])
return id
`;

/** Idempotency keys outlive any retry of an inbound event (Lark re-pushes for ~7 h; the inbox keeps jobs 8 h). */
export const ONCE_TTL_SECONDS = 2 * 24 * 3600;

type RawEntry = [id: string, fields: string[]];

function fieldsOf(e: Omit<ProgressEvent, 'id'>): string[] {
  const f = ['v', '1', 'taskId', e.taskId, 'unit', e.unit, 'kind', e.kind];
  if (e.status) f.push('status', e.status);
  f.push('note', e.note, 'by', e.by);
  if (e.byName) f.push('byName', e.byName);
  f.push('chatId', e.chatId, 'at', e.at);
  return f;
}

export function createProgressStore(redis: Redis | Cluster, opts: ProgressStoreOptions = {}): RedisProgressStore {
  const ns = opts.prefix ?? 'duban';
  const pageSize = opts.pageSize ?? DEFAULT_PAGE;
  const log = opts.log?.child({ component: 'progress-store' });
  // Tenant ids come from Lark's tenant_key; braces would break the hash tag.
  const tag = (tenant: string) => `${ns}:{progress:${tenant.replace(/[{}]/g, '_')}}`;
  const streamKey = (tenant: string) => `${tag(tenant)}:log`;
  const taskKey = (tenant: string, taskId: string) => `${tag(tenant)}:task:${taskId}`;
  const cache = new Map<string, { lastId: string; map: Map<string, TaskProgress> }>();

  function decode(tenant: string, [id, flat]: RawEntry): ProgressEvent | undefined {
    const obj: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) obj[flat[i]!] = flat[i + 1]!;
    const parsed = Entry.safeParse(obj);
    if (!parsed.success) {
      log?.warn({ event: 'progress.bad_entry', tenant, id, issues: parsed.error.issues.slice(0, 3) }, 'malformed progress entry skipped');
      return undefined;
    }
    const { v: _v, ...rest } = parsed.data;
    return { id, tenant, ...rest } as ProgressEvent;
  }

  function check(e: Omit<ProgressEvent, 'id'>): Omit<ProgressEvent, 'id'> {
    const parsed = NewProgressEvent.safeParse(e);
    if (!parsed.success) throw new Error(`invalid progress event: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return parsed.data as Omit<ProgressEvent, 'id'>;
  }

  async function page(tenant: string, o: { after?: string; count?: number } = {}): Promise<ProgressPage> {
    const count = Math.max(1, Math.min(o.count ?? pageSize, 10_000));
    const start = o.after ? `(${o.after}` : '-';
    const raw = (await redis.xrange(streamKey(tenant), start, '+', 'COUNT', count)) as RawEntry[];
    const events: ProgressEvent[] = [];
    for (const r of raw) {
      const e = decode(tenant, r);
      if (e) events.push(e);
    }
    const last = raw[raw.length - 1];
    return { events, ...(raw.length === count && last ? { next: last[0] } : {}) };
  }

  async function* events(tenant: string, o: { pageSize?: number } = {}): AsyncGenerator<ProgressEvent[]> {
    let after: string | undefined;
    // Bounded: a log of 10^9 events at the smallest page is beyond any deployment.
    for (let i = 0; i < 1_000_000_000; i++) {
      const p = await page(tenant, { ...(after ? { after } : {}), count: o.pageSize ?? pageSize });
      if (p.events.length > 0) yield p.events;
      if (!p.next) return;
      after = p.next;
    }
  }

  const inFlight = new Map<string, Promise<Map<string, TaskProgress>>>();

  /** Bring the tenant's cached state up to the end of the log; one read at a time per tenant, so no event is folded twice. */
  function catchUp(tenant: string): Promise<Map<string, TaskProgress>> {
    const prev = inFlight.get(tenant) ?? Promise.resolve(new Map());
    const next = prev.catch(() => undefined).then(() => readOn(tenant));
    inFlight.set(tenant, next);
    return next;
  }

  async function readOn(tenant: string): Promise<Map<string, TaskProgress>> {
    let c = cache.get(tenant);
    if (!c) cache.set(tenant, (c = { lastId: '', map: new Map() }));
    for (let i = 0; i < 1_000_000_000; i++) {
      const start = c.lastId ? `(${c.lastId}` : '-';
      const raw = (await redis.xrange(streamKey(tenant), start, '+', 'COUNT', pageSize)) as RawEntry[];
      for (const r of raw) {
        const e = decode(tenant, r);
        if (e) reduceEvent(c.map, e);
        c.lastId = r[0];
      }
      if (raw.length < pageSize) break;
    }
    return c.map;
  }

  async function byIds(tenant: string, ids: string[]): Promise<ProgressEvent[]> {
    const out: ProgressEvent[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const pipe = redis.pipeline();
      for (const id of ids.slice(i, i + 500)) pipe.xrange(streamKey(tenant), id, id);
      const res = (await pipe.exec()) ?? [];
      for (const [err, raw] of res) {
        if (err) throw err;
        for (const r of raw as RawEntry[]) {
          const e = decode(tenant, r);
          if (e) out.push(e);
        }
      }
    }
    return out;
  }

  return {
    async append(event, opts = {}) {
      const e = check(event);
      const id = opts.once
        ? ((await redis.eval(APPEND_ONCE, 3, streamKey(e.tenant), taskKey(e.tenant, e.taskId), `${tag(e.tenant)}:once:${opts.once}`, ONCE_TTL_SECONDS, ...fieldsOf(e))) as string)
        : ((await redis.eval(APPEND, 2, streamKey(e.tenant), taskKey(e.tenant, e.taskId), ...fieldsOf(e))) as string);
      return { id, ...e };
    },
    async appendMany(list) {
      const checked = list.map(check);
      const out: ProgressEvent[] = [];
      for (let i = 0; i < checked.length; i += 1000) {
        const chunk = checked.slice(i, i + 1000);
        const pipe = redis.pipeline();
        for (const e of chunk) pipe.eval(APPEND, 2, streamKey(e.tenant), taskKey(e.tenant, e.taskId), ...fieldsOf(e));
        const res = (await pipe.exec()) ?? [];
        res.forEach(([err, id], j) => {
          if (err) throw err;
          out.push({ id: id as string, ...chunk[j]! });
        });
      }
      return out;
    },
    async history(tenant, taskId, unit) {
      const ids = await redis.lrange(taskKey(tenant, taskId), 0, -1);
      const list = await byIds(tenant, ids);
      return unit === undefined ? list : list.filter((e) => e.unit === unit);
    },
    async all(tenant) {
      const out: ProgressEvent[] = [];
      for await (const chunk of events(tenant)) out.push(...chunk);
      return out;
    },
    async state(tenant) {
      return new Map(await catchUp(tenant));
    },
    async stateOf(tenant, taskId, unit) {
      const map = await catchUp(tenant);
      const s = map.get(progressKey(taskId, unit));
      return s ? { ...s } : undefined;
    },
    page,
    events,
    count: (tenant) => redis.xlen(streamKey(tenant)),
  };
}

/**
 * The store as one inbound event's handling sees it: its n-th append carries
 * the idempotency key `<scope>#<n>`, so handling the same event again (the
 * inbox re-runs it after a crash) records nothing twice.
 */
export function onceScoped<S extends ProgressStore>(store: S, scope: string): S {
  let n = 0;
  return Object.assign(Object.create(store) as S, {
    append(event: Omit<ProgressEvent, 'id'>, opts: AppendOptions = {}) {
      n += 1;
      return store.append(event, { once: opts.once ?? `${scope}#${n}` });
    },
  });
}
