import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLarkClient } from '../../../src/adapters/lark/client.js';
import { LarkApiError } from '../../../src/adapters/lark/errors.js';
import { createMessenger, fitUuid, replyUuid, type LarkMessenger } from '../../../src/adapters/lark/send.js';
import type { Reply } from '../../../src/chat/types.js';
import { silentLogger, type CapturedLogger } from '../../../src/log.js';
import { startFakeLark, type FakeLark } from '../../fakes/lark-server.js';
import { newMessageId } from '../../fakes/lark-events.js';
import { seedPlans } from '../../transcripts/seeds.js';
import { weeklyChartSpec } from '../../../src/summary/chart.js';
import { gatherSummary } from '../../../src/summary/gather.js';
import { weeklyReply } from '../../../src/summary/render.js';

const CHAT = 'oc_send_test';
const answer: Reply = { title: '减税降费', tone: 'blue', blocks: [{ kind: 'fields', items: [{ label: '牵头单位', value: '县税务局' }] }] };

let fake: FakeLark;
let log: CapturedLogger;
let messenger: LarkMessenger;
const waits: number[] = [];

beforeEach(async () => {
  const members = Array.from({ length: 250 }, (_, i) => ({ openId: `ou_m${i}`, name: `成员${i}` }));
  fake = await startFakeLark({ chats: [{ chatId: CHAT, name: '督办群', members }] });
  log = silentLogger('debug');
  const client = createLarkClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url, log });
  waits.length = 0;
  // Record the waits instead of sleeping them: retries are about what is waited, not wall time.
  messenger = createMessenger({ client, log, sleep: async (ms) => void waits.push(ms) });
});
afterEach(async () => {
  await fake.close();
});

describe('uuids', () => {
  it('are deterministic per message and reply index and fit Lark’s 50 characters', () => {
    const id = newMessageId();
    expect(replyUuid(id, 0)).toBe(replyUuid(id, 0));
    expect(replyUuid(id, 0)).not.toBe(replyUuid(id, 1));
    expect(replyUuid(id, 0).length).toBeLessThanOrEqual(50);
    const long = fitUuid('x'.repeat(80));
    expect(long.length).toBeLessThanOrEqual(50);
    expect(fitUuid('x'.repeat(80))).toBe(long);
  });
});

describe('LarkMessenger', () => {
  it('replies in the chat of the message, as a card with a derived uuid', async () => {
    const id = newMessageId();
    fake.registerMessage(id, CHAT);
    await messenger.replyTo(id, answer, 0);
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]).toMatchObject({ chatId: CHAT, replyTo: id, msgType: 'interactive', uuid: replyUuid(id, 0) });
    expect(JSON.stringify(fake.sent[0]!.content)).toContain('县税务局');
  });

  it('never double-posts when the same reply is sent again (retry after a crash)', async () => {
    const id = newMessageId();
    fake.registerMessage(id, CHAT);
    const a = await messenger.replyTo(id, answer, 0);
    const b = await messenger.replyTo(id, answer, 0);
    expect(fake.sent).toHaveLength(1);
    expect(b[0]!.messageId).toBe(a[0]!.messageId);
    await messenger.replyTo(id, answer, 1);
    expect(fake.sent).toHaveLength(2);
  });

  it('falls back to text when the card is refused (230099)', async () => {
    const id = newMessageId();
    fake.registerMessage(id, CHAT);
    fake.failNext({ path: /\/reply$/ }, { status: 400, code: 230099, msg: 'Failed to create card content' });
    const sent = await messenger.replyTo(id, { title: '回显', blocks: [{ kind: 'text', text: '<at user_id="all"></at> 你好' }] }, 0);
    expect(sent.map((s) => s.msgType)).toEqual(['text']);
    expect(fake.sent).toHaveLength(1);
    const text = (fake.sent[0]!.content as { text: string }).text;
    expect(text).toContain('你好');
    expect(text).not.toContain('<at');
    expect(log.lines.some((l) => l.event === 'lark_card_rejected' && l.code === 230099)).toBe(true);
  });

  it('waits x-ogw-ratelimit-reset seconds on 429 and then delivers once', async () => {
    fake.failNext(
      { path: '/open-apis/im/v1/messages' },
      { status: 429, code: 99991400, msg: 'request trigger frequency limit', headers: { 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': '2' } },
    );
    await messenger.sendToChat(CHAT, answer, 'reminder-t1-2024-07-01');
    expect(fake.sentTo(CHAT)).toHaveLength(1);
    expect(fake.sent[0]!.uuid).toBe('reminder-t1-2024-07-01');
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(2000);
    expect(waits[0]).toBeLessThan(2200);
  });

  it('retries a 5xx with backoff', async () => {
    fake.failNext({ path: '/open-apis/im/v1/messages' }, { status: 503, code: 0, msg: 'unavailable' }, 2);
    await messenger.sendToChat(CHAT, answer, 'u-5xx');
    expect(fake.sentTo(CHAT)).toHaveLength(1);
    expect(waits).toHaveLength(2);
    expect(waits[1]!).toBeGreaterThan(0);
  });

  it('does not retry a permission error (230027) and logs it without secrets', async () => {
    fake.failNext({ path: '/open-apis/im/v1/messages' }, { status: 400, code: 230027, msg: 'Lack of necessary permissions' }, 3);
    const err = await messenger.sendToChat(CHAT, answer, 'u-perm').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LarkApiError);
    expect((err as LarkApiError).code).toBe(230027);
    expect(fake.calls.filter((c) => c.path === '/open-apis/im/v1/messages')).toHaveLength(1);
    expect(waits).toHaveLength(0);
    const line = log.lines.find((l) => l.event === 'lark_send_failed');
    expect(line).toMatchObject({ code: 230027, chatId: CHAT, uuid: 'u-perm' });
    expect(JSON.stringify(log.lines)).not.toContain(fake.appSecret);
  });

  it('gives up on a 429 whose reset is too long to wait', async () => {
    fake.failNext({ path: '/open-apis/im/v1/messages' }, { status: 429, code: 99991400, headers: { 'x-ogw-ratelimit-reset': '3600' } });
    const err = (await messenger.sendToChat(CHAT, answer, 'u-long').catch((e: unknown) => e)) as LarkApiError;
    expect(err.status).toBe(429);
    expect(waits).toHaveLength(0);
  });

  it('sends a long reply as several parts with distinct uuids, all in the chat', async () => {
    const items = Array.from({ length: 400 }, (_, i) => `第${i + 1}项：推进政务公开标准化规范化建设（县政府办公室牵头）`);
    const sent = await messenger.sendToChat(CHAT, { title: '清单', blocks: [{ kind: 'list', items }] }, 'u-long-list');
    expect(sent.length).toBeGreaterThan(1);
    expect(new Set(sent.map((s) => s.uuid)).size).toBe(sent.length);
    expect(fake.sentTo(CHAT)).toHaveLength(sent.length);
  });

  it('lists chat members across pages', async () => {
    const members = await messenger.listChatMembers(CHAT);
    expect(members).toHaveLength(250);
    expect(members[249]).toEqual({ memberId: 'ou_m249', memberIdType: 'open_id', name: '成员249' });
    expect(fake.calls.filter((c) => c.path.endsWith('/members'))).toHaveLength(3);
  });

  it('fails loudly (not an empty list) when a members page fails', async () => {
    fake.failNext({ path: /\/members$/ }, { status: 400, code: 230002, msg: 'bot not in chat' });
    await expect(messenger.listChatMembers(CHAT)).rejects.toMatchObject({ code: 230002 });
  });

  it('lists the bot’s chats, uploads files and images, and updates a card', async () => {
    expect(await messenger.listChats()).toEqual([{ chatId: CHAT, name: '督办群' }]);
    const fileKey = await messenger.uploadFile({ fileName: '台账.xlsx', fileType: 'xls', data: Buffer.from('PK fake xlsx bytes') });
    expect(fileKey).toMatch(/^file_/);
    expect(fake.uploads[0]).toMatchObject({ kind: 'file', fields: { file_type: 'xls', file_name: '台账.xlsx' } });
    expect(fake.uploads[0]!.bytes).toBeGreaterThan(0);
    expect(await messenger.uploadImage(Buffer.from([0x89, 0x50, 0x4e, 0x47]))).toMatch(/^img_/);
    const [card] = await messenger.sendToChat(CHAT, answer, 'u-card');
    await messenger.updateCard(card!.messageId, { title: '已更新', tone: 'green', blocks: [{ kind: 'text', text: '进展：已完成' }] });
    expect(fake.updates).toHaveLength(1);
    expect(JSON.stringify(fake.updates[0]!.content)).toContain('已完成');
  });
});

describe('LarkMessenger: charts and files', () => {
  const spec = { type: 'bar', data: [{ id: 'status', values: [{ unit: '县财政局', status: '已办结', count: 1 }] }], xField: 'unit', yField: 'count', seriesField: 'status' };
  const tagsOf = (content: unknown) => (content as { body: { elements: Array<{ tag: string }> } }).body.elements.map((e) => e.tag);

  it('a chart passed to sendToChat is drawn at the end of the first card', async () => {
    const sent = await messenger.sendToChat(CHAT, answer, 'u-chart', { chart: spec });
    expect(sent.map((s) => s.msgType)).toEqual(['interactive']);
    expect(tagsOf(fake.sent[0]!.content)).toEqual(['markdown', 'chart']);
    expect((fake.sent[0]!.content as { body: { elements: Array<Record<string, unknown>> } }).body.elements[1]).toEqual({ tag: 'chart', aspect_ratio: '16:9', chart_spec: spec });
  });

  it('a card refused for its chart (230099) goes again without the chart, still a card, under a new uuid', async () => {
    fake.failNext({ path: '/open-apis/im/v1/messages' }, { status: 400, code: 230099, msg: 'Failed to create card content' });
    const sent = await messenger.sendToChat(CHAT, answer, 'u-chart-refused', { chart: spec });
    expect(sent).toEqual([expect.objectContaining({ msgType: 'interactive', uuid: 'u-chart-refused-n0' })]);
    expect(fake.sent).toHaveLength(1);
    expect(tagsOf(fake.sent[0]!.content)).toEqual(['markdown']);
    expect(JSON.stringify(fake.sent[0]!.content)).toContain('县税务局');
    expect(log.lines.some((l) => l.event === 'lark_chart_rejected' && l.code === 230099)).toBe(true);
  });

  it('a chart the platform cannot build (here: a spec without a type, refused by the fake’s checks) does not cost the message', async () => {
    const reply: Reply = { title: '周报', blocks: [{ kind: 'text', text: '汇总' }, { kind: 'chart', spec: { data: [] }, fallback: { kind: 'note', text: '（图表略）' } }] };
    const sent = await messenger.sendToChat(CHAT, reply, 'u-chart-bad');
    expect(sent.map((s) => s.msgType)).toEqual(['interactive']);
    expect(tagsOf(fake.sent[0]!.content)).toEqual(['markdown', 'markdown']);
    expect(JSON.stringify(fake.sent[0]!.content)).toContain('图表略');
  });

  it('when the card is refused again without the chart, the reply goes out as text', async () => {
    fake.failNext({ path: '/open-apis/im/v1/messages' }, { status: 400, code: 230099, msg: 'Failed to create card content' }, 2);
    const sent = await messenger.sendToChat(CHAT, answer, 'u-chart-text', { chart: spec });
    expect(sent.map((s) => s.msgType)).toEqual(['text']);
    expect((fake.sent[0]!.content as { text: string }).text).toContain('县税务局');
  });

  it('a retried send with a refused chart posts once (same uuids each time)', async () => {
    fake.failNext({ path: '/open-apis/im/v1/messages' }, { status: 400, code: 230099, msg: 'Failed to create card content' });
    const a = await messenger.sendToChat(CHAT, answer, 'u-chart-retry', { chart: spec });
    fake.failNext({ path: '/open-apis/im/v1/messages' }, { status: 400, code: 230099, msg: 'Failed to create card content' });
    const b = await messenger.sendToChat(CHAT, answer, 'u-chart-retry', { chart: spec });
    expect(b[0]!.messageId).toBe(a[0]!.messageId);
    expect(fake.sentTo(CHAT)).toHaveLength(1);
  });

  it('the weekly summary of the bundled seeds goes out with its chart in the first card, every card accepted', async () => {
    const plans = seedPlans();
    const summary = await gatherSummary({ plans, tenant: 'local', now: new Date('2022-12-22T10:00:00+08:00') });
    expect(summary.units.length).toBeGreaterThan(30);
    const sent = await messenger.sendToChat(CHAT, weeklyReply(summary), 'u-weekly-seeds', { chart: weeklyChartSpec(summary) });
    expect(sent.every((s) => s.msgType === 'interactive')).toBe(true);
    const charts = fake.sent.flatMap((m, i) => tagsOf(m.content).filter((t) => t === 'chart').map(() => i));
    expect(charts).toEqual([0]);
  });

  it('sendFile posts an uploaded file into the chat as a file message, once per uuid', async () => {
    const key = await messenger.uploadFile({ fileName: '台账.xlsx', fileType: 'xls', data: Buffer.from('PK fake xlsx bytes') });
    const a = await messenger.sendFile(CHAT, key, 'om_x-file');
    const b = await messenger.sendFile(CHAT, key, 'om_x-file');
    expect(a).toMatchObject({ msgType: 'file', uuid: 'om_x-file' });
    expect(b.messageId).toBe(a.messageId);
    expect(fake.sentTo(CHAT)).toEqual([expect.objectContaining({ msgType: 'file', content: { file_key: key } })]);
  });

  it('a file message naming no upload is refused, and the error says so', async () => {
    const err = (await messenger.sendFile(CHAT, 'file_v3_nosuchkey', 'u-file-bad').catch((e: unknown) => e)) as LarkApiError;
    expect(err).toBeInstanceOf(LarkApiError);
    expect(err.code).toBe(230001);
    expect(fake.sent).toHaveLength(0);
    expect(log.lines.some((l) => l.event === 'lark_send_failed' && l.msgType === 'file')).toBe(true);
  });
});

describe('LarkMessenger under the platform’s rate limits', () => {
  it('gets every message through a 2-per-second chat limit and a 3-per-second app limit', async () => {
    const limited = await startFakeLark({
      chats: [{ chatId: CHAT, name: '督办群', members: [] }],
      rateLimits: { chatPerSecond: 2, appPerSecond: 3 },
    });
    try {
      const l = silentLogger();
      // Real sleeps here: the limits are enforced by the fake's own clock.
      const m = createMessenger({ client: createLarkClient({ appId: limited.appId, appSecret: limited.appSecret, domain: limited.url, log: l }), log: l, retry: { maxAttempts: 8 } });
      await Promise.all(Array.from({ length: 5 }, (_, i) => m.sendToChat(CHAT, answer, `burst-${i}`)));
      expect(limited.sentTo(CHAT)).toHaveLength(5);
      const refused = limited.calls.filter((c) => c.code === 230020 || c.status === 429);
      expect(refused.length).toBeGreaterThan(0);
      expect(l.lines.filter((x) => x.event === 'lark_retry').length).toBe(refused.length);
    } finally {
      await limited.close();
    }
  });
});
