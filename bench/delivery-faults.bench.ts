/**
 * Delivery recovery per fault: 600 reminders to 30 groups through the real bot
 * (child process) and the fake Lark enforcing 50/s, 1000/min and 5/s per chat;
 * prints, for each fault, how long after its end the send rate was back within
 * 10% of the 50/s limit, plus the exact counts. FAULT_OUTAGE_SECONDS sets the
 * outage (default 60 s; 300 for the full five minutes). Same runs as
 * test/faults/delivery.fault.ts, without assertions.
 */
import { describeResult, runDeliveryScenario, type FaultKind } from '../test/faults/delivery-scenario.js';
import { ownRedis } from '../test/faults/harness.js';

const FAULTS: FaultKind[] = ['bot-kill', 'redis-restart', 'server-errors', 'outage', 'rate-limit-storm', 'redis-kill-aof-off'];

export default async function run(): Promise<void> {
  const only = process.env.FAULTS?.split(',');
  // A redis-server of its own: the runs write bot keys that must not land in a shared Redis.
  const own = await ownRedis({ aof: true });
  const before = process.env.REDIS_URL;
  process.env.REDIS_URL = own.url;
  try {
    console.log('fault | delivered | missing | re-sent | order breaks | recovery to >= 45/s');
    for (const f of FAULTS.filter((x) => !only || only.includes(x))) {
      const r = await runDeliveryScenario(f);
      console.log(describeResult(r));
      console.log(`${r.label} | ${r.delivered}/${r.total} | ${r.missing} | ${r.resent} | ${r.orderBreaks} | ${r.recoveryMs === undefined ? 'never' : `${(r.recoveryMs / 1000).toFixed(1)} s`}`);
    }
  } finally {
    if (before === undefined) delete process.env.REDIS_URL;
    else process.env.REDIS_URL = before;
    await own.stop();
  }
}
