import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLarkClient } from '../../src/adapters/lark/client.js';
import { LarkApiError } from '../../src/adapters/lark/errors.js';
import { createMessenger } from '../../src/adapters/lark/send.js';
import type { Block, Reply } from '../../src/chat/types.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { createProgressStore, type RedisProgressStore } from '../../src/progress/store.js';
import { createBindingStore, type BindingStore } from '../../src/store/bindings.js';
import { startWeekly, type WeeklyHandle } from '../../jobs/weekly.js';
import type { WeeklyJobData } from '../../jobs/weekly-queue.js';
import { createWeeklyProcessor, type SendExtras } from '../../jobs/weekly-worker.js';
import { scanTenants, tenantsFromRedis } from '../../jobs/weekly-tenants.js';
import { startFakeLark } from '../fakes/lark-server.js';
import { NOW, summaryEvents, summaryPlans, T } from '../summary/fixtures.js';
import { useTestRedis } from '../support/redis.js';
import { waitFor } from './helpers.js';

/**
 * The weekly rhythm on real Redis: three replicas (each its own connections,
 * ticker and worker) sharing one queue prefix, a recording sender standing in
 * for Lark, and the real progress and binding stores.
 */

const t = useTestRedis('weekly');
const SUPERVISORS = 'oc_supervisors';
const UNIT_CHATS: Record<string, string> = {
  县财政局: 'oc_finance',
  县教育局: 'oc_education',
  县住建局: 'oc_housing',
  县税务局: 'oc_tax',
  // Bound, but leads nothing in the plans: no 催报.
  县民政局: 'oc_civil',
};

interface Sent {
  chatId: string;
  reply: Reply;
  uuid: string;
  extras?: SendExtras;
}

/** Records every call (no dedupe: a duplicate send must show up as two entries), then forwards it when told where. */
class Recorder {
  readonly sent: Sent[] = [];
  fail?: (chatId: string) => Error | undefined;
  forward?: (chatId: string, reply: Reply, uuid: string) => Promise<unknown>;
  send = async (chatId: string, reply: Reply, uuid: string, extras?: SendExtras) => {
    const err = this.fail?.(chatId);
    if (err) throw err;
    this.sent.push({ chatId, reply, uuid, ...(extras ? { extras } : {}) });
    await this.forward?.(chatId, reply, uuid);
  };
  to(chatId: string) {
    return this.sent.filter((s) => s.chatId === chatId);
  }
}

let store: RedisProgressStore;
let bindings: BindingStore;
let handles: WeeklyHandle[] = [];

beforeAll(async () => {
  store = createProgressStore(t.redis, { prefix: t.prefix });
  bindings = createBindingStore(t.redis, { prefix: t.prefix });
  for (const e of summaryEvents) await store.append(e);
  for (const [unit, chat] of Object.entries(UNIT_CHATS)) await bindings.bind('local', chat, unit, 'ou_admin');
});

const after: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(handles.map((h) => h.stop()));
  handles = [];
  for (const f of after.splice(0)) await f();
});

/** A clock the test moves; the replicas' cron fires in real time and asks it what day it is. */
function movableClock(start: Date) {
  let at = start;
  return { now: () => at, set: (d: Date) => void (at = d) };
}

async function replicas(n: number, o: { queuePrefix: string; now: () => Date; recorder: Recorder; env?: Record<string, string>; cron?: boolean }) {
  const config = loadConfig({ SUPERVISOR_CHAT_ID: SUPERVISORS, QUEUE_PREFIX: o.queuePrefix, ...o.env });
  const started = await Promise.all(
    Array.from({ length: n }, async () => {
      const conn: Redis = await t.connect({ forBullmq: true });
      // Each replica has its own stores over its own connection, as separate processes would.
      const client = await t.connect();
      return startWeekly({
        redis: { queue: conn },
        config,
        plans: summaryPlans(),
        store: createProgressStore(client, { prefix: t.prefix }),
        bindings: createBindingStore(client, { prefix: t.prefix }),
        send: o.recorder.send,
        tenants: ['local'],
        log: silentLogger('warn'),
        now: o.now,
        ...(o.cron === false ? { cron: false } : {}),
      });
    }),
  );
  handles.push(...started);
  return started;
}

const texts = (r: Reply) => r.blocks.flatMap((b: Block) => (b.kind === 'text' ? [b.text] : []));

describe('weekly rhythm with three replicas', () => {
  it('real cron ticks on every replica: each unit group with open tasks gets one 催报, the supervisors one summary', async () => {
    const recorder = new Recorder();
    // Sends go on through the real messenger to the fake Open API, which checks every card.
    const fake = await startFakeLark({ chats: [...Object.values(UNIT_CHATS), SUPERVISORS].map((chatId) => ({ chatId, name: chatId, members: [] })) });
    after.push(() => fake.close());
    const log = silentLogger('warn');
    const messenger = createMessenger({ client: createLarkClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url, log }), log, retry: { maxAttempts: 1 } });
    recorder.forward = (chatId, reply, uuid) => messenger.sendToChat(chatId, reply, uuid);
    // Wednesday: neither tick is due, and nothing is caught up at start.
    const clock = movableClock(new Date('2025-07-02T12:00:00+08:00'));
    // Every second on Thursdays / Fridays, so the real node-cron fires during the test.
    const env = { WEEKLY_CALL_CRON: '* * * * * 4', WEEKLY_SUMMARY_CRON: '* * * * * 5' };
    const [first] = await replicas(3, { queuePrefix: `${t.prefix}:a`, now: clock.now, recorder, env });
    expect(await first!.queue.getJobCounts()).toMatchObject({ waiting: 0, active: 0, completed: 0 });

    clock.set(NOW); // Thursday 3 July 2025, 10:00
    const units = ['县财政局', '县教育局', '县住建局', '县税务局'];
    await waitFor('a 催报 in every unit group', () => units.every((u) => recorder.to(UNIT_CHATS[u]!).length > 0));

    clock.set(new Date('2025-07-04T16:00:00+08:00'));
    await waitFor('the summary', () => recorder.to(SUPERVISORS).length > 0);
    // Let every replica tick a few more times; none of those ticks may send anything.
    await new Promise((r) => setTimeout(r, 2500));

    for (const u of units) expect(recorder.to(UNIT_CHATS[u]!)).toHaveLength(1);
    expect(recorder.to(UNIT_CHATS['县民政局']!)).toHaveLength(0);
    expect(recorder.to(SUPERVISORS)).toHaveLength(1);
    expect(recorder.sent).toHaveLength(units.length + 1);

    const jobs = await first!.queue.getJobs(['completed']);
    expect(jobs.map((j) => j.id).sort()).toEqual(['call-2025-W27', 'summary-2025-W27']);

    const call = recorder.to(UNIT_CHATS['县财政局']!)[0]!;
    expect(call.reply.title).toBe('请报送本周工作进展（2025-W27）');
    expect(texts(call.reply)[0]).toContain('县财政局有 2 项任务尚未办结（其中 1 项已逾期）。请于7月4日（周五）');
    const buttons = call.reply.blocks.flatMap((b) => (b.kind === 'actions' ? b.buttons.map((x) => x.value) : []));
    expect(buttons).toContainEqual({ action: 'progress', taskId: T.budget, unit: '县财政局', status: 'done', card: 'weekly-call' });

    const summary = recorder.to(SUPERVISORS)[0]!;
    expect(summary.reply.title).toBe('督办周报（2025-W27）');
    const table = summary.reply.blocks.find((b): b is Extract<Block, { kind: 'table' }> => b.kind === 'table')!;
    expect(table.rows.find((r) => r[0] === '县财政局')).toEqual(['县财政局', '4', '1', '1', '2', '0', '0', '1', '25%', '已报']);
    expect(summary.extras?.chart).toMatchObject({ type: 'bar', seriesField: 'status' });

    // What the groups received: one card each, accepted by the fake's card checks.
    for (const u of units) expect(fake.sentTo(UNIT_CHATS[u]!).map((m) => m.msgType)).toEqual(['interactive']);
    expect(fake.sentTo(SUPERVISORS)).toHaveLength(1);
    expect(JSON.stringify(fake.sentTo(UNIT_CHATS['县财政局']!)[0]!.content)).toContain('"weekly-call"');
  });
});

describe('catch-up at start-up', () => {
  it('a missed Friday 16:00 tick is caught up once, by whichever replica starts first, and not again on a later restart', async () => {
    const recorder = new Recorder();
    const queuePrefix = `${t.prefix}:b`;
    // The bot was down at 16:00 and comes back at 17:00 (default schedule).
    const late = () => new Date('2025-07-04T17:00:00+08:00');
    const [first] = await replicas(3, { queuePrefix, now: late, recorder, cron: false });
    await waitFor('the caught-up summary', () => recorder.to(SUPERVISORS).length > 0);
    await new Promise((r) => setTimeout(r, 1000));
    expect(recorder.to(SUPERVISORS)).toHaveLength(1);
    // Thursday's 催报 is not sent late on Friday: catch-up is for the same day.
    expect(recorder.sent).toHaveLength(1);
    expect((await first!.queue.getJob('summary-2025-W27'))?.data).toMatchObject({ via: 'catch-up', nominal: '2025-07-04', fireDate: '2025-07-04' });

    await Promise.all(handles.map((h) => h.stop()));
    handles = [];
    const again = await replicas(3, { queuePrefix, now: () => new Date('2025-07-04T18:30:00+08:00'), recorder, cron: false });
    expect(await again[0]!.catchUp()).toEqual([]);
    await new Promise((r) => setTimeout(r, 1000));
    expect(recorder.to(SUPERVISORS)).toHaveLength(1);
  });

  it('nothing is caught up before the tick time, or on a later day', async () => {
    const recorder = new Recorder();
    const early = await replicas(1, { queuePrefix: `${t.prefix}:c`, now: () => new Date('2025-07-04T15:59:00+08:00'), recorder, cron: false });
    expect(await early[0]!.queue.getJobCounts()).toMatchObject({ waiting: 0, active: 0, completed: 0, delayed: 0 });
    const saturday = await replicas(1, { queuePrefix: `${t.prefix}:d`, now: () => new Date('2025-07-05T09:00:00+08:00'), recorder, cron: false });
    expect(await saturday[0]!.catchUp()).toEqual([]);
    await new Promise((r) => setTimeout(r, 500));
    expect(recorder.sent).toHaveLength(0);
  });
});

describe('weekly worker', () => {
  const job = (data: WeeklyJobData) => ({ id: `${data.kind}-${data.week}`, data }) as Job<WeeklyJobData>;
  const callJob = job({ v: 1, kind: 'call', week: '2025-W27', nominal: '2025-07-03', fireDate: '2025-07-03', via: 'tick' });

  function processor(recorder: Recorder, tenantBindings = bindings) {
    return createWeeklyProcessor({
      connection: t.redis,
      plans: summaryPlans,
      store,
      bindings: tenantBindings,
      send: recorder.send,
      tenants: () => ['local'],
      supervisorsChat: () => SUPERVISORS,
      log: silentLogger('fatal'),
      now: () => NOW,
    });
  }

  it('a chat the bot was removed from is flagged and skipped; the others still get their card', async () => {
    const own = createBindingStore(t.redis, { prefix: `${t.prefix}:flag` });
    for (const [unit, chat] of Object.entries(UNIT_CHATS)) await own.bind('local', chat, unit, 'ou_admin');
    const recorder = new Recorder();
    recorder.fail = (chat) => (chat === 'oc_housing' ? new LarkApiError('im.message.create', 230002, 400, 'Bot is not in the chat') : undefined);
    const out = await processor(recorder, own)(callJob);
    expect(out).toMatchObject({ status: 'sent', skipped: 1 });
    expect(recorder.sent.map((s) => s.chatId).sort()).toEqual(['oc_education', 'oc_finance', 'oc_tax']);
    expect((await own.get('local', 'oc_housing'))?.flagged?.code).toBe(230002);
  });

  it('a transient failure fails the job (BullMQ retries it) and the retry reuses the same uuids', async () => {
    const recorder = new Recorder();
    let failures = 1;
    recorder.fail = (chat) => (chat === 'oc_tax' && failures-- > 0 ? new LarkApiError('im.message.create', 0, 502, 'bad gateway') : undefined);
    const run = processor(recorder);
    await expect(run(callJob)).rejects.toThrow(/1 weekly send\(s\) failed/u);
    const firstUuids = new Map(recorder.sent.map((s) => [s.chatId, s.uuid]));
    await run(callJob);
    // Lark drops a repeated uuid, so the cards already posted are not posted twice.
    for (const s of recorder.sent) if (firstUuids.has(s.chatId)) expect(s.uuid).toBe(firstUuids.get(s.chatId));
    expect(recorder.to('oc_tax')).toHaveLength(1);
  });

  it('a job found days after its week is dropped, not sent as news', async () => {
    const recorder = new Recorder();
    const stale = createWeeklyProcessor({
      connection: t.redis,
      plans: summaryPlans,
      store,
      bindings,
      send: recorder.send,
      tenants: () => ['local'],
      supervisorsChat: () => SUPERVISORS,
      log: silentLogger('fatal'),
      now: () => new Date('2025-07-08T09:00:00+08:00'),
    });
    expect(await stale(job({ v: 1, kind: 'summary', week: '2025-W27', nominal: '2025-07-04', fireDate: '2025-07-04', via: 'tick' }))).toEqual({ status: 'stale' });
    expect(recorder.sent).toHaveLength(0);
  });
});

describe('tenants', () => {
  it('every tenant with a bound chat or a progress log is served; none known yet means the local one', async () => {
    await createBindingStore(t.redis, { prefix: `${t.prefix}:ten` }).bind('tenant_b', 'oc_b', '县财政局', 'ou_admin');
    await createProgressStore(t.redis, { prefix: `${t.prefix}:ten` }).append({ ...summaryEvents[0]!, tenant: 'tenant_c' });
    expect(await scanTenants(t.redis, `${t.prefix}:ten`)).toEqual(['tenant_b', 'tenant_c']);
    expect(await tenantsFromRedis(t.redis, `${t.prefix}:nobody`)()).toEqual(['local']);
  });
});
