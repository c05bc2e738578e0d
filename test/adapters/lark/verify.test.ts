import { createHash, randomBytes } from 'node:crypto';
import * as lark from '@larksuiteoapi/node-sdk';
import { describe, expect, it } from 'vitest';
import {
  checkSignature,
  checkTimestamp,
  checkToken,
  computeSignature,
  decryptPayload,
  encryptPayload,
} from '../../../src/adapters/lark/verify.js';

const KEY = 'test-encrypt-key-abc';

describe('signature', () => {
  it('matches the documented formula hex(sha256(timestamp + nonce + encryptKey + body))', () => {
    const body = '{"encrypt":"abc"}';
    const expected = createHash('sha256').update(`1700000000nonce1${KEY}${body}`).digest('hex');
    expect(computeSignature('1700000000', 'nonce1', KEY, body)).toBe(expected);
    expect(checkSignature({ timestamp: '1700000000', nonce: 'nonce1', signature: expected, body, encryptKey: KEY })).toEqual({ ok: true });
  });

  it('rejects a signature made with another key, a changed body, or missing headers, with a reason', () => {
    const body = '{"encrypt":"abc"}';
    const forged = computeSignature('1700000000', 'n', 'other-key', body);
    expect(checkSignature({ timestamp: '1700000000', nonce: 'n', signature: forged, body, encryptKey: KEY })).toEqual({ ok: false, reason: 'signature_mismatch' });
    const good = computeSignature('1700000000', 'n', KEY, body);
    expect(checkSignature({ timestamp: '1700000000', nonce: 'n', signature: good, body: body + ' ', encryptKey: KEY }).ok).toBe(false);
    // The timestamp is signed: moving it (to dodge the replay window) breaks the signature.
    expect(checkSignature({ timestamp: '1700000300', nonce: 'n', signature: good, body, encryptKey: KEY }).ok).toBe(false);
    expect(checkSignature({ timestamp: undefined, nonce: 'n', signature: good, body, encryptKey: KEY })).toEqual({ ok: false, reason: 'signature_headers_missing' });
  });
});

describe('decrypt', () => {
  it('round-trips and agrees with the SDK AESCipher (the platform format)', () => {
    const plain = JSON.stringify({ type: 'url_verification', challenge: '挑战-123' });
    const enc = encryptPayload(plain, KEY, randomBytes(16));
    expect(decryptPayload(enc, KEY)).toEqual({ ok: true, text: plain });
    expect(new lark.AESCipher(KEY).decrypt(enc)).toBe(plain);
  });

  it('fails with a reason on a wrong key or garbage, never throws', () => {
    const enc = encryptPayload('{"a":1}', KEY, randomBytes(16));
    const wrong = decryptPayload(enc, 'another-key');
    // A wrong key almost always breaks the PKCS7 padding; if not, the text is garbage JSON.
    if (wrong.ok) expect(() => JSON.parse(wrong.text)).toThrow();
    else expect(wrong.reason).toBe('decrypt_failed');
    expect(decryptPayload('not base64 at all!!', KEY)).toEqual({ ok: false, reason: 'decrypt_bad_length' });
    expect(decryptPayload('', KEY).ok).toBe(false);
  });
});

describe('verification token', () => {
  it('accepts only the exact token', () => {
    expect(checkToken('tok-1', 'tok-1')).toEqual({ ok: true });
    expect(checkToken('tok-2', 'tok-1')).toEqual({ ok: false, reason: 'token_mismatch' });
    expect(checkToken(undefined, 'tok-1')).toEqual({ ok: false, reason: 'token_missing' });
    expect(checkToken('tok-1-longer', 'tok-1').ok).toBe(false);
  });
});

describe('timestamp window', () => {
  const now = Date.UTC(2024, 6, 10, 1, 0, 0);
  const sec = (ms: number) => String(Math.floor(ms / 1000));

  it('accepts a fresh request and rejects stale and far-future ones', () => {
    expect(checkTimestamp(sec(now - 10_000), now, 300)).toEqual({ ok: true });
    expect(checkTimestamp(sec(now - 301_000), now, 300)).toEqual({ ok: false, reason: 'timestamp_stale' });
    expect(checkTimestamp(sec(now + 301_000), now, 300)).toEqual({ ok: false, reason: 'timestamp_future' });
    expect(checkTimestamp(sec(now + 30_000), now, 300)).toEqual({ ok: true });
  });

  it('honours a configured window and rejects missing or non-numeric stamps', () => {
    expect(checkTimestamp(sec(now - 120_000), now, 60)).toEqual({ ok: false, reason: 'timestamp_stale' });
    expect(checkTimestamp(undefined, now, 300)).toEqual({ ok: false, reason: 'timestamp_missing' });
    expect(checkTimestamp('yesterday', now, 300)).toEqual({ ok: false, reason: 'timestamp_missing' });
  });

  it('tolerates a millisecond stamp', () => {
    expect(checkTimestamp(String(now - 5_000), now, 300)).toEqual({ ok: true });
    expect(checkTimestamp(String(now - 900_000), now, 300).ok).toBe(false);
  });
});
