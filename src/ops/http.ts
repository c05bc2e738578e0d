import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { listenBounded } from '../net/listen.js';
import type { Logger } from 'pino';
import type { Readiness } from './health.js';
import type { Metrics } from './metrics.js';

/**
 * The operator's endpoints, as one request handler that answers its own
 * paths and returns false for the rest: in webhook mode it sits in front of
 * the Lark webhook on PORT, in ws mode it has PORT to itself.
 *
 *   GET /healthz   liveness: 200 "ok" while the process serves HTTP
 *   GET /readyz    readiness: 200 or 503 with every check as JSON
 *   GET /metrics   Prometheus text
 *   /admin/queues  the bull-board dashboard, behind basic auth, only when configured
 */

export type Routes = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface DashboardAuth {
  user: string;
  password: string;
}

export interface OpsRoutesDeps {
  readiness: () => Promise<Readiness>;
  metrics: Metrics;
  /** Serves everything under DASHBOARD_PATH (already authenticated here). */
  dashboard?: { auth: DashboardAuth; handler: (req: IncomingMessage, res: ServerResponse) => void };
  log: Logger;
}

export const DASHBOARD_PATH = '/admin/queues';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time check of an `Authorization: Basic …` header. */
export function basicAuthOk(header: string | undefined, auth: DashboardAuth): boolean {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]!, 'base64').toString('utf8');
  // Hashing first gives equal lengths, so timingSafeEqual never throws or leaks the length.
  return timingSafeEqual(digest(given), digest(`${auth.user}:${auth.password}`));
}

function text(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8', extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...extra });
  res.end(body);
}

export function createOpsRoutes(deps: OpsRoutesDeps): Routes {
  const log = deps.log.child({ component: 'ops-http' });
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const get = req.method === 'GET' || req.method === 'HEAD';
    if (path === '/healthz' && get) {
      text(res, 200, 'ok\n');
      return true;
    }
    if (path === '/readyz' && get) {
      deps.readiness().then(
        (r) => {
          if (!r.ready) log.warn({ event: 'not_ready', checks: r.checks }, 'readiness check failed');
          text(res, r.ready ? 200 : 503, `${JSON.stringify(r)}\n`, 'application/json; charset=utf-8');
        },
        (err: unknown) => {
          log.error({ event: 'readiness_failed', err }, 'readiness check threw');
          text(res, 503, `${JSON.stringify({ ready: false })}\n`, 'application/json; charset=utf-8');
        },
      );
      return true;
    }
    if (path === '/metrics' && get) {
      deps.metrics.render().then(
        (body) => text(res, 200, body, deps.metrics.contentType),
        (err: unknown) => {
          log.error({ event: 'metrics_failed', err }, 'metrics collection failed');
          text(res, 500, 'metrics unavailable\n');
        },
      );
      return true;
    }
    if (path === DASHBOARD_PATH || path.startsWith(`${DASHBOARD_PATH}/`)) {
      const d = deps.dashboard;
      if (!d) return false;
      if (!basicAuthOk(req.headers.authorization, d.auth)) {
        log.warn({ event: 'dashboard_unauthorized', ip: req.socket.remoteAddress }, 'dashboard request without valid credentials');
        text(res, 401, 'unauthorized\n', 'text/plain; charset=utf-8', { 'www-authenticate': 'Basic realm="duban queues", charset="UTF-8"' });
        return true;
      }
      d.handler(req, res);
      return true;
    }
    return false;
  };
}

export interface OpsServer {
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

/** A listener for the routes alone (ws mode, where no webhook owns PORT). */
export async function startOpsServer(opts: { routes: Routes; port: number; host?: string; log: Logger }): Promise<OpsServer> {
  const { server, port } = await listenBounded((req, res) => {
    if (!opts.routes(req, res)) text(res, 404, 'not found\n');
  }, opts.port, opts.host);
  opts.log.info({ event: 'ops_http_listening', port }, 'health and metrics listening');
  return {
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
