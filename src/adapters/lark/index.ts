import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Bot, ButtonResult, InboundEvent, Inbox } from '../../chat/types.js';
import { createLarkClient, resolveDomain, type LarkClient } from './client.js';
import { createDispatcher, createEventHandlers, createLarkEventRunner } from './dispatch.js';
import { DEFAULT_MENU_COMMANDS } from './events.js';
import { LarkApiError, fromThrown } from './errors.js';
import { createMessenger, type LarkMessenger } from './send.js';
import { DEFAULT_EVENT_MAX_AGE_SECONDS } from './verify.js';
import { startWebhook } from './webhook.js';
import { startWs } from './ws.js';

export type { LarkMessenger } from './send.js';

/** Empty env strings mean "not set". */
const opt = <T extends z.ZodType>(t: T) => z.preprocess((v) => (v === '' || v === null ? undefined : v), t.optional());

export const larkOptionsSchema = z.object({
  appId: z.string().min(1),
  appSecret: z.string().min(1),
  encryptKey: opt(z.string()),
  verificationToken: opt(z.string()),
  /** "feishu" (default), "lark" or a base URL. */
  domain: opt(z.string()),
  mode: opt(z.enum(['webhook', 'ws'])),
  port: opt(z.coerce.number().int().min(0).max(65535)),
  host: opt(z.string()),
  webhookPath: opt(z.string().startsWith('/')),
  eventMaxAgeSeconds: opt(z.coerce.number().positive()),
});
export type LarkOptions = z.infer<typeof larkOptionsSchema>;

/** Accept either LarkOptions or an env-style object (LARK_APP_ID, PORT, …). */
export function parseLarkOptions(config: Record<string, unknown>): LarkOptions {
  const c = config;
  const envStyle = 'LARK_APP_ID' in c || 'LARK_APP_SECRET' in c;
  const input = envStyle
    ? {
        appId: c.LARK_APP_ID,
        appSecret: c.LARK_APP_SECRET,
        encryptKey: c.LARK_ENCRYPT_KEY,
        verificationToken: c.LARK_VERIFICATION_TOKEN,
        domain: c.LARK_DOMAIN,
        mode: c.LARK_MODE,
        port: c.PORT,
        host: c.HOST,
        webhookPath: c.WEBHOOK_PATH,
        eventMaxAgeSeconds: c.EVENT_MAX_AGE_SECONDS,
      }
    : c;
  const parsed = larkOptionsSchema.safeParse(input);
  if (!parsed.success) {
    // Name the fields, never echo their values (they are secrets).
    const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new Error(`飞书配置无效，请检查这些字段 / invalid Lark configuration: ${fields}`);
  }
  return parsed.data;
}

export interface StartLarkDeps {
  /** LarkOptions or the app config object with LARK_* fields. */
  config: Record<string, unknown>;
  bot: Bot;
  /**
   * The durable inbox (jobs/inbox.ts startInbox), built around the adapter's
   * way of answering an event: events are stored there before Lark is
   * acknowledged, and its workers run `run`.
   */
  inbox: (run: LarkEventRunner) => { inbox: Inbox; stop(timeoutMs?: number): Promise<void> };
  log: Logger;
  menuCommands?: Readonly<Record<string, string>>;
  /** Webhook mode: other paths on the webhook's port (health, metrics, dashboard). */
  routes?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Every failed Open API call (metrics count 429s). */
  onApiError?: (err: LarkApiError) => void;
}

export type LarkEventRunner = (event: InboundEvent, meta: { acceptedAt: number }) => Promise<ButtonResult | undefined>;

export interface LarkHandle {
  readonly mode: 'webhook' | 'ws';
  /** Bound port in webhook mode (useful with PORT=0). */
  readonly port?: number;
  readonly botOpenId: string;
  readonly client: LarkClient;
  /** For reminders and reports: send to chats with caller-given uuids. */
  readonly messenger: LarkMessenger;
  /** Stop taking events, then let the inbox finish what it runs (at most timeoutMs; the rest is handed back). */
  stop(timeoutMs?: number): Promise<void>;
}

const botInfoSchema = z.object({
  code: z.number(),
  msg: z.string().optional(),
  bot: z.object({ open_id: z.string().min(1), app_name: z.string().optional() }).optional(),
});

/** The bot's own open_id: how its mention is told apart from a user's. */
export async function fetchBotInfo(client: LarkClient, log: Logger, attempts = 3): Promise<{ openId: string; name: string }> {
  let last: unknown;
  for (let i = 0; i < attempts; i += 1) {
    try {
      const body = await client.call('bot.info', (sdk) => sdk.request({ method: 'GET', url: '/open-apis/bot/v3/info' }));
      const parsed = botInfoSchema.safeParse(body);
      if (parsed.success && parsed.data.bot) return { openId: parsed.data.bot.open_id, name: parsed.data.bot.app_name ?? '' };
      last = new LarkApiError('bot.info', 0, 200, 'response without bot.open_id');
    } catch (e) {
      last = e;
    }
    log.warn({ event: 'lark_bot_info_retry', attempt: i + 1, ...fromThrown('bot.info', last).toLog() }, 'bot info failed');
    if (i + 1 < attempts) await new Promise((r) => setTimeout(r, 500 * 2 ** i));
  }
  throw fromThrown('bot.info', last);
}

export async function startLark(deps: StartLarkDeps): Promise<LarkHandle> {
  const o = parseLarkOptions(deps.config);
  const mode = o.mode ?? 'webhook';
  const log = deps.log.child({ adapter: 'lark', mode });
  if (mode === 'webhook' && (!o.encryptKey || !o.verificationToken)) {
    // Without the encrypt key nothing is signed: anyone could post events.
    throw new Error(
      'webhook 模式需要 LARK_ENCRYPT_KEY 和 LARK_VERIFICATION_TOKEN（飞书开放平台“事件与回调 > 加密策略”页），否则无法校验推送是否来自飞书；' +
        '或改用 LARK_MODE=ws 长连接 / webhook mode needs LARK_ENCRYPT_KEY and LARK_VERIFICATION_TOKEN',
    );
  }
  const domain = resolveDomain(o.domain);
  const client = createLarkClient({ appId: o.appId, appSecret: o.appSecret, domain, log, ...(deps.onApiError ? { onApiError: deps.onApiError } : {}) });
  const messenger = createMessenger({ client, log });
  const bot = await fetchBotInfo(client, log);
  log.info({ event: 'lark_bot_identity', botOpenId: bot.openId, botName: bot.name }, 'bot identity loaded');

  const started = deps.inbox(createLarkEventRunner({ bot: deps.bot, messenger, log }));
  const handlers = createEventHandlers({
    inbox: started.inbox,
    botOpenId: bot.openId,
    log,
    menuCommands: deps.menuCommands ?? DEFAULT_MENU_COMMANDS,
  });
  const dispatcher = createDispatcher(handlers, log);

  if (mode === 'webhook') {
    const server = await startWebhook({
      dispatcher,
      encryptKey: o.encryptKey!,
      verificationToken: o.verificationToken!,
      path: o.webhookPath ?? '/lark/events',
      port: o.port ?? 3000,
      host: o.host,
      maxAgeSeconds: o.eventMaxAgeSeconds ?? DEFAULT_EVENT_MAX_AGE_SECONDS,
      log,
      ...(deps.routes ? { routes: deps.routes } : {}),
    });
    return {
      mode,
      port: server.port,
      botOpenId: bot.openId,
      client,
      messenger,
      async stop(timeoutMs) {
        await server.close();
        await started.stop(timeoutMs);
        log.info({ event: 'lark_stopped' }, 'lark adapter stopped');
      },
    };
  }

  const ws = await startWs({ appId: o.appId, appSecret: o.appSecret, domain, dispatcher, log });
  return {
    mode,
    botOpenId: bot.openId,
    client,
    messenger,
    async stop(timeoutMs) {
      ws.close();
      await started.stop(timeoutMs);
      log.info({ event: 'lark_stopped' }, 'lark adapter stopped');
    },
  };
}
