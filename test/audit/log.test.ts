import { describe, expect, it } from 'vitest';
import { createAuditLog } from '../../src/audit/log.js';
import { silentLogger } from '../../src/log.js';
import { useTestRedis } from '../support/redis.js';

const t = useTestRedis('audit');

describe('audit log', () => {
  it('keeps who, when and what in Redis and writes one structured line per change', async () => {
    const log = silentLogger();
    const audit = createAuditLog(t.redis, { prefix: t.prefix, log, now: () => new Date('2024-07-10T01:00:00Z') });
    await audit.record({ tenant: 'tn', action: 'bind', by: 'ou_admin', byName: '管理员', chatId: 'oc_1', subject: '县财政局', detail: { previous: '' } });
    await audit.record({ tenant: 'tn', action: 'report', by: 'ou_u', chatId: 'oc_1', subject: 'plan#一、（一）', detail: { unit: '县财政局', status: 'done' } });
    const recent = await audit.recent('tn');
    expect(recent.map((e) => e.action)).toEqual(['report', 'bind']);
    expect(recent[1]).toMatchObject({ by: 'ou_admin', byName: '管理员', chatId: 'oc_1', subject: '县财政局', at: '2024-07-10T01:00:00.000Z' });
    expect(recent[0]!.detail).toEqual({ unit: '县财政局', status: 'done' });
    const lines = log.lines.filter((l) => l.event === 'audit');
    expect(lines.map((l) => l.action)).toEqual(['bind', 'report']);
    expect(lines[1]).toMatchObject({ tenant: 'tn', by: 'ou_u', subject: 'plan#一、（一）' });
  });

  it('a Redis failure is logged with the whole entry and does not throw', async () => {
    const log = silentLogger();
    const broken = await t.connect();
    await broken.quit();
    const audit = createAuditLog(broken, { prefix: t.prefix, log });
    await expect(audit.record({ tenant: 'tn', action: 'unbind', by: 'ou_admin', subject: '县税务局' })).resolves.toBeUndefined();
    const line = log.lines.find((l) => l.msg === 'audit entry not stored in Redis');
    expect(line).toMatchObject({ action: 'unbind', by: 'ou_admin', subject: '县税务局' });
  });
});
