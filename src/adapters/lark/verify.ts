import { createCipheriv, createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';

/**
 * Pure checks on an incoming Lark webhook request. The SDK's EventDispatcher
 * only checks the signature (and answers 200 anyway), never the verification
 * token or the age of the request, so the webhook runs these first.
 * Every failure carries a short machine-readable reason for the log line.
 */

export type Check = { ok: true } | { ok: false; reason: string };

const OK: Check = { ok: true };
const fail = (reason: string): Check => ({ ok: false, reason });

export const DEFAULT_EVENT_MAX_AGE_SECONDS = 300;

/** X-Lark-Signature = hex(sha256(timestamp + nonce + encryptKey + rawBody)). */
export function computeSignature(timestamp: string, nonce: string, encryptKey: string, body: string | Uint8Array): string {
  const h = createHash('sha256');
  h.update(timestamp + nonce + encryptKey, 'utf8');
  h.update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  return h.digest('hex');
}

export interface SignatureInput {
  timestamp: string | undefined;
  nonce: string | undefined;
  signature: string | undefined;
  /** The raw request body exactly as received (signature covers the bytes). */
  body: string | Uint8Array;
  encryptKey: string;
}

export function checkSignature(input: SignatureInput): Check {
  const { timestamp, nonce, signature, body, encryptKey } = input;
  if (!timestamp || !nonce || !signature) return fail('signature_headers_missing');
  const expected = computeSignature(timestamp, nonce, encryptKey, body);
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(signature.toLowerCase(), 'utf8');
  // Constant-time compare so the signature cannot be probed byte by byte.
  if (a.length !== b.length || !timingSafeEqual(a, b)) return fail('signature_mismatch');
  return OK;
}

/** AES-256-CBC key derivation Lark uses: sha256 of the encrypt key. */
function aesKey(encryptKey: string): Buffer {
  return createHash('sha256').update(encryptKey, 'utf8').digest();
}

export type Decrypted = { ok: true; text: string } | { ok: false; reason: string };

/** `{"encrypt": base64(iv16 + ciphertext)}` -> plaintext JSON string. */
export function decryptPayload(encrypt: string, encryptKey: string): Decrypted {
  let buf: Buffer;
  try {
    buf = Buffer.from(encrypt, 'base64');
  } catch {
    return { ok: false, reason: 'decrypt_bad_base64' };
  }
  // IV plus at least one AES block, and whole blocks only.
  if (buf.length < 32 || (buf.length - 16) % 16 !== 0) return { ok: false, reason: 'decrypt_bad_length' };
  try {
    const decipher = createDecipheriv('aes-256-cbc', aesKey(encryptKey), buf.subarray(0, 16));
    const text = Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString('utf8');
    return { ok: true, text };
  } catch {
    return { ok: false, reason: 'decrypt_failed' };
  }
}

/** Inverse of decryptPayload; the webhook never needs it, tests and fakes do. */
export function encryptPayload(plain: string, encryptKey: string, iv: Buffer): string {
  const cipher = createCipheriv('aes-256-cbc', aesKey(encryptKey), iv);
  return Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
}

export function checkToken(got: unknown, expected: string): Check {
  if (typeof got !== 'string' || got.length === 0) return fail('token_missing');
  const a = Buffer.from(got, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return fail('token_mismatch');
  return OK;
}

/**
 * Replay window on the signed X-Lark-Request-Timestamp (seconds). A captured
 * request replayed later fails here; one stamped far in the future (a forger
 * trying to outlive the window) fails too.
 */
export function checkTimestamp(timestamp: string | undefined, nowMs: number, maxAgeSeconds: number): Check {
  if (!timestamp || !/^\d{1,16}$/.test(timestamp)) return fail('timestamp_missing');
  let ms = Number(timestamp);
  // Seconds are documented; tolerate milliseconds rather than reject a valid push.
  if (ms < 1e12) ms *= 1000;
  const age = (nowMs - ms) / 1000;
  if (age > maxAgeSeconds) return fail('timestamp_stale');
  if (-age > maxAgeSeconds) return fail('timestamp_future');
  return OK;
}
