/**
 * Readiness fails for the reasons an operator must act on: a queue whose jobs
 * wait with no worker taking them, and a Lark app whose token is refused.
 * Real Redis and BullMQ, the real Lark client against the fake, curl over HTTP.
 */
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLarkClient } from '../../src/adapters/lark/client.js';
import { silentLogger } from '../../src/log.js';
import { checkReadiness } from '../../src/ops/health.js';
import { createOpsRoutes, startOpsServer, type OpsServer } from '../../src/ops/http.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { startFakeLark, type FakeLark } from '../fakes/lark-server.js';
import { useTestRedis } from '../support/redis.js';
import { curl } from './curl.js';

const t = useTestRedis('ops-health');
const log = silentLogger();
let queue: Queue;
let fake: FakeLark;
let server: OpsServer;
let tokenFails = false;

beforeAll(async () => {
  queue = new Queue('delivery', { connection: await t.connect({ forBullmq: true }), prefix: t.prefix });
  fake = await startFakeLark();
  const lark = createLarkClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url, log });
  const routes = createOpsRoutes({
    readiness: () =>
      checkReadiness({
        ping: () => t.redis.ping(),
        larkToken: async () => {
          if (tokenFails) fake.failNext({ path: /tenant_access_token/ }, { status: 200, code: 10014, msg: 'app secret invalid' });
          // A fresh client each time, so the check really asks Lark (the bot's client caches its token).
          return (tokenFails ? createLarkClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url, log }) : lark).token();
        },
        queues: [queue],
        stallSeconds: 60,
      }),
    metrics: createMetrics({ defaults: false }),
    log,
  });
  server = await startOpsServer({ routes, port: 0, host: '127.0.0.1', log });
});
afterAll(async () => {
  await server?.close();
  await queue?.close();
  await fake?.close();
});

const readyz = async () => {
  const r = await curl(`http://127.0.0.1:${server.port}/readyz`);
  return { status: r.status, body: JSON.parse(r.body) as { ready: boolean; checks: Record<string, { ok: boolean; detail?: string }> } };
};

describe('readiness', () => {
  it('is ready with an idle queue and a valid token', async () => {
    const r = await readyz();
    expect(r.status).toBe(200);
    expect(r.body.checks.lark?.ok).toBe(true);
    expect(r.body.checks['queue:delivery']).toEqual({ ok: true, detail: 'idle' });
  });

  it('is ready while a job has waited less than the stall window', async () => {
    await queue.add('deliver', { n: 1 }, { jobId: 'fresh' });
    expect((await readyz()).status).toBe(200);
    await queue.remove('fresh');
  });

  it('is not ready when a job waits past the window and nothing finished', async () => {
    await queue.add('deliver', { n: 2 }, { jobId: 'old', timestamp: Date.now() - 10 * 60_000 });
    const r = await readyz();
    expect(r.status).toBe(503);
    expect(r.body.ready).toBe(false);
    expect(r.body.checks['queue:delivery']?.ok).toBe(false);
    expect(r.body.checks['queue:delivery']?.detail).toMatch(/1 waiting, oldest for 6\d\d s/);
    expect(r.body.checks.redis?.ok).toBe(true);
  });

  it('is ready again once a worker takes the queue', async () => {
    const worker = new Worker('delivery', async () => 'sent', { connection: await t.connect({ forBullmq: true }), prefix: t.prefix });
    try {
      await new Promise<void>((resolve) => worker.once('completed', () => resolve()));
      expect((await readyz()).status).toBe(200);
    } finally {
      await worker.close();
    }
  });

  it('is not ready when Lark refuses the app credentials', async () => {
    tokenFails = true;
    const r = await readyz();
    tokenFails = false;
    expect(r.status).toBe(503);
    expect(r.body.checks.lark).toMatchObject({ ok: false });
    expect(r.body.checks.lark?.detail).toMatch(/10014|app secret invalid/);
  });

  it('is not ready when Redis does not answer in time', async () => {
    const r = await checkReadiness({ ping: () => new Promise(() => undefined), queues: [], timeoutMs: 200 });
    expect(r).toEqual({ ready: false, checks: { redis: { ok: false, detail: 'redis timed out after 200 ms' } } });
  });
});
