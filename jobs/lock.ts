import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

/**
 * A Redis lease (SET NX PX + compare-and-delete) so only one replica plans
 * reminders at a time. The holder renews it while working; if the holder dies
 * the lease lapses after `ttlMs` and another replica may plan.
 */

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;

export interface Lease {
  readonly key: string;
  /** False once the lease was lost (expired and taken by another holder). */
  readonly held: boolean;
  release(): Promise<void>;
}

export interface LockOptions {
  ttlMs?: number;
  /** How long to keep trying before giving up (0 = one attempt). */
  waitMs?: number;
  pollMs?: number;
}

export async function acquireLease(redis: Redis | Cluster, key: string, opts: LockOptions = {}): Promise<Lease | undefined> {
  const ttl = opts.ttlMs ?? 30_000;
  const wait = opts.waitMs ?? 0;
  const poll = opts.pollMs ?? 200;
  const token = randomUUID();
  const deadline = Date.now() + wait;
  // Bounded: at most wait/poll + 1 attempts.
  for (;;) {
    if ((await redis.set(key, token, 'PX', ttl, 'NX')) === 'OK') break;
    if (Date.now() + poll > deadline) return undefined;
    await new Promise((r) => setTimeout(r, poll));
  }
  let held = true;
  const timer = setInterval(() => {
    redis.eval(RENEW, 1, key, token, String(ttl)).then(
      (ok) => {
        if (ok !== 1) held = false;
      },
      () => undefined,
    );
  }, Math.max(100, Math.floor(ttl / 3)));
  timer.unref();
  return {
    key,
    get held() {
      return held;
    },
    async release() {
      clearInterval(timer);
      if (held) await redis.eval(RELEASE, 1, key, token);
      held = false;
    },
  };
}
