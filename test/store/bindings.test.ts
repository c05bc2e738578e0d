import { describe, expect, it } from 'vitest';
import { createBindingStore } from '../../src/store/bindings.js';
import { useTestRedis } from '../support/redis.js';

const t = useTestRedis('bindings');
const store = () => createBindingStore(t.redis, { prefix: t.prefix, now: () => new Date('2022-07-01T01:00:00Z') });

describe('binding store (real Redis)', () => {
  it('binds a chat to a unit and finds it both ways', async () => {
    const s = store();
    expect(await s.bind('tA', 'oc_fin', '县财政局', 'ou_admin')).toBeUndefined();
    expect(await s.get('tA', 'oc_fin')).toEqual({ unit: '县财政局', by: 'ou_admin', at: '2022-07-01T01:00:00.000Z' });
    expect((await s.chatsForUnit('tA', '县财政局')).map((c) => c.chatId)).toEqual(['oc_fin']);
  });

  it('lets a unit have several chats and moves a rebound chat off its old unit', async () => {
    const s = store();
    await s.bind('tB', 'oc_1', '县发改局', 'ou_a');
    await s.bind('tB', 'oc_2', '县发改局', 'ou_a');
    expect((await s.chatsForUnit('tB', '县发改局')).map((c) => c.chatId)).toEqual(['oc_1', 'oc_2']);
    const previous = await s.bind('tB', 'oc_2', '县住建局', 'ou_b');
    expect(previous?.unit).toBe('县发改局');
    expect((await s.chatsForUnit('tB', '县发改局')).map((c) => c.chatId)).toEqual(['oc_1']);
    expect((await s.chatsForUnit('tB', '县住建局')).map((c) => c.chatId)).toEqual(['oc_2']);
    expect((await s.list('tB')).map((b) => `${b.unit}/${b.chatId}`)).toEqual(['县住建局/oc_2', '县发改局/oc_1']);
  });

  it('unbinds from both directions and reports what was removed', async () => {
    const s = store();
    await s.bind('tC', 'oc_x', '县教育局', 'ou_a');
    expect((await s.unbind('tC', 'oc_x'))?.unit).toBe('县教育局');
    expect(await s.get('tC', 'oc_x')).toBeUndefined();
    expect(await s.chatsForUnit('tC', '县教育局')).toEqual([]);
    expect(await s.unbind('tC', 'oc_x')).toBeUndefined();
  });

  it('keeps tenants apart', async () => {
    const s = store();
    await s.bind('tD1', 'oc_same', '县财政局', 'ou_a');
    expect(await s.get('tD2', 'oc_same')).toBeUndefined();
    expect(await s.chatsForUnit('tD2', '县财政局')).toEqual([]);
  });

  it('survives a new connection (state lives in Redis, not the process)', async () => {
    await store().bind('tE', 'oc_keep', '县卫生健康局', 'ou_a');
    const other = await t.connect();
    const again = createBindingStore(other, { prefix: t.prefix });
    expect((await again.get('tE', 'oc_keep'))?.unit).toBe('县卫生健康局');
    expect((await again.chatsForUnit('tE', '县卫生健康局')).map((c) => c.chatId)).toEqual(['oc_keep']);
  });

  it('flags a binding after a permission error and clears the flag on rebinding', async () => {
    const s = store();
    await s.bind('tF', 'oc_gone', '县司法局', 'ou_a');
    expect(await s.flag('tF', 'oc_gone', 230002, 'bot not in chat')).toBe(true);
    expect((await s.chatsForUnit('tF', '县司法局'))[0]?.flagged).toMatchObject({ code: 230002 });
    await s.bind('tF', 'oc_gone', '县司法局', 'ou_a');
    expect((await s.get('tF', 'oc_gone'))?.flagged).toBeUndefined();
    expect(await s.flag('tF', 'oc_never', 230027, 'no permission')).toBe(false);
    expect(await s.get('tF', 'oc_never')).toBeUndefined();
  });
});
