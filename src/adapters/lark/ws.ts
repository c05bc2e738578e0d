import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import { sdkLevel, sdkLogger } from './sdk-logger.js';

/**
 * Long-connection mode: no public URL, the SDK's WSClient pulls events. The
 * platform authenticates the connection (app id + secret), so there is no
 * signature or token to check; dedupe and queueing are the same handlers as
 * the webhook's. Lark hands each event to one connected client at random, so
 * several replicas share the load, and Redis dedupe still covers re-pushes.
 */

export interface WsOptions {
  appId: string;
  appSecret: string;
  domain: string;
  dispatcher: lark.EventDispatcher;
  log: Logger;
  /** How long start waits for the first connection before going on (it keeps retrying). */
  readyTimeoutMs?: number;
}

export interface WsConnection {
  readonly connected: boolean;
  close(): void;
}

/** WSClient.start silently returns on an app id of the wrong shape; fail loudly instead. */
export const WS_APP_ID = /^cli_[0-9a-fA-F]{16}$/;

export async function startWs(opts: WsOptions): Promise<WsConnection> {
  const log = opts.log.child({ component: 'lark-ws' });
  if (!WS_APP_ID.test(opts.appId)) {
    throw new Error('ws 长连接模式要求 LARK_APP_ID 形如 cli_ 加 16 位十六进制 / LARK_APP_ID must be cli_ + 16 hex digits');
  }
  let connected = false;
  let settle: ((ok: boolean) => void) | undefined;
  const ready = new Promise<boolean>((r) => {
    settle = r;
  });
  const client = new lark.WSClient({
    appId: opts.appId,
    appSecret: opts.appSecret,
    domain: opts.domain,
    logger: sdkLogger(opts.log),
    loggerLevel: sdkLevel(opts.log),
    autoReconnect: true,
    handshakeTimeoutMs: 10_000,
    onReady: () => {
      connected = true;
      log.info({ event: 'lark_ws_ready' }, 'long connection ready');
      settle?.(true);
    },
    onError: (err) => {
      log.error({ event: 'lark_ws_failed', err: err }, 'long connection failed');
      settle?.(false);
    },
    onReconnecting: () => {
      connected = false;
      log.warn({ event: 'lark_ws_reconnecting' }, 'long connection lost; reconnecting');
    },
    onReconnected: () => {
      connected = true;
      log.info({ event: 'lark_ws_reconnected' }, 'long connection restored');
    },
  });
  await client.start({ eventDispatcher: opts.dispatcher });
  let timer: NodeJS.Timeout | undefined;
  const ok = await Promise.race([
    ready,
    new Promise<'timeout'>((r) => {
      timer = setTimeout(() => r('timeout'), opts.readyTimeoutMs ?? 30_000);
    }),
  ]);
  clearTimeout(timer);
  if (ok === 'timeout') log.warn({ event: 'lark_ws_not_ready' }, 'long connection not ready yet; still trying');
  if (ok === false) {
    client.close({ force: true });
    throw new Error('无法与飞书建立长连接，请检查 App ID/Secret 与网络 / Lark long connection could not be established');
  }
  return {
    get connected() {
      return connected;
    },
    close() {
      client.close({ force: true });
    },
  };
}
