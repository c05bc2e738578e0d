import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';

/**
 * Bridge the SDK's logger (called with arbitrary arguments, including raw
 * AxiosErrors whose config carries the Authorization header or app_secret)
 * to pino, keeping only fields that are safe to log.
 */

const SECRET_KEY = /secret|token|authorization|encrypt|password|signature/i;
const MAX_STRING = 500;

function clip(s: string): string {
  return s.length > MAX_STRING ? `${s.slice(0, MAX_STRING)}…` : s;
}

export function sanitize(v: unknown, depth = 0): unknown {
  if (v === null || v === undefined) return v;
  if (typeof v === 'string') return clip(v);
  if (typeof v !== 'object') return v;
  if (depth > 4) return '[deep]';
  if (v instanceof Error) {
    const r = (v as { response?: { status?: number; data?: { code?: unknown; msg?: unknown } } }).response;
    return {
      name: v.name,
      message: clip(v.message),
      ...(r ? { status: r.status, code: r.data?.code, msg: r.data?.msg } : {}),
    };
  }
  if (Array.isArray(v)) return v.slice(0, 10).map((x) => sanitize(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    // Request configs and headers carry tokens and request bodies: drop them whole.
    if (k === 'config' || k === 'request' || k === 'headers') continue;
    out[k] = SECRET_KEY.test(k) ? '[redacted]' : sanitize(val, depth + 1);
  }
  return out;
}

export function sdkLogger(log: Logger): lark.Logger {
  const child = log.child({ component: 'lark-sdk' });
  const emit = (level: 'error' | 'warn' | 'info' | 'debug' | 'trace') => (...args: unknown[]) => {
    // The SDK's LoggerProxy passes its arguments as one array.
    const flat = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
    const text = flat.filter((a): a is string => typeof a === 'string').join(' ');
    const rest = flat.filter((a) => typeof a !== 'string');
    child[level](rest.length ? { sdk: sanitize(rest) } : {}, clip(text || 'sdk'));
  };
  return { error: emit('error'), warn: emit('warn'), info: emit('info'), debug: emit('debug'), trace: emit('trace') };
}

/** pino level name -> SDK LoggerLevel, so the SDK does not format what pino would drop. */
export function sdkLevel(log: Logger): lark.LoggerLevel {
  switch (log.level) {
    case 'trace':
      return lark.LoggerLevel.trace;
    case 'debug':
      return lark.LoggerLevel.debug;
    case 'info':
      return lark.LoggerLevel.info;
    case 'warn':
      return lark.LoggerLevel.warn;
    default:
      return lark.LoggerLevel.error;
  }
}
