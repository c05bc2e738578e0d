import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Bot } from '../chat/types.js';

/**
 * The bot's Prometheus metrics, in one registry per process (no global
 * state, so tests can build several). Services count through this object;
 * pure domain code never sees it. Queue depths are read from BullMQ when
 * Prometheus scrapes, so every replica reports the shared queues' truth.
 */

/** What a queue gauge needs of a BullMQ Queue. */
export interface CountableQueue {
  readonly name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const;
/** Deliveries not yet sent: ready, rate-limited/backing off, or prioritised. */
export const WAITING_STATES = ['waiting', 'delayed', 'prioritized'] as const;

export interface Metrics {
  readonly registry: Registry;
  /** A chat message or card click reached the bot. */
  eventIn(kind: 'message' | 'card'): void;
  /** One reply sent for a message; `seconds` is from the message's arrival, observed for its first reply. */
  reply(seconds: number | undefined): void;
  remindersPlanned(count: number): void;
  reminderSent(): void;
  reminderFailed(): void;
  /** Lark answered 429 (or a rate-limit code). */
  rateLimited(op: string): void;
  /** Report these queues' depths at every scrape; the delivery queue also feeds `deliveries_waiting`. */
  watchQueues(queues: { delivery?: CountableQueue; others?: CountableQueue[] }): void;
  /** The Prometheus text exposition. */
  render(): Promise<string>;
  readonly contentType: string;
}

export function createMetrics(opts: { defaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaults !== false) collectDefaultMetrics({ register: registry, prefix: 'duban_' });
  const events = new Counter({ name: 'duban_events_received_total', help: 'Chat messages and card clicks received', labelNames: ['kind'], registers: [registry] });
  const replies = new Counter({ name: 'duban_replies_total', help: 'Replies sent to chat messages', registers: [registry] });
  const latency = new Histogram({
    name: 'duban_reply_latency_seconds',
    help: 'From a message reaching the bot to its first reply',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const planned = new Counter({ name: 'duban_reminders_planned_total', help: 'Reminder jobs added or moved by planning', registers: [registry] });
  const sent = new Counter({ name: 'duban_reminders_sent_total', help: 'Reminder deliveries sent to Lark', registers: [registry] });
  const failed = new Counter({ name: 'duban_reminders_failed_total', help: 'Reminder deliveries given up after their last attempt', registers: [registry] });
  const limited = new Counter({ name: 'duban_lark_rate_limited_total', help: 'Lark Open API answers of 429 / rate-limit codes', labelNames: ['op'], registers: [registry] });

  let watched: { delivery?: CountableQueue; others: CountableQueue[] } = { others: [] };
  const depth = new Gauge({
    name: 'duban_queue_jobs',
    help: 'BullMQ jobs by queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      const queues = [...(watched.delivery ? [watched.delivery] : []), ...watched.others];
      for (const q of queues) {
        const counts = await q.getJobCounts(...QUEUE_STATES);
        for (const s of QUEUE_STATES) this.set({ queue: q.name, state: s }, counts[s] ?? 0);
      }
    },
  });
  const waiting = new Gauge({
    name: 'duban_deliveries_waiting',
    help: 'Messages queued for delivery and not yet sent (waiting, delayed, prioritized)',
    registers: [registry],
    async collect() {
      if (!watched.delivery) return;
      const counts = await watched.delivery.getJobCounts(...WAITING_STATES);
      this.set(WAITING_STATES.reduce((n, s) => n + (counts[s] ?? 0), 0));
    },
  });
  void depth;
  void waiting;

  return {
    registry,
    eventIn: (kind) => events.inc({ kind }),
    reply(seconds) {
      replies.inc();
      if (seconds !== undefined) latency.observe(seconds);
    },
    remindersPlanned: (n) => planned.inc(n),
    reminderSent: () => sent.inc(),
    reminderFailed: () => failed.inc(),
    rateLimited: (op) => limited.inc({ op }),
    watchQueues(q) {
      watched = { ...(q.delivery ? { delivery: q.delivery } : {}), others: q.others ?? [] };
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}

/** The bot, counting messages in, replies out and the time to each message's first reply. */
export function instrumentBot(bot: Bot, metrics: Metrics, now: () => number = () => performance.now()): Bot {
  return {
    ...(bot.press
      ? {
          press(event) {
            metrics.eventIn('card');
            return bot.press!(event);
          },
        }
      : {}),
    async handle(message, out) {
      metrics.eventIn('message');
      const started = now();
      let first = true;
      // Keep what the outbox carries besides reply (the inbound event's idempotency key): without it a
      // re-run after a crash would record a progress report twice.
      await bot.handle(message, {
        ...out,
        async reply(reply) {
          await out.reply(reply);
          metrics.reply(first ? (now() - started) / 1000 : undefined);
          first = false;
        },
      });
    },
  };
}
