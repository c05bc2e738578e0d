import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { checkReadiness } from './health.js';
import { createOpsRoutes, startOpsServer, type OpsServer, type Routes } from './http.js';
import type { Metrics } from './metrics.js';

/**
 * The operator's side of a Lark-mode process in one place: readiness over
 * Redis, the Lark token and the queues; metrics; the dashboard when
 * configured. `routes` goes in front of the webhook; in ws mode `listen`
 * gives them PORT.
 */
export interface OpsDeps {
  config: Config;
  metrics: Metrics;
  ping: () => Promise<unknown>;
  /** Read when asked: the Lark client exists only once the adapter has started. */
  larkToken: () => Promise<unknown>;
  queues: { reminder: Queue; delivery: Queue; weekly: Queue };
  log: Logger;
}

export interface Ops {
  readonly routes: Routes;
  /** Serve the routes on their own port (ws mode); returns the bound port. */
  listen(port: number): Promise<number>;
  close(): Promise<void>;
}

export async function createOps(deps: OpsDeps): Promise<Ops> {
  const { queues } = deps;
  deps.metrics.watchQueues({ delivery: queues.delivery, others: [queues.reminder, queues.weekly] });
  const dashboard = deps.config.ops.dashboard
    ? {
        auth: deps.config.ops.dashboard,
        handler: await (await import('./dashboard.js')).createDashboardHandler([queues.reminder, queues.delivery, queues.weekly]),
      }
    : undefined;
  const routes = createOpsRoutes({
    readiness: () =>
      checkReadiness({
        ping: deps.ping,
        larkToken: deps.larkToken,
        queues: [queues.reminder, queues.delivery],
        stallSeconds: deps.config.ops.stallSeconds,
      }),
    metrics: deps.metrics,
    ...(dashboard ? { dashboard } : {}),
    log: deps.log,
  });
  let server: OpsServer | undefined;
  return {
    routes,
    async listen(port) {
      server = await startOpsServer({ routes, port, log: deps.log });
      return server.port;
    },
    async close() {
      await server?.close();
    },
  };
}
