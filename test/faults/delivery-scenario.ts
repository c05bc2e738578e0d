/**
 * One delivery fault, measured: 600 reminders to 30 groups queued for the real
 * bot (the same enqueueDeliveries the reminder worker uses), a fault injected
 * once about a quarter has gone out, then everything drained. Reports exact
 * counts (delivered, missing, re-sent uuids, order breaks, 429s) and the
 * recovery time: from the fault's end to the end of the first 1-second window
 * with at least 90% of the 50/s limit (or the rest of the backlog, if
 * smaller). Shared by test/faults/delivery.fault.ts and bench/delivery-faults.bench.ts.
 */
import type { Redis } from 'ioredis';
import { createDeliveryQueue, deliveryUuidFor, enqueueDeliveries, type DeliveryJobData } from '../../jobs/delivery-queue.js';
import { connectTestRedis, testRedisUrl } from '../support/redis.js';
import { deployment } from './env.js';
import { logLines, ownRedis, sleep, startBot, until, type BotProcess, type OwnRedis } from './harness.js';
import { Redis as IORedis } from 'ioredis';

export type FaultKind = 'bot-kill' | 'redis-restart' | 'server-errors' | 'outage' | 'rate-limit-storm' | 'redis-kill-aof-off';

export interface ScenarioResult {
  fault: FaultKind;
  label: string;
  total: number;
  delivered: number;
  missing: number;
  /** Sends that repeated a uuid already accepted (Lark would drop them; we count them as re-sends). */
  resent: number;
  orderBreaks: number;
  /** 429s the fake Lark answered because of our own pace (not injected ones). */
  rateLimited: number;
  /** Deliveries made before the fault was injected. */
  before: number;
  /** ms from the fault's end until the rate is back (see above); undefined if never. */
  recoveryMs: number | undefined;
  /** Best 1-s rate (sends/s) seen after the fault. */
  peakAfter: number;
  totalMs: number;
  /** Bot log: data loss detected, AOF warning given. */
  dataLossNoticed: number;
  aofWarned: number;
  supervisorsTold: number;
}

const CHATS = 30;
const PER_CHAT = 20;
const LIMIT = 50;
const MSG_PATH = '/open-apis/im/v1/messages';

export function outageMs(): number {
  return Number(process.env.FAULT_OUTAGE_SECONDS ?? 60) * 1000;
}

const LABELS: Record<FaultKind, string> = {
  'bot-kill': 'bot kill -9 and restart',
  'redis-restart': 'Redis kill -9 and restart (AOF on)',
  'server-errors': '30 server errors (500)',
  outage: `${outageMs() / 1000} s outage (all sends 503)`,
  'rate-limit-storm': '30 s 429 storm (reset 1 s)',
  'redis-kill-aof-off': 'Redis kill -9, AOF off, restart from an older RDB snapshot',
};

export async function runDeliveryScenario(fault: FaultKind): Promise<ScenarioResult> {
  const shared = await connectTestRedis();
  const own: OwnRedis | undefined = fault === 'redis-restart' || fault === 'redis-kill-aof-off' ? await ownRedis({ aof: fault === 'redis-restart' }) : undefined;
  if (own && fault === 'redis-kill-aof-off') {
    // A stock redis-server: RDB snapshots, AOF off.
    const c = new IORedis(own.url);
    await c.config('SET', 'appendonly', 'no');
    await c.quit();
  }
  const url = own?.url ?? testRedisUrl();
  const chats = Array.from({ length: CHATS }, (_, i) => `oc_fault_g${i}`);
  const d = await deployment({ chats: chats.map((chatId) => ({ chatId, name: chatId, members: [] })) });
  const dataDir = `${process.env.TMPDIR ?? '/tmp'}/duban-fault-${d.queuePrefix.replace(/[{}]/g, '')}`;
  const env = { ...d.env, REDIS_URL: url, DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  const redis = own ? new IORedis(url, { maxRetriesPerRequest: null }) : await connectTestRedis({ forBullmq: true });
  redis.on('error', () => undefined);
  let bot: BotProcess | undefined;
  const stderr: string[] = [];
  try {
    bot = await startBot({ env });
    const queue = createDeliveryQueue({ connection: redis, prefix: d.queuePrefix });
    const items: Array<{ data: DeliveryJobData }> = [];
    for (let n = 0; n < PER_CHAT; n++) {
      for (const chatId of chats) {
        const ref = `${chatId}#${String(n).padStart(2, '0')}`;
        items.push({ data: { v: 1, tenant: d.tenant, chatId, ref, uuid: deliveryUuidFor(ref, chatId), reply: { title: ref, blocks: [{ kind: 'text', text: `提醒 ${ref}` }] } } });
      }
    }
    const t0 = Date.now();
    await enqueueDeliveries(queue, redis, items, d.queuePrefix);
    if (fault === 'redis-kill-aof-off') {
      // The last snapshot before the crash: everything queued, nothing delivered yet.
      await redis.save();
    }
    await queue.close();
    const sent = () => d.fake.sent.filter((s) => s.receiveIdType === 'chat_id' && chats.includes(s.chatId));
    const quarter = Math.floor(items.length / 4);
    await until(() => sent().length >= quarter, 60_000, 20);
    const before = sent().length;
    let faultEnd = Date.now();
    const injected429 = { from: 0, to: 0 };
    switch (fault) {
      case 'bot-kill':
        stderr.push(bot.stderr());
        await bot.kill9();
        bot = await startBot({ env });
        faultEnd = Date.now();
        break;
      case 'redis-restart':
      case 'redis-kill-aof-off':
        await own!.kill9();
        await sleep(1000);
        await own!.start();
        faultEnd = Date.now();
        break;
      case 'server-errors': {
        const at = d.fake.calls.length;
        d.fake.failNext({ method: 'POST', path: MSG_PATH }, { status: 500, code: 0, msg: 'internal error' }, 30);
        await until(() => d.fake.calls.slice(at).filter((c) => c.status === 500).length >= 30, 120_000, 20);
        faultEnd = Date.now();
        break;
      }
      case 'outage':
        d.fake.failFor({ method: 'POST', path: MSG_PATH }, { status: 503, code: 0, msg: 'service unavailable' }, outageMs());
        await sleep(outageMs());
        faultEnd = Date.now();
        break;
      case 'rate-limit-storm':
        injected429.from = Date.now();
        d.fake.failFor(
          { method: 'POST', path: MSG_PATH },
          { status: 429, code: 99991400, msg: 'request trigger frequency limit', headers: { 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': '1' } },
          30_000,
        );
        await sleep(30_000);
        injected429.to = Date.now();
        faultEnd = Date.now();
        break;
    }
    await until(() => sent().length >= items.length, 240_000, 100);
    // Late duplicates would show up here.
    await sleep(2000);
    stderr.push(bot.stderr());
    const all = sent();
    const byUuid = new Map<string, number>();
    for (const s of all) byUuid.set(s.uuid!, (byUuid.get(s.uuid!) ?? 0) + 1);
    const delivered = items.filter((it) => byUuid.has(it.data.uuid)).length;
    const resent = d.fake.uuidRepeats.filter((r) => chats.includes(r.chatId)).length + [...byUuid.values()].filter((n) => n > 1).length;
    let orderBreaks = 0;
    for (const chatId of chats) {
      const titles = d.fake.sentTo(chatId).map((s) => JSON.stringify(s.content));
      const idx = titles.map((t) => Number(/#(\d\d)/.exec(t)?.[1] ?? -1));
      for (let i = 1; i < idx.length; i++) if (idx[i]! < idx[i - 1]!) orderBreaks++;
    }
    const rateLimited = d.fake.calls.filter((c) => c.status === 429 && c.path === MSG_PATH && !(c.time >= injected429.from && c.time <= injected429.to + 50)).length;
    // Recovery: sends after the fault's end, first 1-s window at >= 90% of the limit (or the rest of the backlog).
    const after = all.map((s) => s.time).filter((t) => t >= faultEnd).sort((a, b) => a - b);
    const need = Math.min(Math.ceil(0.9 * LIMIT), after.length);
    let recoveryMs: number | undefined;
    let peakAfter = 0;
    for (let i = 0; i < after.length; i++) {
      let j = i;
      while (j < after.length && after[j]! - after[i]! < 1000) j++;
      peakAfter = Math.max(peakAfter, j - i);
      if (recoveryMs === undefined && j - i >= need) recoveryMs = after[i]! + 1000 - faultEnd;
    }
    if (recoveryMs !== undefined && after.length < Math.ceil(0.9 * LIMIT)) recoveryMs = after[after.length - 1]! - faultEnd;
    const text = stderr.join('\n');
    if (process.env.FAULT_DEBUG) {
      for (const m of d.fake.sentTo('oc_fault_supervisors')) console.log('supervisors:', JSON.stringify(m.content).slice(0, 400));
      for (const r of d.fake.uuidRepeats) {
        const first = all.find((x) => x.uuid === r.uuid);
        console.log('repeat', r.uuid, r.chatId, 'first at', (first?.time ?? 0) - faultEnd, 'repeat at', r.time - faultEnd);
        for (const line of text.split('\n').filter((l) => l.includes(r.uuid.slice(-12)) || (first && l.includes(JSON.stringify(first.content).slice(20, 40))))) console.log(line.slice(0, 300));
      }
    }
    return {
      fault,
      label: LABELS[fault],
      total: items.length,
      delivered,
      missing: items.length - delivered,
      resent,
      orderBreaks,
      rateLimited,
      before,
      recoveryMs,
      peakAfter,
      totalMs: Date.now() - t0,
      dataLossNoticed: logLines(text, 'redis_data_lost').length,
      aofWarned: logLines(text, 'redis_aof_off').length,
      // Our notices about Redis (the supervisors' chat also gets other warnings, e.g. a missing holiday notice).
      supervisorsTold: d.fake.sentTo('oc_fault_supervisors').filter((m) => JSON.stringify(m.content).includes('Redis')).length,
    };
  } finally {
    await bot?.kill9();
    redis.disconnect();
    await d.cleanup(shared);
    await shared.quit();
    await own?.stop();
    const { rmSync } = await import('node:fs');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function describeResult(r: ScenarioResult): string {
  return (
    `[fault] ${r.label}: delivered ${r.delivered}/${r.total} (${r.before} before the fault), missing ${r.missing}, re-sent ${r.resent}, ` +
    `order breaks ${r.orderBreaks}, 429s from our own pace ${r.rateLimited}; rate back to >= 45/s ${r.recoveryMs === undefined ? 'never' : `${(r.recoveryMs / 1000).toFixed(1)} s`} after the fault ended ` +
    `(best 1-s window after it: ${r.peakAfter}/s); total ${(r.totalMs / 1000).toFixed(1)} s` +
    (r.fault.startsWith('redis') ? `; data loss noticed ${r.dataLossNoticed}, AOF warning ${r.aofWarned}, supervisors' chat notices about Redis ${r.supervisorsTold}` : '')
  );
}

export type { Redis };
