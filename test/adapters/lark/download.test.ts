/**
 * Downloading a file a user sent, through the real SDK against the fake Open
 * API: the bytes arrive intact, and the size cap holds whether the server
 * declares the length (refused before reading) or streams without one
 * (stopped while reading).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLarkClient } from '../../../src/adapters/lark/client.js';
import { DownloadTooLargeError } from '../../../src/adapters/lark/download.js';
import { LarkApiError } from '../../../src/adapters/lark/errors.js';
import { createMessenger, type LarkMessenger } from '../../../src/adapters/lark/send.js';
import { silentLogger } from '../../../src/log.js';
import { newMessageId } from '../../fakes/lark-events.js';
import { startFakeLark, type FakeLark } from '../../fakes/lark-server.js';

let fake: FakeLark;
let messenger: LarkMessenger;
const log = silentLogger('debug');

beforeAll(async () => {
  fake = await startFakeLark({ chats: [{ chatId: 'oc_dl', name: 'dl', members: [] }] });
  const client = createLarkClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url, log });
  messenger = createMessenger({ client, log, retry: { maxAttempts: 1 } });
});
afterAll(() => fake?.close());

function file(data: Buffer, opts: { chunked?: boolean; fileName?: string } = {}) {
  const messageId = newMessageId();
  const { fileKey } = fake.registerFile({ messageId, chatId: 'oc_dl', fileName: opts.fileName ?? 'plan.txt', data, ...(opts.chunked ? { chunked: true } : {}) });
  return { messageId, fileKey };
}

describe('LarkMessenger.downloadFile', () => {
  it('returns the exact bytes the user sent', async () => {
    const data = Buffer.concat([Buffer.from('一、总体要求\n', 'utf8'), Buffer.from([0xd6, 0xd0, 0xce, 0xc4])]);
    const { messageId, fileKey } = file(data);
    expect((await messenger.downloadFile(messageId, fileKey)).equals(data)).toBe(true);
    expect(fake.downloads.at(-1)).toEqual({ messageId, fileKey, bytes: data.length });
  });

  it('refuses a file whose declared length is over the cap', async () => {
    const { messageId, fileKey } = file(Buffer.alloc(2048, 0x61));
    await expect(messenger.downloadFile(messageId, fileKey, { maxBytes: 1024 })).rejects.toBeInstanceOf(DownloadTooLargeError);
    expect(log.lines.filter((l) => l.event === 'lark_download_refused').at(-1)).toMatchObject({ messageId, declared: 2048 });
  });

  it('stops a streamed file without a length once it passes the cap', async () => {
    const { messageId, fileKey } = file(Buffer.alloc(300_000, 0x61), { chunked: true });
    const err = await messenger.downloadFile(messageId, fileKey, { maxBytes: 1024 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadTooLargeError);
    expect((err as DownloadTooLargeError).code).toBe('too-large');
    // Stopped while reading: at most one chunk past the cap was held.
    const line = log.lines.filter((l) => l.event === 'lark_download_refused').at(-1)!;
    expect(line).toMatchObject({ messageId });
    expect(line.declared).toBeUndefined();
    expect(line.seen as number).toBeLessThan(300_000);
    // Under the cap the same streamed file comes through whole.
    expect((await messenger.downloadFile(messageId, fileKey, { maxBytes: 400_000 })).length).toBe(300_000);
  });

  it('a key the message does not carry is an API error, not bytes', async () => {
    const { messageId } = file(Buffer.from('x'));
    const other = file(Buffer.from('y'));
    const err = await messenger.downloadFile(messageId, other.fileKey).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LarkApiError);
    expect((err as LarkApiError).status).toBe(400);
  });
});

describe('LarkMessenger.fileOfMessage', () => {
  it('names the file a file message carries, and nothing for a text message', async () => {
    const { messageId, fileKey } = file(Buffer.from('x'), { fileName: '2025年工作要点.txt' });
    expect(await messenger.fileOfMessage(messageId)).toEqual({ kind: 'file', key: fileKey, name: '2025年工作要点.txt' });
    const text = newMessageId();
    fake.registerMessage(text, 'oc_dl');
    expect(await messenger.fileOfMessage(text)).toBeUndefined();
  });
});
