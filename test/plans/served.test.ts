import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { createPlanLibrary } from '../../src/plans/library.js';
import { loadServedPlans } from '../../src/plans/served.js';
import { useTestRedis } from '../support/redis.js';
import { PLAN_NAME, PLAN_V1, PLAN_V2 } from './fixtures.js';

const t = useTestRedis('plans-served');
const log = silentLogger('debug');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'duban-served-'));
  await writeFile(join(dir, PLAN_NAME), PLAN_V1);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('one-shot readers see what the bot serves: the bundled file replaced by its imported revision', async () => {
  const files = [join(dir, PLAN_NAME), join(dir, 'missing.txt')];
  const before = await loadServedPlans({ files, unitsFile: undefined, redis: t.redis, prefix: t.prefix, log });
  expect(before.plans.ledger.documents.flatMap((d) => d.tasks.map((x) => x.title))).toContain('推进IPv6规模部署');
  expect(before.rejected.map((r) => r.reason)).toEqual([`找不到文件 ${join(dir, 'missing.txt')}`]);
  await createPlanLibrary(t.redis, { prefix: t.prefix, log }).put(PLAN_NAME, Buffer.from(PLAN_V2), 'cli');
  const after = await loadServedPlans({ files, unitsFile: undefined, redis: t.redis, prefix: t.prefix, log });
  expect(after.plans.ledger.documents).toHaveLength(1);
  expect(after.plans.ledger.documents[0]!.tasks.map((x) => x.title)).toContain('建设智慧农机调度平台');
  expect(after.plans.ledger.documents[0]!.tasks.map((x) => x.title)).not.toContain('推进IPv6规模部署');
});
