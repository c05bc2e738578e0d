import type { Logger } from 'pino';
import type { AnyRedis } from './connection.js';

/**
 * Notices when Redis lost data while the bot runs (a restart without AOF that
 * comes back empty or from an older snapshot, a failover to a lagging
 * replica): a counter is incremented after every reconnect and every
 * `everyMs`, and after a restart (a new run_id) of a server without AOF; when it is gone, or lower than this process last saw it, writes
 * were lost and `onLoss` runs at once (reconcile: restore delivery records,
 * re-plan reminders) instead of at the next hourly re-plan.
 */
export interface DataLossWatch {
  stop(): void;
}

export async function watchDataLoss(opts: {
  redis: AnyRedis;
  key: string;
  log: Logger;
  onLoss: () => Promise<void>;
  everyMs?: number;
}): Promise<DataLossWatch> {
  const { redis, key, log } = opts;
  // Replicas share the counter; each only checks that it never goes back.
  let last = Number(await redis.incr(key));
  let runId = await serverRunId(redis);
  let running = false;
  let stopped = false;
  const check = async (why: string) => {
    if (running || stopped) return;
    running = true;
    try {
      const seen = Number((await redis.get(key)) ?? 0);
      // A restart without AOF may have lost writes newer than its snapshot even when the counter survived.
      const id = await serverRunId(redis);
      const restarted = id !== undefined && runId !== undefined && id !== runId;
      if (id !== undefined) runId = id;
      const lost = seen < last || (restarted && (await aofOff(redis)));
      last = Number(await redis.incr(key));
      if (!lost) return;
      log.error({ event: 'redis_data_lost', why, counter: seen, expected: last }, 'Redis lost writes (restart without AOF?); reconciling now');
      await opts.onLoss();
    } catch (e) {
      log.warn({ event: 'redis_data_check_failed', why, err: e }, 'could not check Redis for data loss');
    } finally {
      running = false;
    }
  };
  const onReady = () => void check('reconnect');
  redis.on('ready', onReady);
  const timer = setInterval(() => void check('poll'), opts.everyMs ?? 2_000);
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      redis.off('ready', onReady);
    },
  };
}

/** The server's run_id (changes on every restart); undefined where INFO is not available (Cluster). */
async function serverRunId(redis: AnyRedis): Promise<string | undefined> {
  try {
    const info = String(await (redis as { info(section: string): Promise<string> }).info('server'));
    return /run_id:(\w+)/.exec(info)?.[1];
  } catch {
    return undefined;
  }
}

async function aofOff(redis: AnyRedis): Promise<boolean> {
  try {
    const info = String(await (redis as { info(section: string): Promise<string> }).info('persistence'));
    return /aof_enabled:0/.test(info);
  } catch {
    return false;
  }
}
