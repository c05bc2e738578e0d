import { describe, expect, it } from 'vitest';
import { isDoneFromStore } from '../../src/progress/is-done.js';
import { createProgressStore } from '../../src/progress/store.js';
import type { ProgressEvent } from '../../src/progress/types.js';
import { UnitDirectory } from '../../src/units/directory.js';
import { useTestRedis } from '../support/redis.js';

const t = useTestRedis('is-done');
const dir = UnitDirectory.fromEntries([{ name: '庆元县发展和改革局', aliases: ['县发改局'] }]);

const ev = (over: Partial<Omit<ProgressEvent, 'id'>>): Omit<ProgressEvent, 'id'> => ({
  tenant: 'tn',
  taskId: 'p#1',
  unit: '县发改局',
  kind: 'report',
  status: 'done',
  note: '',
  by: 'ou_x',
  chatId: 'oc_x',
  at: '2024-07-01T00:00:00.000Z',
  ...over,
});

describe('isDone for the reminder worker', () => {
  it('is false while 待确认 and true once confirmed, matching the directory’s name to the plan’s spelling', async () => {
    const store = createProgressStore(t.redis, { prefix: `${t.prefix}:a` });
    const isDone = isDoneFromStore(store, undefined, dir);
    await store.append(ev({}));
    expect(await isDone('p#1', '庆元县发展和改革局', { tenant: 'tn' })).toBe(false);
    await store.append(ev({ kind: 'confirm', status: undefined }));
    expect(await isDone('p#1', '庆元县发展和改革局', { tenant: 'tn' })).toBe(true);
    expect(await isDone('p#1', '县发改局', { tenant: 'tn' })).toBe(true);
    // Another unit of the same task, another task, another tenant: not done.
    expect(await isDone('p#1', '县财政局', { tenant: 'tn' })).toBe(false);
    expect(await isDone('p#2', '县发改局', { tenant: 'tn' })).toBe(false);
    expect(await isDone('p#1', '县发改局', { tenant: 'other' })).toBe(false);
  });

  it('a return reopens: reminders resume', async () => {
    const store = createProgressStore(t.redis, { prefix: `${t.prefix}:b` });
    await store.append(ev({ kind: 'confirm', status: undefined }));
    await store.append(ev({ kind: 'return', status: undefined, note: '复核不合格' }));
    expect(await isDoneFromStore(store, 'tn')('p#1', '县发改局')).toBe(false);
  });
});
