import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import { z } from 'zod';
import { LarkApiError, fromBody, fromThrown, isTokenError } from './errors.js';
import { sdkLevel, sdkLogger } from './sdk-logger.js';

/**
 * The real SDK client plus the token handling the SDK leaves to us:
 * - single flight: concurrent cold calls share one token request (the SDK
 *   would make one each);
 * - refresh ahead: a token close to expiry is renewed in the background while
 *   calls keep using the still-valid one;
 * - on 99991663 (invalid/expired token) the cached token is dropped and the
 *   call retried once;
 * - 2xx answers with `code != 0` become errors (the SDK returns them).
 * We fetch the token ourselves and place it in the client's own cache under
 * the SDK's exported key, so the SDK's per-call lookup always hits.
 */

export const DOMAINS: Readonly<Record<string, string>> = {
  feishu: 'https://open.feishu.cn',
  lark: 'https://open.larksuite.com',
};

export function resolveDomain(domain: string | undefined): string {
  if (!domain) return DOMAINS.feishu!;
  return DOMAINS[domain.toLowerCase()] ?? domain.replace(/\/+$/, '');
}

export interface LarkClientOptions {
  appId: string;
  appSecret: string;
  /** "feishu", "lark" or a base URL (tests: http://127.0.0.1:PORT). */
  domain?: string;
  log: Logger;
  /** Renew when less than this is left (capped at half the token's lifetime). */
  refreshAheadSeconds?: number;
  /** Per-request timeout; the SDK's shared axios instance has none. */
  timeoutMs?: number;
  /** Clock for token lifetimes (tests move it forward). */
  now?: () => number;
  /** Sees every failed call before it is thrown (metrics count 429s here). */
  onApiError?: (err: LarkApiError) => void;
}

const tokenResponse = z.object({
  code: z.number(),
  msg: z.string().optional(),
  tenant_access_token: z.string().optional(),
  expire: z.number().optional(),
});

interface TokenState {
  token: string;
  /** Treat as gone after this (ms epoch); a little before the real expiry. */
  usableUntil: number;
  /** Start a background renewal after this. */
  refreshAt: number;
}

export interface LarkClient {
  readonly sdk: lark.Client;
  readonly appId: string;
  readonly domain: string;
  /** Run one Open API call with token handling and code checking. */
  call<T>(op: string, fn: (sdk: lark.Client) => Promise<T>, opts?: { checkCode?: boolean }): Promise<T>;
  /** A usable tenant token (fetching if needed). */
  token(): Promise<string>;
  /** Token requests made so far (for logs and tests). */
  readonly tokenFetches: number;
}

export function createLarkClient(opts: LarkClientOptions): LarkClient {
  const domain = resolveDomain(opts.domain);
  const log = opts.log.child({ component: 'lark-client' });
  const cache = new lark.DefaultCache();
  // No redirects on the Open API: skipping follow-redirects saves CPU on every call.
  const http = lark.defaultHttpInstance.create({ timeout: opts.timeoutMs ?? 10_000, maxRedirects: 0 });
  // Same unwrapping the SDK installs on its default instance.
  http.interceptors.response.use((resp) =>
    (resp.config as { $return_headers?: boolean }).$return_headers
      ? ({ data: resp.data, headers: resp.headers } as never)
      : resp.data,
  );
  const sdk = new lark.Client({
    appId: opts.appId,
    appSecret: opts.appSecret,
    appType: lark.AppType.SelfBuild,
    domain,
    // A cache of its own: the SDK's default is one module-level map shared by every client.
    cache,
    httpInstance: http as unknown as lark.HttpInstance,
    logger: sdkLogger(opts.log),
    loggerLevel: sdkLevel(opts.log),
  });
  const refreshAheadMs = (opts.refreshAheadSeconds ?? 600) * 1000;
  const clock = opts.now ?? Date.now;

  let state: TokenState | null = null;
  let inflight: Promise<string> | null = null;
  let fetches = 0;

  async function fetchToken(): Promise<string> {
    fetches += 1;
    const started = Date.now();
    let body: unknown;
    try {
      body = await sdk.httpInstance.post(`${domain}/open-apis/auth/v3/tenant_access_token/internal`, {
        app_id: opts.appId,
        app_secret: opts.appSecret,
      });
    } catch (e) {
      // fromThrown keeps status/code/msg only: the request config holds app_secret.
      throw fromThrown('tenant_access_token', e);
    }
    const parsed = tokenResponse.safeParse(body);
    if (!parsed.success) throw new LarkApiError('tenant_access_token', 0, 200, 'malformed token response');
    const { code, msg, tenant_access_token: token, expire } = parsed.data;
    if (code !== 0 || !token || !expire) throw new LarkApiError('tenant_access_token', code, 200, msg ?? '');
    const ttlMs = expire * 1000;
    const now = clock();
    const margin = Math.min(60_000, ttlMs / 4);
    state = {
      token,
      usableUntil: now + ttlMs - margin,
      refreshAt: now + ttlMs - Math.min(refreshAheadMs, ttlMs / 2),
    };
    // The SDK's cache compares with the wall clock.
    await cache.set(lark.CTenantAccessToken, token, Date.now() + ttlMs - margin, { namespace: opts.appId });
    log.info({ event: 'lark_token_fetched', expire, ms: Date.now() - started }, 'tenant token fetched');
    return token;
  }

  function singleFlight(): Promise<string> {
    if (!inflight) {
      inflight = fetchToken().finally(() => {
        inflight = null;
      });
    }
    return inflight;
  }

  async function token(): Promise<string> {
    const now = clock();
    const s = state;
    if (s && now < s.refreshAt) return s.token;
    if (s && now < s.usableUntil) {
      // Renew in the background; this call goes on with the valid token.
      singleFlight().catch((e: unknown) => {
        log.warn({ event: 'lark_token_refresh_failed', ...fromThrown('tenant_access_token', e).toLog() }, 'token refresh failed');
      });
      return s.token;
    }
    return singleFlight();
  }

  async function invalidate(bad: string): Promise<void> {
    // Only drop the token that failed: a concurrent call may already hold a new one.
    if (state?.token !== bad) return;
    state = null;
    await cache.set(lark.CTenantAccessToken, '', 1, { namespace: opts.appId });
  }

  async function call<T>(op: string, fn: (c: lark.Client) => Promise<T>, callOpts: { checkCode?: boolean } = {}): Promise<T> {
    const checkCode = callOpts.checkCode ?? true;
    for (let attempt = 0; ; attempt += 1) {
      const tok = await token();
      let err: LarkApiError | null;
      let res: T | undefined;
      try {
        res = await fn(sdk);
        err = checkCode ? fromBody(op, res as { code?: unknown; msg?: unknown }) : null;
      } catch (e) {
        err = fromThrown(op, e);
      }
      if (!err) return res as T;
      if (isTokenError(err.code) && attempt === 0) {
        log.warn({ event: 'lark_token_rejected', op, code: err.code }, 'token rejected; refetching once');
        await invalidate(tok);
        continue;
      }
      opts.onApiError?.(err);
      throw err;
    }
  }

  return {
    sdk,
    appId: opts.appId,
    domain,
    call,
    token,
    get tokenFetches() {
      return fetches;
    },
  };
}
