import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/adapters/console/render.js';
import { createAuditLog } from '../../src/audit/log.js';
import { createBot } from '../../src/chat/bot.js';
import { silentLogger } from '../../src/log.js';
import { PlanError } from '../../src/plan/errors.js';
import { parsePlan } from '../../src/plan/parse.js';
import type { PlanDocument } from '../../src/plan/schema.js';
import { createPlanLibrary } from '../../src/plans/library.js';
import { createPlanRegistry, DuplicateDocumentError, type PlanRegistry } from '../../src/plans/registry.js';
import { UnitDirectory } from '../../src/units/directory.js';
import { msg } from '../chat/fixtures.js';
import { waitFor } from '../jobs/helpers.js';
import { useTestRedis } from '../support/redis.js';
import { GARBLED, PLAN_NAME, PLAN_V1, PLAN_V2 } from './fixtures.js';

/**
 * The registry on real Redis: what the bot serves after an import, a refused
 * file, a revision, a restart, and a change made by another replica.
 */

const t = useTestRedis('plan-registry');
const log = silentLogger('debug');
const OTHER = `河阳市2025年数字政府建设工作要点

一、夯实数字基础设施
（一）推进政务云建设。9月底前完成市级政务云资源扩容。（市大数据中心牵头负责）
`;
const other = parsePlan(OTHER, 'heyang-2025.txt');

function registry(prefix: string, bundled: PlanDocument[] = [other]): PlanRegistry {
  return createPlanRegistry({
    bundled,
    units: UnitDirectory.empty(),
    library: createPlanLibrary(t.redis, { prefix, log }),
    audit: createAuditLog(t.redis, { prefix, log }),
    log,
  });
}

/** What a user reads after asking the bot, with the registry's plans. */
async function ask(r: PlanRegistry, text: string): Promise<string> {
  const bot = createBot({ plans: r.current, clock: { now: () => new Date('2025-06-02T09:00:00+08:00') }, log });
  const out: string[] = [];
  await bot.handle(msg(text), { reply: async (reply) => void out.push(renderText(reply)) });
  return out.join('\n\n');
}

const req = (data: string | Buffer, name = PLAN_NAME) => ({ name, data: Buffer.from(data), by: 'ou_admin', byName: '王管理', tenant: 'tn1', chatId: 'oc_p2p' });

describe('plan registry (real Redis)', () => {
  it('an imported plan is answered from at once, and the load is audited', async () => {
    const prefix = `${t.prefix}:import`;
    const r = registry(prefix);
    await r.load();
    expect(await ask(r, '政务云扩容谁牵头')).not.toContain('县数据局');
    const res = await r.importPlan(req(PLAN_V1));
    expect(res).toMatchObject({ replaced: 'none', replan: { kind: 'none' } });
    expect(r.current().ledger.documents.map((d) => d.file)).toEqual(['heyang-2025.txt', PLAN_NAME]);
    expect(await ask(r, '政务云扩容谁牵头')).toContain('县数据局');
    const [entry] = await createAuditLog(t.redis, { prefix, log }).recent('tn1');
    expect(entry).toMatchObject({ action: 'plan-load', by: 'ou_admin', byName: '王管理', chatId: 'oc_p2p', subject: PLAN_NAME, detail: { tasks: '4', withLeads: '3', withDeadlines: '3', replaced: 'none' } });
  });

  it('a garbled, empty or task-less file is refused with the parser’s message and nothing changes', async () => {
    const prefix = `${t.prefix}:garbled`;
    const r = registry(prefix);
    await r.load();
    const before = r.current();
    for (const [data, code] of [[GARBLED, 'unreadable'], ['  \n', 'empty'], ['一些说明文字，没有任何编号条目。', 'no-tasks']] as const) {
      const err = await r.importPlan(req(data)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PlanError);
      expect((err as PlanError).code).toBe(code);
      expect((err as PlanError).message).toContain(PLAN_NAME);
    }
    // Read by content, not by name: a picture named .txt is refused as a picture.
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const pic = await r.importPlan(req(png, '要点.txt')).catch((e: unknown) => e);
    expect((pic as PlanError).code).toBe('unsupported');
    expect((pic as PlanError).message).toContain('图片');
    expect(r.current()).toBe(before);
    expect(await r.imported()).toEqual([]);
    expect(await createAuditLog(t.redis, { prefix, log }).recent('tn1')).toEqual([]);
  });

  it('a revised plan with a bundled file’s name replaces it; removing the import brings the bundled one back', async () => {
    const prefix = `${t.prefix}:revise`;
    const r = registry(prefix, [parsePlan(PLAN_V1, PLAN_NAME), other]);
    const hookRuns: string[][] = [];
    r.onReload(async (plans) => void hookRuns.push(plans.ledger.documents.flatMap((d) => d.tasks.map((x) => x.title))));
    await r.load();
    expect(await ask(r, '智慧农机调度平台谁牵头')).not.toContain('县农业农村局');

    const res = await r.importPlan(req(PLAN_V2));
    expect(res.replaced).toBe('bundled');
    expect(res.diff.added.map((x) => x.title)).toEqual(['建设智慧农机调度平台']);
    expect(res.diff.removed.map((x) => x.title)).toEqual(['推进IPv6规模部署']);
    // Same place in the list, one document for the name, the new text answering.
    expect(r.current().ledger.documents.map((d) => d.file)).toEqual([PLAN_NAME, 'heyang-2025.txt']);
    expect(await ask(r, '智慧农机调度平台谁牵头')).toContain('县农业农村局');
    expect(await ask(r, '/截止 7月')).toContain('推进政务云扩容');
    expect(hookRuns.at(-1)).toContain('建设智慧农机调度平台');
    expect(hookRuns.at(-1)).not.toContain('推进IPv6规模部署');

    const removed = await r.removePlan({ name: PLAN_NAME, by: 'ou_admin', tenant: 'tn1' });
    expect(removed).toMatchObject({ removed: true, restored: { file: PLAN_NAME } });
    expect(await ask(r, '智慧农机调度平台谁牵头')).not.toContain('县农业农村局');
    expect(r.current().ledger.documents.find((d) => d.file === PLAN_NAME)!.tasks).toHaveLength(4);
    expect(await r.removePlan({ name: PLAN_NAME, by: 'ou_admin', tenant: 'tn1' })).toEqual({ removed: false, name: PLAN_NAME });
  });

  it('survives a restart: a new registry on the same Redis serves the imported plan, and audits the start-up load', async () => {
    const prefix = `${t.prefix}:restart`;
    const first = registry(prefix);
    await first.load();
    await first.importPlan(req(PLAN_V1));
    await first.close();

    const second = registry(prefix);
    expect(await ask(second, '政务云扩容谁牵头')).not.toContain('县数据局'); // not loaded yet: bundled only
    expect(await second.load({ auditTenants: ['tn2'] })).toEqual({ imported: 1, rejected: [] });
    expect(await ask(second, '政务云扩容谁牵头')).toContain('县数据局');
    const audited = await createAuditLog(t.redis, { prefix, log }).recent('tn2');
    // One entry for the start, whatever the number of documents.
    expect(audited.map((e) => [e.by, e.subject, e.detail])).toEqual([['system', 'start', { documents: '2', tasks: expect.any(String), imported: '1', reason: 'start' }]]);
  });

  it('a second replica reloads when the first imports (pub/sub), and runs its own hooks', async () => {
    const prefix = `${t.prefix}:replicas`;
    const a = registry(prefix);
    const b = registry(prefix);
    await Promise.all([a.load(), b.load()]);
    let bReloads = 0;
    b.onReload(async () => void (bReloads += 1));
    await b.listen();
    try {
      await a.importPlan(req(PLAN_V1));
      await waitFor('replica b to serve the import', () => b.current().ledger.documents.some((d) => d.file === PLAN_NAME) || undefined, 5000);
      expect(await ask(b, '政务云扩容谁牵头')).toContain('县数据局');
      await waitFor('replica b hook', () => bReloads === 1 || undefined, 5000);

      await a.importPlan(req(PLAN_V2));
      await waitFor('replica b to serve the revision', () => b.current().ledger.documents.some((d) => d.tasks.some((x) => x.title === '建设智慧农机调度平台')) || undefined, 5000);
      await a.removePlan({ name: PLAN_NAME, by: 'cli', tenant: 'tn1' });
      await waitFor('replica b to drop it', () => !b.current().ledger.documents.some((d) => d.file === PLAN_NAME) || undefined, 5000);
      expect(await ask(b, '政务云扩容谁牵头')).not.toContain('县数据局');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('a replica whose subscriber lost its connection catches up on reconnect (version check), even though the note was missed', async () => {
    const prefix = `${t.prefix}:resync`;
    const name = `plan-resync-${process.pid}-${Date.now()}`;
    // The subscriber is a duplicate of this client and keeps its name, so it can be found and cut.
    const own2 = (await t.connect()).duplicate({ connectionName: name });
    const r = createPlanRegistry({ bundled: [other], units: UnitDirectory.empty(), library: createPlanLibrary(own2, { prefix, log }), log });
    await r.load();
    await r.listen();
    try {
      // A change stored without a note (as if published while this subscriber was away).
      const data = Buffer.from(PLAN_V1);
      const entry = { name: PLAN_NAME, data: data.toString('base64'), by: 'cli', at: new Date().toISOString(), sha256: 'x'.repeat(64) };
      await t.redis.multi().hset(`${prefix}:{plans}:library`, PLAN_NAME, JSON.stringify(entry)).incr(`${prefix}:{plans}:version`).exec();
      await new Promise((res) => setTimeout(res, 200));
      expect(r.current().ledger.documents.map((d) => d.file)).toEqual(['heyang-2025.txt']);
      const subscriber = String(await t.redis.client('LIST'))
        .split('\n')
        .find((l) => l.includes(`name=${name}`) && /\bsub=1\b/u.test(l));
      expect(subscriber).toBeDefined();
      await t.redis.client('KILL', 'ID', /\bid=(\d+)/u.exec(subscriber!)![1]!);
      await waitFor('the resync after reconnect', () => r.current().ledger.documents.some((d) => d.file === PLAN_NAME) || undefined, 5000);
    } finally {
      await r.close();
      own2.disconnect();
    }
  });

  it('a failing hook does not undo the load; the outcome says it failed', async () => {
    const r = registry(`${t.prefix}:hookfail`);
    r.onReload(async () => {
      throw new Error('queue unavailable');
    });
    await r.load();
    const res = await r.importPlan(req(PLAN_V1));
    expect(res.replan).toEqual({ kind: 'failed', error: 'queue unavailable' });
    expect(await ask(r, '政务云扩容谁牵头')).toContain('县数据局');
  });

  it('the same 文号 under another name is the same document: an imported copy is replaced, a bundled one is not doubled', async () => {
    const prefix = `${t.prefix}:docnumber`;
    const numbered = (title: string, lead: string) =>
      `${title}\n河政办发〔2025〕12号\n\n一、重点任务\n（一）推进政务云建设。9月底前完成扩容。（${lead}牵头负责）\n（二）完善数据共享目录。年底前完成。（市数据局牵头负责）\n`;
    const bundled = parsePlan(numbered('河阳市2025年数字政府工作要点', '市大数据中心'), 'bundled.txt');
    const r = registry(prefix, [bundled]);
    await r.load();
    const dup = await r.importPlan(req(numbered('河阳市2025年数字政府工作要点', '市数据局'), '另一个名字.txt')).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(DuplicateDocumentError);
    expect((dup as PlanError).message).toContain('bundled.txt');
    expect(r.current().ledger.documents.map((d) => d.file)).toEqual(['bundled.txt']);

    const r2 = registry(`${prefix}:2`, [other]);
    await r2.load();
    await r2.importPlan(req(numbered('河阳市2025年数字政府工作要点', '市大数据中心'), '第一版.txt'));
    const res = await r2.importPlan(req(numbered('河阳市2025年数字政府工作要点（修订）', '市数据局'), '第二版.txt'));
    expect(res.sameDocNumber).toBe('第一版.txt');
    expect(r2.current().ledger.documents.map((d) => d.file)).toEqual(['heyang-2025.txt', '第二版.txt']);
    expect((await r2.imported()).map((e) => e.name)).toEqual(['第二版.txt']);
    expect(await ask(r2, '政务云建设谁牵头')).toContain('市数据局');
    await Promise.all([r.close(), r2.close()]);
  });
});
