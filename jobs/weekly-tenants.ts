import type { Cluster, Redis } from 'ioredis';

/**
 * Which tenants the weekly jobs serve: every tenant with a bound chat or a
 * progress log in Redis (a Lark tenant_key appears there with its first
 * /绑定 or report). Scans every master of a Cluster. Keys look like
 * "<ns>:{bind:<tenant>}:chats" and "<ns>:{progress:<tenant>}:log".
 */

const PATTERNS = { bind: (ns: string) => `${ns}:{bind:*}:chats`, progress: (ns: string) => `${ns}:{progress:*}:log` } as const;
const TENANT = /\{(?:bind|progress):(.*)\}:(?:chats|log)$/u;

export async function scanTenants(redis: Redis | Cluster, ns = 'duban', kinds: Array<keyof typeof PATTERNS> = ['bind', 'progress']): Promise<string[]> {
  const cluster = (redis as Cluster).isCluster === true;
  const nodes: Redis[] = cluster ? (redis as Cluster).nodes('master') : [redis as Redis];
  const found = new Set<string>();
  for (const kind of kinds) {
    for (const node of nodes) {
      let cursor = '0';
      // Bounded: 10k SCAN rounds of 1000 keys each.
      for (let i = 0; i < 10_000; i++) {
        const [next, keys] = await node.scan(cursor, 'MATCH', PATTERNS[kind](ns), 'COUNT', 1000);
        for (const k of keys) {
          const m = TENANT.exec(k);
          if (m) found.add(m[1]!);
        }
        cursor = next;
        if (cursor === '0') break;
      }
    }
  }
  return [...found].sort();
}

/** For startWeekly's `tenants`: the tenants found, or ["local"] when Redis knows none yet. */
export function tenantsFromRedis(redis: Redis | Cluster, ns = 'duban'): () => Promise<string[]> {
  return async () => {
    const found = await scanTenants(redis, ns);
    return found.length > 0 ? found : ['local'];
  };
}
