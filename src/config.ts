import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import cron from 'node-cron';
import { z } from 'zod';
import { isCalendarDate } from './calendar/shanghai.js';
import { redactUrl } from './log.js';

/**
 * Every setting the bot reads from the environment, validated once at start-up.
 * Messages are Chinese and name the variable, the problem and an example, so
 * whoever edits `.env` can fix it without reading code. All problems are
 * reported together (ConfigError.problems).
 */

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export interface HostPort {
  host: string;
  port: number;
}

export interface LarkConfig {
  appId: string;
  appSecret: string;
  encryptKey?: string;
  verificationToken?: string;
  /** Open API base URL; tests point it at a fake server on 127.0.0.1. */
  domain: string;
  mode: 'webhook' | 'ws';
  webhookPath: string;
  /** Events older than this (by their create_time) are dropped as replays. */
  eventMaxAgeSeconds: number;
}

export interface Config {
  logLevel: LogLevel;
  /** Local state (spawned Redis data lives in `<dataDir>/redis`). */
  dataDir: string;
  redis: {
    /** Set only when REDIS_URL is; otherwise ensureRedis() probes 127.0.0.1:6379 / spawns. */
    url?: string;
    /** Seam for HA: when set, createRedis() connects through Sentinel instead of `url`. */
    sentinels?: HostPort[];
    sentinelName: string;
    /** Seam for Redis Cluster: when set, createRedis() builds an ioredis Cluster. */
    clusterNodes?: HostPort[];
    /** May the bot start a local `redis-server` child when none answers? */
    autostart: boolean;
    /** BullMQ key prefix; braces make it a Cluster hash tag so a queue's keys share a slot. */
    queuePrefix: string;
    /** Refuse to start when Redis has append-only persistence off (otherwise: a loud warning). */
    requireAof: boolean;
  };
  /** How long a stop (SIGTERM/SIGINT) may take before the process exits regardless. */
  shutdownSeconds: number;
  plans: {
    /** Paths or globs as written (relative to the working directory); see expandPlanFiles(). */
    files: string[];
    unitsFile: string;
  };
  /** HOLIDAY_NOTICE_FILES: State Council holiday notices (text files) to plan with where chinese-days has no table. */
  holidays: { noticeFiles: string[] };
  /** `undefined` when no Lark credentials are configured: the bot runs as a terminal chat. */
  lark: LarkConfig | undefined;
  http: { port: number };
  ops: {
    /** The bull-board dashboard at /admin/queues; off unless both are set. */
    dashboard?: { user: string; password: string };
    /** /readyz fails when a queue's oldest ready job waited this long and nothing finished meanwhile. */
    stallSeconds: number;
  };
  roles: { adminOpenIds: string[]; supervisorOpenIds: string[]; supervisorChatId?: string };
  reminders: {
    /** Local (Asia/Shanghai) time of day reminders go out. */
    time: { hour: number; minute: number };
    /** Days before a deadline to remind, largest first, no duplicates. */
    offsetsDays: number[];
    /** Working days overdue before the supervisor is told. */
    escalateAfterWorkdays: number;
  };
  weekly: {
    /** node-cron expressions, evaluated in `timezone`. */
    callCron: string;
    summaryCron: string;
    timezone: 'Asia/Shanghai';
  };
  /** REQUIRE_LARK: never fall back to the terminal chat (containers have no terminal). */
  requireLark: boolean;
  /**
   * DEMO_TODAY: the terminal chat's "today". 'auto' (default): the plans' own
   * year when every loaded plan is from a past year; 'off': the real date; or a date.
   */
  demoToday: 'auto' | 'off' | string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`配置有 ${problems.length} 处问题，请修改 .env 或环境变量后重试：\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Variables whose values must never be echoed (not in messages, not in logs). */
const SECRET_VARS = new Set(['LARK_APP_SECRET', 'LARK_ENCRYPT_KEY', 'LARK_VERIFICATION_TOKEN', 'DASHBOARD_PASSWORD']);

/** Example value per variable, quoted in every error message about it. */
export const ENV_EXAMPLES: Readonly<Record<string, string>> = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  REDIS_SENTINELS: '10.0.0.11:26379,10.0.0.12:26379',
  REDIS_SENTINEL_NAME: 'mymaster',
  REDIS_CLUSTER_NODES: '10.0.0.21:6379,10.0.0.22:6379',
  REDIS_AUTOSTART: 'true',
  DATA_DIR: '.data',
  LOG_LEVEL: 'info',
  PLAN_FILES: 'seeds/*.txt,plans/2024-工作要点.txt',
  UNITS_FILE: 'seeds/units.yaml',
  HOLIDAY_NOTICE_FILES: 'holidays/2027.txt',
  LARK_APP_ID: 'cli_a1b2c3d4e5f60718',
  LARK_APP_SECRET: '（飞书开放平台“凭证与基础信息”页的 App Secret）',
  LARK_ENCRYPT_KEY: '（“事件与回调 > 加密策略”页的 Encrypt Key）',
  LARK_VERIFICATION_TOKEN: '（“事件与回调 > 加密策略”页的 Verification Token）',
  LARK_DOMAIN: 'https://open.feishu.cn',
  LARK_MODE: 'webhook',
  PORT: '3000',
  WEBHOOK_PATH: '/lark/events',
  EVENT_MAX_AGE_SECONDS: '300',
  ADMIN_OPEN_IDS: 'ou_1a2b3c4d5e6f,ou_7a8b9c0d1e2f',
  SUPERVISOR_OPEN_IDS: 'ou_1a2b3c4d5e6f',
  SUPERVISOR_CHAT_ID: 'oc_1a2b3c4d5e6f',
  REMINDER_TIME: '09:00',
  REMINDER_OFFSETS_DAYS: '7,3,1',
  ESCALATE_AFTER_WORKDAYS: '3',
  WEEKLY_CALL_CRON: '周四 10:00',
  WEEKLY_SUMMARY_CRON: '0 16 * * 5',
  QUEUE_PREFIX: '{duban}',
  REQUIRE_LARK: 'true',
  DEMO_TODAY: '2022-07-05',
  REDIS_REQUIRE_AOF: 'true',
  SHUTDOWN_TIMEOUT_SECONDS: '8',
  DASHBOARD_USER: 'ops',
  DASHBOARD_PASSWORD: '（至少 12 位的随机口令）',
  READY_STALL_SECONDS: '300',
};

const LARK_DOMAINS: Record<string, string> = {
  feishu: 'https://open.feishu.cn',
  lark: 'https://open.larksuite.com',
};

// ---- field schemas (raw env string → typed value, Chinese messages) ----

const token = (what: string) =>
  z.string().regex(/^\S+$/, { error: `${what} 不能含空格或换行（多半是复制时带进来的）` });

const intIn = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: '应为整数' })
    .transform(Number)
    .pipe(z.number().min(min, { error: `不能小于 ${min}` }).max(max, { error: `不能大于 ${max}` }));

const commaList = (raw: string) =>
  raw
    .split(/[,，;；\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);

const hostPortList = z.string().transform((raw, ctx) => {
  const out: HostPort[] = [];
  for (const item of commaList(raw)) {
    const m = /^([^:\s]+):(\d{1,5})$/.exec(item);
    const port = m ? Number(m[2]) : 0;
    if (!m || port < 1 || port > 65535) {
      ctx.addIssue({ code: 'custom', message: `“${item}”不是“主机:端口”的形式` });
      return z.NEVER;
    }
    out.push({ host: m[1]!, port });
  }
  if (out.length === 0) {
    ctx.addIssue({ code: 'custom', message: '至少要有一个“主机:端口”' });
    return z.NEVER;
  }
  return out;
});

const idList = (prefix: string, kind: string) =>
  z.string().transform((raw, ctx) => {
    const ids = commaList(raw);
    const bad = ids.filter((id) => !new RegExp(`^${prefix}[A-Za-z0-9_-]+$`).test(id));
    if (bad.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `${bad.map((b) => `“${b}”`).join('、')}不是${kind}（应以 ${prefix} 开头，可在飞书管理后台或事件日志中查到）`,
      });
      return z.NEVER;
    }
    return [...new Set(ids)];
  });

const boolFlag = z.string().transform((raw, ctx) => {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on', '是'].includes(v)) return true;
  if (['0', 'false', 'no', 'off', '否'].includes(v)) return false;
  ctx.addIssue({ code: 'custom', message: '应为 true 或 false' });
  return z.NEVER;
});

const DAYS: Record<string, number> = {
  sun: 0, sunday: 0, 日: 0, 天: 0,
  mon: 1, monday: 1, 一: 1,
  tue: 2, tuesday: 2, 二: 2,
  wed: 3, wednesday: 3, 三: 3,
  thu: 4, thursday: 4, 四: 4,
  fri: 5, friday: 5, 五: 5,
  sat: 6, saturday: 6, 六: 6,
};

const clock = /^([01]?\d|2[0-3])[:：]([0-5]\d)$/;

/** "周四 10:00" / "Thu 10:00" / a cron expression → a node-cron expression. */
const schedule = z.string().transform((raw, ctx) => {
  const s = raw.trim();
  const friendly = /^(?:周|星期|礼拜)?([一二三四五六日天]|[A-Za-z]+)\s*([0-9]{1,2}[:：][0-9]{2})$/.exec(s);
  if (friendly) {
    const day = DAYS[friendly[1]!.toLowerCase()];
    const t = clock.exec(friendly[2]!);
    if (day !== undefined && t) return `${Number(t[2])} ${Number(t[1])} * * ${day}`;
  }
  if (/^\S+(\s+\S+){4,5}$/.test(s) && cron.validate(s)) return s;
  ctx.addIssue({ code: 'custom', message: '应为“周几 时:分”（如 周四 10:00）或 cron 表达式（如 0 10 * * 4）' });
  return z.NEVER;
});

/** The schema over the environment. Empty strings count as unset (as in a blank `.env` line). */
export const envSchema = z.object({
  REDIS_URL: z
    .string()
    .refine((v) => /^rediss?:\/\/[^/\s]/.test(v) && URL.canParse(v), {
      error: '应为 redis:// 或 rediss:// 开头的地址',
    })
    .optional(),
  REDIS_SENTINELS: hostPortList.optional(),
  REDIS_SENTINEL_NAME: token('Sentinel 主节点名').default('mymaster'),
  REDIS_CLUSTER_NODES: hostPortList.optional(),
  REDIS_AUTOSTART: boolFlag.default(true),
  DATA_DIR: z.string().default('.data'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: '应为 fatal、error、warn、info、debug、trace、silent 之一',
    })
    .default('info'),
  PLAN_FILES: z
    .string()
    .transform((raw, ctx) => {
      const list = splitPatterns(raw);
      if (list.length === 0) ctx.addIssue({ code: 'custom', message: '至少要有一个文件路径或通配符' });
      return list;
    })
    .default(['seeds/*.txt']),
  UNITS_FILE: z.string().default('seeds/units.yaml'),
  HOLIDAY_NOTICE_FILES: z
    .string()
    .transform((raw) => raw.split(/[,，]/).map((s) => s.trim()).filter(Boolean))
    .default([]),
  LARK_APP_ID: token('App ID').optional(),
  LARK_APP_SECRET: token('App Secret').optional(),
  LARK_ENCRYPT_KEY: token('Encrypt Key').optional(),
  LARK_VERIFICATION_TOKEN: token('Verification Token').optional(),
  LARK_DOMAIN: z
    .string()
    .transform((raw, ctx) => {
      const v = LARK_DOMAINS[raw.trim().toLowerCase()] ?? raw.trim().replace(/\/+$/, '');
      if (!/^https?:\/\/[^/\s]+$/.test(v) || !URL.canParse(v)) {
        ctx.addIssue({ code: 'custom', message: '应为 http(s)://主机[:端口]（不带路径），或 feishu / lark' });
        return z.NEVER;
      }
      return v;
    })
    .default(LARK_DOMAINS.feishu!),
  LARK_MODE: z
    .enum(['webhook', 'ws'], { error: '应为 webhook（飞书推送到本机 HTTP 地址）或 ws（长连接，无需公网地址）' })
    .default('webhook'),
  PORT: intIn(1, 65535).default(3000),
  WEBHOOK_PATH: z.string().regex(/^\/\S*$/, { error: '应以 / 开头且不含空格' }).default('/lark/events'),
  EVENT_MAX_AGE_SECONDS: intIn(10, 86_400).default(300),
  ADMIN_OPEN_IDS: idList('ou_', '飞书用户 open_id').default([]),
  SUPERVISOR_OPEN_IDS: idList('ou_', '飞书用户 open_id').default([]),
  SUPERVISOR_CHAT_ID: z
    .string()
    .regex(/^oc_[A-Za-z0-9_-]+$/, { error: '不是飞书群 chat_id（应以 oc_ 开头）' })
    .optional(),
  REMINDER_TIME: z
    .string()
    .transform((raw, ctx) => {
      const m = clock.exec(raw.trim());
      if (!m) {
        ctx.addIssue({ code: 'custom', message: '应为 24 小时制“时:分”' });
        return z.NEVER;
      }
      return { hour: Number(m[1]), minute: Number(m[2]) };
    })
    .default({ hour: 9, minute: 0 }),
  REMINDER_OFFSETS_DAYS: z
    .string()
    .transform((raw, ctx) => {
      const items = commaList(raw);
      const bad = items.filter((s) => !/^\d{1,3}$/.test(s));
      if (items.length === 0 || bad.length > 0) {
        ctx.addIssue({ code: 'custom', message: '应为逗号分隔的天数（0 表示截止当天）' });
        return z.NEVER;
      }
      return [...new Set(items.map(Number))].sort((a, b) => b - a);
    })
    .default([7, 3, 1]),
  ESCALATE_AFTER_WORKDAYS: intIn(1, 60).default(3),
  WEEKLY_CALL_CRON: schedule.default('0 10 * * 4'),
  WEEKLY_SUMMARY_CRON: schedule.default('0 16 * * 5'),
  QUEUE_PREFIX: token('队列前缀').default('{duban}'),
  REQUIRE_LARK: boolFlag.default(false),
  DEMO_TODAY: z
    .string()
    .transform((raw, ctx) => {
      const v = raw.trim().toLowerCase();
      if (v === 'auto' || v === 'off') return v;
      if (!isCalendarDate(v)) {
        ctx.addIssue({ code: 'custom', message: '应为 auto（默认）、off 或 YYYY-MM-DD 形式的日期' });
        return z.NEVER;
      }
      return v;
    })
    .default('auto'),
  REDIS_REQUIRE_AOF: boolFlag.default(false),
  SHUTDOWN_TIMEOUT_SECONDS: intIn(1, 600).default(8),
  DASHBOARD_USER: token('队列面板用户名').optional(),
  DASHBOARD_PASSWORD: z.string().min(12, { error: '至少 12 个字符' }).optional(),
  READY_STALL_SECONDS: intIn(30, 86_400).default(300),
});

export type Env = z.output<typeof envSchema>;
export const ENV_VARS: readonly string[] = Object.keys(envSchema.shape);

function problem(name: string, what: string, raw: string | undefined): string {
  const shown =
    raw === undefined ? '' : SECRET_VARS.has(name) ? '' : `（当前值“${name === 'REDIS_URL' ? redactUrl(raw) : raw}”）`;
  return `${name}：${what}${shown}。示例：${name}=${ENV_EXAMPLES[name] ?? ''}`;
}

/** Checks that span variables; run on the raw env so they report alongside field errors. */
function crossChecks(env: Record<string, string | undefined>): string[] {
  const out: string[] = [];
  const has = (k: string) => env[k] !== undefined;
  if (has('REDIS_SENTINELS') && has('REDIS_CLUSTER_NODES')) {
    out.push(problem('REDIS_CLUSTER_NODES', '不能与 REDIS_SENTINELS 同时设置，请只保留一种部署方式', undefined));
  }
  const larkOn = has('LARK_APP_ID') || has('LARK_APP_SECRET');
  if (has('LARK_APP_ID') && !has('LARK_APP_SECRET')) {
    out.push(problem('LARK_APP_SECRET', '设置了 LARK_APP_ID 却没有设置 App Secret，两者需同时提供', undefined));
  }
  if (has('LARK_APP_SECRET') && !has('LARK_APP_ID')) {
    out.push(problem('LARK_APP_ID', '设置了 LARK_APP_SECRET 却没有设置 App ID，两者需同时提供', undefined));
  }
  if (!larkOn) {
    for (const k of ['LARK_ENCRYPT_KEY', 'LARK_VERIFICATION_TOKEN']) {
      if (has(k)) out.push(problem(k, '只有同时设置 LARK_APP_ID 和 LARK_APP_SECRET 才有意义；不接飞书时请删掉这一行', undefined));
    }
  }
  const mode = env.LARK_MODE ?? 'webhook';
  if (larkOn && mode === 'webhook' && !has('LARK_VERIFICATION_TOKEN')) {
    out.push(
      problem('LARK_VERIFICATION_TOKEN', 'webhook 模式需要它来核验飞书推送的事件（或改用 LARK_MODE=ws 长连接）', undefined),
    );
  }
  // Without the encrypt key Lark signs nothing, so a webhook could not tell forged events from real ones.
  if (larkOn && mode === 'webhook' && !has('LARK_ENCRYPT_KEY')) {
    out.push(problem('LARK_ENCRYPT_KEY', 'webhook 模式需要它来校验飞书推送的签名（或改用 LARK_MODE=ws 长连接）', undefined));
  }
  // A made-up "today" would move real reminders: only the terminal chat may have one.
  if (larkOn && env.DEMO_TODAY !== undefined && !/^(auto|off)$/i.test(env.DEMO_TODAY)) {
    out.push(problem('DEMO_TODAY', '演示日期只用于终端对话；接入飞书时请删掉这一行（提醒按真实日期发送）', env.DEMO_TODAY));
  }
  if (has('DASHBOARD_USER') !== has('DASHBOARD_PASSWORD')) {
    out.push(problem(has('DASHBOARD_USER') ? 'DASHBOARD_PASSWORD' : 'DASHBOARD_USER', '队列面板需要同时设置 DASHBOARD_USER 和 DASHBOARD_PASSWORD（都不设则不开放面板）', undefined));
  }
  const appId = env.LARK_APP_ID;
  if (larkOn && mode === 'ws' && appId !== undefined && !/^cli_[0-9a-f]{16}$/.test(appId)) {
    out.push(problem('LARK_APP_ID', 'ws 长连接模式要求形如 cli_ 加 16 位十六进制的 App ID', appId));
  }
  return out;
}

/** Reads and validates the whole configuration; throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const raw: Record<string, string | undefined> = {};
  for (const name of ENV_VARS) {
    const v = env[name]?.trim();
    raw[name] = v === undefined || v === '' ? undefined : v;
  }
  const parsed = envSchema.safeParse(raw);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? '');
      problems.push(problem(name, issue.message, raw[name]));
    }
  }
  problems.push(...crossChecks(raw));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  const lark: LarkConfig | undefined =
    e.LARK_APP_ID !== undefined && e.LARK_APP_SECRET !== undefined
      ? {
          appId: e.LARK_APP_ID,
          appSecret: e.LARK_APP_SECRET,
          ...(e.LARK_ENCRYPT_KEY === undefined ? {} : { encryptKey: e.LARK_ENCRYPT_KEY }),
          ...(e.LARK_VERIFICATION_TOKEN === undefined ? {} : { verificationToken: e.LARK_VERIFICATION_TOKEN }),
          domain: e.LARK_DOMAIN,
          mode: e.LARK_MODE,
          webhookPath: e.WEBHOOK_PATH,
          eventMaxAgeSeconds: e.EVENT_MAX_AGE_SECONDS,
        }
      : undefined;
  return {
    logLevel: e.LOG_LEVEL,
    dataDir: e.DATA_DIR,
    redis: {
      ...(e.REDIS_URL === undefined ? {} : { url: e.REDIS_URL }),
      ...(e.REDIS_SENTINELS === undefined ? {} : { sentinels: e.REDIS_SENTINELS }),
      sentinelName: e.REDIS_SENTINEL_NAME,
      ...(e.REDIS_CLUSTER_NODES === undefined ? {} : { clusterNodes: e.REDIS_CLUSTER_NODES }),
      autostart: e.REDIS_AUTOSTART,
      queuePrefix: e.QUEUE_PREFIX,
      requireAof: e.REDIS_REQUIRE_AOF,
    },
    shutdownSeconds: e.SHUTDOWN_TIMEOUT_SECONDS,
    plans: { files: e.PLAN_FILES, unitsFile: e.UNITS_FILE },
    holidays: { noticeFiles: e.HOLIDAY_NOTICE_FILES },
    lark,
    http: { port: e.PORT },
    ops: {
      ...(e.DASHBOARD_USER !== undefined && e.DASHBOARD_PASSWORD !== undefined
        ? { dashboard: { user: e.DASHBOARD_USER, password: e.DASHBOARD_PASSWORD } }
        : {}),
      stallSeconds: e.READY_STALL_SECONDS,
    },
    roles: {
      adminOpenIds: e.ADMIN_OPEN_IDS,
      supervisorOpenIds: e.SUPERVISOR_OPEN_IDS,
      ...(e.SUPERVISOR_CHAT_ID === undefined ? {} : { supervisorChatId: e.SUPERVISOR_CHAT_ID }),
    },
    reminders: {
      time: e.REMINDER_TIME,
      offsetsDays: e.REMINDER_OFFSETS_DAYS,
      escalateAfterWorkdays: e.ESCALATE_AFTER_WORKDAYS,
    },
    weekly: { callCron: e.WEEKLY_CALL_CRON, summaryCron: e.WEEKLY_SUMMARY_CRON, timezone: 'Asia/Shanghai' },
    requireLark: e.REQUIRE_LARK,
    demoToday: e.DEMO_TODAY,
  };
}

/**
 * The configuration as it may be logged at start-up: secrets replaced by
 * "[set]" (so one can still see they are configured), Redis passwords masked.
 */
export function redactConfig(config: Config): unknown {
  const mask = (v: string | undefined) => (v === undefined ? undefined : '[set]');
  return {
    ...config,
    redis: { ...config.redis, ...(config.redis.url === undefined ? {} : { url: redactUrl(config.redis.url) }) },
    lark:
      config.lark === undefined
        ? undefined
        : {
            ...config.lark,
            appSecret: mask(config.lark.appSecret),
            encryptKey: mask(config.lark.encryptKey),
            verificationToken: mask(config.lark.verificationToken),
          },
    ops: { ...config.ops, ...(config.ops.dashboard ? { dashboard: { user: config.ops.dashboard.user, password: '[set]' } } : {}) },
  };
}

// ---- PLAN_FILES expansion (the only I/O here) ----

/** "seeds/*.txt, plans/{a,b}.txt" -> two patterns: commas inside braces belong to the pattern. */
export function splitPatterns(raw: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of raw) {
    if (ch === '{') depth += 1;
    else if (ch === '}') depth = Math.max(0, depth - 1);
    if ((ch === ',' || ch === '，') && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter(Boolean);
}

/** Globs stop here rather than walk a whole disk. */
const MAX_MATCHES = 20_000;

/**
 * Expands PLAN_FILES entries relative to `cwd` with tinyglobby: `*`, `?`, `**`,
 * braces (`seeds/{a,b}.txt`), classes (`[ab].txt`). Returns absolute paths,
 * sorted, without duplicates; dot files and node_modules are left out. Plain
 * paths are returned whether or not they exist (the loader reports missing
 * files); a pattern that matches nothing is a ConfigError naming it, since a
 * plan list that silently loses a pattern looks like a working bot with
 * missing plans.
 */
export async function expandPlanFiles(patterns: readonly string[], cwd = process.cwd()): Promise<string[]> {
  const found = new Set<string>();
  const problems: string[] = [];
  for (const p of patterns) {
    if (!isDynamicPattern(p)) {
      found.add(path.resolve(cwd, p));
      continue;
    }
    const matches = await glob(p, { cwd, absolute: true, onlyFiles: true, dot: false, ignore: ['**/node_modules/**'], expandDirectories: false });
    if (matches.length > MAX_MATCHES) problems.push(`PLAN_FILES 中的“${p}”匹配了 ${matches.length} 个文件（上限 ${MAX_MATCHES}），请写得更具体`);
    else if (matches.length === 0) problems.push(`PLAN_FILES 中的“${p}”没有匹配到任何文件（在 ${cwd} 下查找）。请检查路径和通配符，例如 ${ENV_EXAMPLES.PLAN_FILES}`);
    for (const m of matches) found.add(path.resolve(m));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return [...found].sort();
}
