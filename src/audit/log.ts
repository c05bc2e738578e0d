import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';

/**
 * Who changed what, when: bindings, reports, confirmations, returns, plan
 * loads. One Redis Stream per tenant (append-only, never trimmed) plus one
 * structured log line per change, so the record exists even where nobody
 * reads Redis. A failed Redis write is logged with the whole entry and does
 * not undo or fail the change it describes.
 *
 *   <ns>:{audit:<tenant>}:log
 */

export const AUDIT_ACTIONS = ['bind', 'unbind', 'report', 'confirm', 'return', 'plan-load', 'holiday-load'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditInput {
  tenant: string;
  action: AuditAction;
  /** Lark open_id, "console", or "system" for jobs. */
  by: string;
  byName?: string;
  chatId?: string;
  /** What was changed: a unit, a task id, a file. */
  subject: string;
  /** Small flat details (unit, status, previous binding…). */
  detail?: Record<string, string>;
}

export interface AuditEntry extends AuditInput {
  id: string;
  /** ISO instant. */
  at: string;
  detail: Record<string, string>;
}

export interface AuditLog {
  record(input: AuditInput): Promise<AuditEntry | undefined>;
  /** Newest first, at most `count`. */
  recent(tenant: string, count?: number): Promise<AuditEntry[]>;
}

export interface AuditLogOptions {
  prefix?: string;
  log: Logger;
  now?: () => Date;
}

const Stored = z.object({
  action: z.enum(AUDIT_ACTIONS),
  by: z.string(),
  byName: z.string().optional(),
  chatId: z.string().optional(),
  subject: z.string(),
  detail: z.string().transform((s, ctx) => {
    try {
      return z.record(z.string(), z.string()).parse(JSON.parse(s));
    } catch {
      ctx.addIssue({ code: 'custom', message: 'detail is not a JSON object of strings' });
      return z.NEVER;
    }
  }),
  at: z.string(),
});

export function createAuditLog(redis: Redis | Cluster, opts: AuditLogOptions): AuditLog {
  const ns = opts.prefix ?? 'duban';
  const now = opts.now ?? (() => new Date());
  const log = opts.log.child({ component: 'audit' });
  const key = (tenant: string) => `${ns}:{audit:${tenant.replace(/[{}]/g, '_')}}:log`;

  return {
    async record(input) {
      const at = now().toISOString();
      const detail = input.detail ?? {};
      const fields = ['action', input.action, 'by', input.by];
      if (input.byName) fields.push('byName', input.byName);
      if (input.chatId) fields.push('chatId', input.chatId);
      fields.push('subject', input.subject, 'detail', JSON.stringify(detail), 'at', at);
      const line = { event: 'audit', tenant: input.tenant, action: input.action, by: input.by, chatId: input.chatId, subject: input.subject, detail, at };
      try {
        const id = (await redis.xadd(key(input.tenant), '*', ...fields)) as string;
        log.info({ ...line, auditId: id }, `audit ${input.action}`);
        return { ...input, id, at, detail };
      } catch (err) {
        log.error({ ...line, err: err }, 'audit entry not stored in Redis');
        return undefined;
      }
    },
    async recent(tenant, count = 50) {
      const raw = (await redis.xrevrange(key(tenant), '+', '-', 'COUNT', Math.max(1, Math.min(count, 10_000)))) as Array<[string, string[]]>;
      const out: AuditEntry[] = [];
      for (const [id, flat] of raw) {
        const obj: Record<string, string> = {};
        for (let i = 0; i + 1 < flat.length; i += 2) obj[flat[i]!] = flat[i + 1]!;
        const p = Stored.safeParse(obj);
        if (!p.success) {
          log.warn({ event: 'audit.bad_entry', tenant, id }, 'malformed audit entry skipped');
          continue;
        }
        const { byName, chatId, ...rest } = p.data;
        out.push({ id, tenant, ...rest, ...(byName ? { byName } : {}), ...(chatId ? { chatId } : {}) });
      }
      return out;
    },
  };
}
