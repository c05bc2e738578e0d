/**
 * One error shape for every failed Open API call, whether the SDK threw an
 * AxiosError (non-2xx) or returned a 2xx body with `code != 0`.
 */
export class LarkApiError extends Error {
  constructor(
    readonly op: string,
    /** Lark business code; 0 when the response had none (network, bare 5xx). */
    readonly code: number,
    /** HTTP status; 0 for network errors. */
    readonly status: number,
    readonly larkMsg: string,
    /** From x-ogw-ratelimit-reset (seconds) on rate-limit answers. */
    readonly retryAfterSeconds?: number,
    readonly logId?: string,
  ) {
    super(`lark ${op} failed: status=${status} code=${code} msg=${larkMsg}`);
    this.name = 'LarkApiError';
  }

  /** Structured, secret-free fields for a log line. */
  toLog(): Record<string, unknown> {
    return { op: this.op, status: this.status, code: this.code, msg: this.larkMsg, logId: this.logId };
  }
}

export const CODE_TOKEN_INVALID = 99991663;
export const CODE_TOKEN_MISSING = 99991661;
export const CODE_RATE_LIMIT = 99991400;
export const CODE_FREQUENCY_LIMIT = 230020;
export const CODE_CONTENT_TOO_LARGE = 230025;
export const CODE_CARD_BUILD_FAILED = 230099;

export const isTokenError = (code: number) => code === CODE_TOKEN_INVALID || code === CODE_TOKEN_MISSING;

export function isRateLimited(e: LarkApiError): boolean {
  return e.status === 429 || e.code === CODE_RATE_LIMIT || e.code === CODE_FREQUENCY_LIMIT;
}

/** Worth another try with the same uuid: rate limits, server errors, network errors. */
export function isRetryable(e: LarkApiError): boolean {
  if (isRateLimited(e)) return true;
  if (e.status >= 500) return true;
  return e.status === 0 && e.code === 0;
}

interface AxiosLike {
  isAxiosError?: boolean;
  message?: string;
  code?: string;
  response?: { status?: number; data?: unknown; headers?: Record<string, unknown> };
}

function header(h: Record<string, unknown> | undefined, name: string): string | undefined {
  if (!h) return undefined;
  const v = typeof (h as { get?: unknown }).get === 'function' ? (h as { get(n: string): unknown }).get(name) : h[name];
  return v === undefined || v === null ? undefined : String(v);
}

/** Normalise whatever an SDK call threw into a LarkApiError. */
export function fromThrown(op: string, e: unknown): LarkApiError {
  if (e instanceof LarkApiError) return e;
  const ax = e as AxiosLike;
  if (ax && typeof ax === 'object' && ax.response) {
    const data = (ax.response.data ?? {}) as { code?: unknown; msg?: unknown; error?: { log_id?: unknown } };
    const reset = header(ax.response.headers, 'x-ogw-ratelimit-reset');
    return new LarkApiError(
      op,
      typeof data.code === 'number' ? data.code : 0,
      ax.response.status ?? 0,
      typeof data.msg === 'string' ? data.msg : String(ax.message ?? ''),
      reset !== undefined && Number.isFinite(Number(reset)) ? Number(reset) : undefined,
      typeof data.error?.log_id === 'string' ? data.error.log_id : undefined,
    );
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new LarkApiError(op, 0, 0, ax?.code ? `${ax.code} ${msg}` : msg);
}

/** A 2xx body with a non-zero code. */
export function fromBody(op: string, body: { code?: unknown; msg?: unknown } | null | undefined): LarkApiError | null {
  if (!body || typeof body !== 'object') return new LarkApiError(op, 0, 200, 'empty response');
  const code = typeof body.code === 'number' ? body.code : Number(body.code ?? 0);
  if (code === 0) return null;
  return new LarkApiError(op, code, 200, typeof body.msg === 'string' ? body.msg : '');
}
