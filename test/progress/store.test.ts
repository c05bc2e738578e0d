/**
 * The progress log on real Redis: what goes in comes out in order, state is
 * derived from it, a new process (store instance) sees everything, and a big
 * log is read page by page.
 */
import { describe, expect, it } from 'vitest';
import { createProgressStore } from '../../src/progress/store.js';
import { deriveState } from '../../src/progress/state.js';
import { progressKey, type ProgressEvent } from '../../src/progress/types.js';
import { silentLogger } from '../../src/log.js';
import { useTestRedis } from '../support/redis.js';

const t = useTestRedis('progress-store');

function base(over: Partial<Omit<ProgressEvent, 'id'>> = {}): Omit<ProgressEvent, 'id'> {
  return {
    tenant: 'tn',
    taskId: 'plan#一、（一）',
    unit: '县财政局',
    kind: 'report',
    status: 'in-progress',
    note: '',
    by: 'ou_a',
    byName: '张三',
    chatId: 'oc_a',
    at: '2024-07-01T01:00:00.000Z',
    ...over,
  };
}

describe('Redis progress store', () => {
  it('appends, keeps every field, and reads oldest first', async () => {
    const store = createProgressStore(t.redis, { prefix: `${t.prefix}:a` });
    const a = await store.append(base({ note: '已起草' }));
    const b = await store.append(base({ status: 'done', note: '已公开，见官网', at: '2024-07-02T01:00:00.000Z' }));
    expect(a.id < b.id || a.id.length < b.id.length).toBe(true);
    const all = await store.all('tn');
    expect(all).toEqual([a, b]);
    expect(all[1]).toMatchObject({ tenant: 'tn', status: 'done', note: '已公开，见官网', byName: '张三', chatId: 'oc_a' });
  });

  it('history is per task (and per unit when asked); tenants do not see each other', async () => {
    const store = createProgressStore(t.redis, { prefix: `${t.prefix}:h` });
    await store.append(base());
    await store.append(base({ unit: '县税务局', status: 'difficulty', note: '系统未上线' }));
    await store.append(base({ taskId: 'plan#二、（一）' }));
    await store.append(base({ tenant: 'other' }));
    expect((await store.history('tn', 'plan#一、（一）')).map((e) => e.unit)).toEqual(['县财政局', '县税务局']);
    expect((await store.history('tn', 'plan#一、（一）', '县税务局')).map((e) => e.note)).toEqual(['系统未上线']);
    expect(await store.history('tn', 'plan#三、（一）')).toEqual([]);
    expect(await store.count('tn')).toBe(3);
    expect(await store.count('other')).toBe(1);
  });

  it('derives state, and sees events appended after the first read', async () => {
    const store = createProgressStore(t.redis, { prefix: `${t.prefix}:s` });
    await store.append(base({ status: 'done' }));
    expect((await store.stateOf('tn', 'plan#一、（一）', '县财政局'))?.state).toBe('pending-confirm');
    await store.append(base({ kind: 'confirm', status: undefined, by: 'ou_sup', note: '同意销号' }));
    const s = await store.state('tn');
    expect(s.get(progressKey('plan#一、（一）', '县财政局'))).toMatchObject({ state: 'closed', note: '同意销号', updatedBy: 'ou_sup' });
    // The returned map is a copy: changing it changes nothing stored.
    s.clear();
    expect((await store.state('tn')).size).toBe(1);
  });

  it('survives a restart: a new store on the same prefix sees everything', async () => {
    const prefix = `${t.prefix}:r`;
    const first = createProgressStore(t.redis, { prefix });
    await first.append(base({ status: 'done' }));
    await first.append(base({ kind: 'return', status: undefined, note: '缺少佐证', by: 'ou_sup' }));
    const other = await t.connect();
    const second = createProgressStore(other, { prefix });
    expect((await second.all('tn')).map((e) => e.kind)).toEqual(['report', 'return']);
    expect((await second.stateOf('tn', 'plan#一、（一）', '县财政局'))).toMatchObject({ state: 'in-progress', note: '缺少佐证' });
  });

  it('refuses bad events and writes nothing', async () => {
    const store = createProgressStore(t.redis, { prefix: `${t.prefix}:bad` });
    await expect(store.append(base({ status: undefined }))).rejects.toThrow(/status/);
    await expect(store.append(base({ at: 'yesterday' }))).rejects.toThrow(/at/);
    await expect(store.append(base({ taskId: '' }))).rejects.toThrow(/taskId/);
    expect(await store.count('tn')).toBe(0);
  });

  it('skips a malformed entry on read with a log line instead of failing', async () => {
    const log = silentLogger();
    const prefix = `${t.prefix}:m`;
    const store = createProgressStore(t.redis, { prefix, log });
    await store.append(base());
    await t.redis.xadd(`${prefix}:{progress:tn}:log`, '*', 'v', '1', 'taskId', 'x', 'kind', 'explode');
    await store.append(base({ status: 'done' }));
    expect((await store.all('tn')).map((e) => e.status)).toEqual(['in-progress', 'done']);
    expect(log.lines.some((l) => l.event === 'progress.bad_entry')).toBe(true);
  });

  it('reads 100,000 events in COUNT-bounded pages, and state over them equals the fold', async () => {
    const prefix = `${t.prefix}:big`;
    const store = createProgressStore(t.redis, { prefix });
    const statuses = ['in-progress', 'difficulty', 'done', 'not-started'] as const;
    const N = 100_000;
    for (let i = 0; i < N; i += 10_000) {
      const batch: Array<Omit<ProgressEvent, 'id'>> = [];
      for (let j = i; j < i + 10_000; j++) {
        batch.push(base({ taskId: `p#${j % 5000}`, unit: `单位${j % 7}`, status: statuses[j % 4]!, note: j % 3 === 0 ? `说明${j}` : '' }));
      }
      await store.appendMany(batch);
    }
    expect(await store.count('tn')).toBe(N);

    let seen = 0;
    let largest = 0;
    let pages = 0;
    for await (const chunk of store.events('tn', { pageSize: 2000 })) {
      pages += 1;
      seen += chunk.length;
      largest = Math.max(largest, chunk.length);
    }
    expect(seen).toBe(N);
    expect(largest).toBeLessThanOrEqual(2000);
    expect(pages).toBe(N / 2000);

    const first = await store.page('tn', { count: 3 });
    expect(first.events).toHaveLength(3);
    const second = await store.page('tn', { after: first.next!, count: 3 });
    expect(second.events[0]!.id > first.events[2]!.id || second.events[0]!.id.length > first.events[2]!.id.length).toBe(true);

    const state = await createProgressStore(t.redis, { prefix }).state('tn');
    expect(state.size).toBe(new Set(Array.from({ length: N }, (_, j) => `${j % 5000}/${j % 7}`)).size);
    expect(state).toEqual(deriveState(await store.all('tn')));
    expect((await store.history('tn', 'p#42')).length).toBe(N / 5000);
  }, 120_000);
});
