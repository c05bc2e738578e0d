import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Queue } from 'bullmq';
import { DASHBOARD_PATH } from './http.js';

/**
 * bull-board over the bot's queues, as a plain node:http handler. The Lark
 * webhook is a bare node:http server, so the Express adapter's app is called
 * as a request listener for paths under DASHBOARD_PATH (authentication is
 * done before, in http.ts). bull-board (and Express with it) is loaded only
 * when a dashboard password is configured.
 */
export async function createDashboardHandler(queues: Queue[]): Promise<(req: IncomingMessage, res: ServerResponse) => void> {
  const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/express'),
  ]);
  const adapter = new ExpressAdapter();
  adapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter: adapter, options: { uiConfig: { boardTitle: '督办队列' } } });
  // The adapter's Express app routes relative to its mount point: strip it, as app.use(path, …) would.
  const app = adapter.getRouter() as unknown as (req: IncomingMessage, res: ServerResponse) => void;
  return (req, res) => {
    req.url = req.url!.slice(DASHBOARD_PATH.length) || '/';
    app(req, res);
  };
}
