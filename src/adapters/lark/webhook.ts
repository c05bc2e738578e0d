import type { IncomingMessage as HttpRequest, Server, ServerResponse } from 'node:http';
import { listenBounded } from '../../net/listen.js';
import type * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import { BackpressureError } from './dispatch.js';
import { checkSignature, checkTimestamp, checkToken, decryptPayload, type Check } from './verify.js';

/**
 * Webhook endpoint on node:http. We verify before the SDK sees anything: the
 * SDK's dispatcher answers 200 to a bad signature and checks neither the
 * verification token nor the request's age.
 *
 * Status codes, and why:
 * - 200 `{}` once an event is verified and queued (or a duplicate): Lark stops re-pushing.
 * - 401 for a bad signature, token or timestamp. A forger learns nothing new
 *   (no reason in the body), and a genuine push that fails (rotated keys,
 *   clock skew) shows up as failed in the Lark console and is re-pushed after
 *   the fix, instead of being silently swallowed by a 200.
 * - 503 when the queue is full or Redis is down: the claim is not kept, so
 *   Lark's re-push (15 s, 5 min, 1 h, 6 h) gets a second chance.
 * - 400 unparsable, 404 other paths, 405 other methods, 413 over the body limit.
 */

export interface WebhookOptions {
  dispatcher: lark.EventDispatcher;
  encryptKey: string;
  verificationToken: string;
  path: string;
  port: number;
  host?: string;
  maxAgeSeconds: number;
  /** Lark text messages are at most 150 KB; encrypted and wrapped, 1 MiB is ample. */
  bodyLimitBytes?: number;
  log: Logger;
  now?: () => number;
  /** Other paths served on the same port (health, metrics, dashboard); returns false for paths it does not own. */
  routes?: (req: HttpRequest, res: ServerResponse) => boolean;
}

export interface WebhookServer {
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;

type Outcome =
  | { status: number; body?: unknown; reason?: string; eventType?: string; eventId?: string };

function header(req: HttpRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function readBody(req: HttpRequest, limit: number): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      resolve('too_large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > limit) {
        done = true;
        resolve('too_large');
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

const reject = (reason: string, status = 401): Outcome => ({ status, reason, body: { msg: 'unauthorized' } });

export function createWebhookHandler(opts: WebhookOptions): (req: HttpRequest, res: ServerResponse) => void {
  const log = opts.log.child({ component: 'lark-webhook' });
  const limit = opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const now = opts.now ?? Date.now;

  async function verifyAndDispatch(req: HttpRequest): Promise<Outcome> {
    const raw = await readBody(req, limit);
    if (raw === 'too_large') return { status: 413, reason: 'body_too_large', body: { msg: 'payload too large' } };
    let outer: unknown;
    try {
      outer = JSON.parse(raw.toString('utf8'));
    } catch {
      return { status: 400, reason: 'body_not_json', body: { msg: 'bad request' } };
    }
    if (!outer || typeof outer !== 'object') return { status: 400, reason: 'body_not_object', body: { msg: 'bad request' } };

    const ts = header(req, 'x-lark-request-timestamp');
    const nonce = header(req, 'x-lark-request-nonce');
    const signature = header(req, 'x-lark-signature');
    const signed = Boolean(ts || nonce || signature);
    // The signature covers the raw bytes, so it is checked before anything is decrypted.
    if (signed) {
      const sig = checkSignature({ timestamp: ts, nonce, signature, body: raw, encryptKey: opts.encryptKey });
      if (!sig.ok) return reject(sig.reason);
    }

    let env: Record<string, unknown>;
    const encrypted = (outer as { encrypt?: unknown }).encrypt;
    if (typeof encrypted === 'string') {
      const dec = decryptPayload(encrypted, opts.encryptKey);
      if (!dec.ok) return reject(dec.reason);
      try {
        env = JSON.parse(dec.text) as Record<string, unknown>;
      } catch {
        return reject('decrypted_not_json');
      }
    } else {
      env = outer as Record<string, unknown>;
    }

    if (env.type === 'url_verification') {
      // Lark may send the challenge unsigned; decrypting it with our key and
      // matching the token is the proof, and answering has no side effects.
      const tok = checkToken(env.token, opts.verificationToken);
      if (!tok.ok) return reject(tok.reason);
      return { status: 200, body: { challenge: env.challenge }, eventType: 'url_verification' };
    }

    if (!signed) return reject('signature_headers_missing');
    const fresh: Check = checkTimestamp(ts, now(), opts.maxAgeSeconds);
    if (!fresh.ok) return reject(fresh.reason);
    const head = (env.header ?? {}) as Record<string, unknown>;
    const tok = checkToken(head.token ?? env.token, opts.verificationToken);
    if (!tok.ok) return reject(tok.reason);

    const eventType = typeof head.event_type === 'string' ? head.event_type : undefined;
    const eventId = typeof head.event_id === 'string' ? head.event_id : undefined;
    try {
      const result: unknown = await opts.dispatcher.invoke(env, { needCheck: false });
      // Only card callbacks answer with content; the SDK's "no handle" strings are not echoed.
      const body = result && typeof result === 'object' ? result : {};
      return { status: 200, body, eventType, eventId };
    } catch (e) {
      if (e instanceof BackpressureError) return { status: 503, reason: e.reason, body: { msg: 'busy' }, eventType, eventId };
      log.error({ event: 'lark_webhook_error', eventType, eventId, err: e }, 'event handler threw');
      return { status: 500, reason: 'handler_error', body: { msg: 'error' }, eventType, eventId };
    }
  }

  return (req, res) => {
    const started = now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (o: Outcome) => {
      const payload = JSON.stringify(o.body ?? {});
      res.writeHead(o.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
      const fields = {
        status: o.status,
        ms: now() - started,
        eventType: o.eventType,
        eventId: o.eventId,
        ip: req.socket.remoteAddress,
      };
      if (o.status === 401) {
        log.warn(
          { event: 'lark_webhook_rejected', reason: o.reason, ...fields, timestamp: header(req, 'x-lark-request-timestamp') },
          'webhook request rejected',
        );
      } else if (o.status >= 400) {
        log.warn({ event: 'lark_webhook_refused', reason: o.reason, ...fields }, 'webhook request refused');
      } else {
        log.debug({ event: 'lark_webhook_ok', ...fields }, 'webhook request accepted');
      }
      // Stop an oversized upload once the answer is out.
      if (o.status === 413) res.on('finish', () => req.destroy());
    };
    if (url.pathname !== opts.path && opts.routes?.(req, res)) return;
    if (req.method === 'GET' && url.pathname === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (url.pathname !== opts.path) return send({ status: 404, reason: 'path', body: { msg: 'not found' } });
    if (req.method !== 'POST') return send({ status: 405, reason: 'method', body: { msg: 'method not allowed' } });
    verifyAndDispatch(req).then(send, (e: unknown) => {
      log.error({ event: 'lark_webhook_error', err: e }, 'webhook failed');
      send({ status: 500, reason: 'internal', body: { msg: 'error' } });
    });
  };
}

export async function startWebhook(opts: WebhookOptions): Promise<WebhookServer> {
  const { server, port } = await listenBounded(createWebhookHandler(opts), opts.port, opts.host);
  opts.log.info({ event: 'lark_webhook_listening', port, path: opts.path }, 'webhook listening');
  return {
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
