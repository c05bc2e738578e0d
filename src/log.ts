import { pino, type DestinationStream, type Level, type Logger } from 'pino';

export type { Logger } from 'pino';

/** One captured log line, as pino would have printed it (parsed JSON). */
export type LogLine = Record<string, unknown> & { level: number; msg?: string; time?: string };

const CENSOR = '[redacted]';

// Keys that hold credentials anywhere in the bot: Lark app secret, event
// encrypt key / verification token, access tokens, passwords, HTTP auth headers.
// pino's redaction matches paths, not key names anywhere, so list the depths we
// actually log (top level, one and two levels down).
const SECRET_KEYS = [
  'password',
  'secret',
  'appSecret',
  'app_secret',
  'encryptKey',
  'encrypt_key',
  'verificationToken',
  'verification_token',
  'token',
  'accessToken',
  'access_token',
  'tenant_access_token',
  'app_access_token',
  'authorization',
  'Authorization',
  'cookie',
];

export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  'headers["x-lark-signature"]',
  '*.headers["x-lark-signature"]',
  // HTTP client errors (axios, used by the Lark SDK) carry the request: its
  // Authorization header three levels down and its body (may hold app_secret).
  '*.*.*.authorization',
  '*.*.*.Authorization',
  '*.config.data',
  '*.*.config.data',
];

export interface LoggerOptions {
  /** pino level; `silent` turns logging off. Default `info`. */
  level?: Level | 'silent';
  /** Added to every line as `name` (e.g. "duban", "with-redis"). */
  name?: string;
  /**
   * Where lines go: a pino destination stream, 1 (stdout, the default), 2 (stderr)
   * or a file path. The console chat adapter should log to stderr or a file so
   * JSON lines do not interleave with the conversation.
   */
  destination?: DestinationStream | 1 | 2 | string;
  /** Extra fields on every line. */
  base?: Record<string, unknown>;
}

/** A structured (JSON, one line per event) logger that never prints secrets. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const dest = opts.destination ?? 1;
  const stream: DestinationStream =
    typeof dest === 'object' ? dest : pino.destination({ dest, sync: true, mkdir: typeof dest === 'string' });
  return pino(
    {
      level: opts.level ?? 'info',
      ...(opts.name === undefined ? {} : { name: opts.name }),
      base: { pid: process.pid, ...opts.base },
      redact: { paths: [...REDACT_PATHS], censor: CENSOR },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    stream,
  );
}

export type CapturedLogger = Logger & {
  /** Every line logged so far through this logger or its children, oldest first. */
  readonly lines: LogLine[];
};

/**
 * A logger for tests: prints nothing, keeps every line (parsed) in `.lines`,
 * with the same redaction as production so tests can check what would leak.
 */
export function silentLogger(level: Level = 'trace'): CapturedLogger {
  const lines: LogLine[] = [];
  const sink: DestinationStream = {
    write(chunk: string) {
      lines.push(JSON.parse(chunk) as LogLine);
    },
  };
  return Object.assign(createLogger({ level, destination: sink }), { lines });
}

/** `redis://user:pw@host:6379/0` → `redis://user:***@host:6379/0`; non-URLs pass through unchanged. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    // Not parseable, but may still carry "user:password@": mask conservatively.
    return url.replace(/(\/\/[^/@\s]*?:)[^@/\s]*@/, '$1***@');
  }
}
