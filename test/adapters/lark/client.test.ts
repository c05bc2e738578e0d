import * as lark from '@larksuiteoapi/node-sdk';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLarkClient, type LarkClient } from '../../../src/adapters/lark/client.js';
import { sdkLogger } from '../../../src/adapters/lark/sdk-logger.js';
import { LarkApiError } from '../../../src/adapters/lark/errors.js';
import { silentLogger } from '../../../src/log.js';
import { startFakeLark, type FakeLark } from '../../fakes/lark-server.js';

const botInfo = (c: LarkClient) => c.call('bot.info', (sdk) => sdk.request<{ code: number; bot?: { open_id: string } }>({ method: 'GET', url: '/open-apis/bot/v3/info' }));

const sendText = (c: LarkClient, uuid?: string) =>
  c.call('message.create', (sdk) =>
    sdk.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: 'oc_chat', msg_type: 'text', content: JSON.stringify({ text: '你好' }), ...(uuid ? { uuid } : {}) },
    }),
  );

let fake: FakeLark;
beforeEach(async () => {
  fake = await startFakeLark({ tokenDelayMs: 50, chats: [{ chatId: 'oc_chat', name: '群', members: [] }] });
});
afterEach(async () => {
  await fake.close();
});

describe('LarkClient token handling (real SDK against the fake Open API)', () => {
  it('makes one token request for 20 concurrent cold calls', async () => {
    const client = createLarkClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url, log: silentLogger() });
    const results = await Promise.all(Array.from({ length: 20 }, () => botInfo(client)));
    expect(results.every((r) => r.bot?.open_id === fake.bot.openId)).toBe(true);
    expect(fake.tokenRequests).toBe(1);
  });

  it('(baseline) the bare SDK makes one token request per concurrent cold call', async () => {
    // Documents why the single flight exists; if the SDK ever fixes this, this test says so.
    const sdk = new lark.Client({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url, cache: new lark.DefaultCache(), logger: sdkLogger(silentLogger()) });
    await Promise.all(Array.from({ length: 5 }, () => sdk.request({ method: 'GET', url: '/open-apis/bot/v3/info' })));
    expect(fake.tokenRequests).toBe(5);
  });

  it('on an invalid token (99991663) fetches a new one and retries once: the message is sent once', async () => {
    const client = createLarkClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url, log: silentLogger() });
    await botInfo(client);
    fake.revokeTokens();
    const res = await sendText(client, 'retry-once-1');
    expect(res.code).toBe(0);
    expect(fake.tokenRequests).toBe(2);
    expect(fake.sent).toHaveLength(1);
    expect(fake.calls.filter((c) => c.code === 99991663)).toHaveLength(1);
  });

  it('gives up after one retry when the token keeps being refused', async () => {
    const client = createLarkClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url, log: silentLogger() });
    fake.failNext({ path: '/open-apis/im/v1/messages' }, { status: 400, code: 99991663, msg: 'Invalid access token' }, 5);
    const err = await sendText(client).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LarkApiError);
    expect((err as LarkApiError).code).toBe(99991663);
    expect(fake.calls.filter((c) => c.path === '/open-apis/im/v1/messages')).toHaveLength(2);
  });

  it('turns a 2xx answer with a non-zero code into an error', async () => {
    const client = createLarkClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url, log: silentLogger() });
    fake.failNext({ path: '/open-apis/im/v1/messages' }, { status: 200, code: 230027, msg: 'Lack of necessary permissions' });
    const err = (await sendText(client).catch((e: unknown) => e)) as LarkApiError;
    expect(err).toBeInstanceOf(LarkApiError);
    expect(err.toLog()).toMatchObject({ op: 'message.create', status: 200, code: 230027 });
    expect(fake.sent).toHaveLength(0);
  });

  it('reports a wrong app secret as an error without the secret in it or in the logs', async () => {
    const log = silentLogger('trace');
    const client = createLarkClient({ appId: fake.appId, appSecret: 'wrong-secret-value', domain: fake.url, log });
    const err = (await botInfo(client).catch((e: unknown) => e)) as LarkApiError;
    expect(err.code).toBe(10014);
    expect(err.message).not.toContain('wrong-secret-value');
    expect(JSON.stringify(log.lines)).not.toContain('wrong-secret-value');
  });

  it('renews the token in the background inside the refresh window, and fetches anew once it is too old', async () => {
    let now = Date.now();
    const client = createLarkClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url, log: silentLogger(), now: () => now });
    const first = await client.token();
    expect(fake.tokenRequests).toBe(1);
    // 5 minutes before expiry: inside the 10-minute refresh window, still usable.
    now += (7200 - 300) * 1000;
    expect(await client.token()).toBe(first);
    await vi.waitFor(async () => expect(await client.token()).not.toBe(first), { timeout: 2000 });
    const renewed = await client.token();
    expect(fake.tokenRequests).toBe(2);
    expect((await botInfo(client)).code).toBe(0);
    // Past the renewed token's lifetime: the next call waits for a fresh one.
    now += 7200 * 1000;
    expect(await client.token()).not.toBe(renewed);
    expect(fake.tokenRequests).toBe(3);
  });

  it('never logs tokens or the app secret, even when the SDK logs an HTTP error', async () => {
    const log = silentLogger('trace');
    const client = createLarkClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url, log });
    fake.failNext({ path: '/open-apis/im/v1/messages' }, { status: 400, code: 230001, msg: 'invalid param' });
    await sendText(client).catch(() => undefined);
    const text = JSON.stringify(log.lines);
    expect(log.lines.some((l) => l.component === 'lark-sdk')).toBe(true);
    expect(text).not.toContain(fake.appSecret);
    expect(text).not.toMatch(/t-[0-9a-f]{32}/);
    expect(text).not.toMatch(/Bearer/);
  });
});
