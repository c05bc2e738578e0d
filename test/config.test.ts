import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, ENV_VARS, expandPlanFiles, loadConfig, redactConfig } from '../src/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

const lark = {
  LARK_APP_ID: 'cli_a1b2c3d4e5f60718',
  LARK_APP_SECRET: 'S3cr3t-app-secret-value',
  LARK_VERIFICATION_TOKEN: 'v-token-value-123',
  LARK_ENCRYPT_KEY: 'encrypt-key-value-456',
};

describe('loadConfig', () => {
  it('runs with no environment at all: console mode and documented defaults', () => {
    const c = loadConfig({});
    expect(c.lark).toBeUndefined();
    expect('lark' in c).toBe(true);
    expect(c.redis).toEqual({ sentinelName: 'mymaster', autostart: true, queuePrefix: '{duban}', requireAof: false });
    expect(c.shutdownSeconds).toBe(8);
    expect(c.plans).toEqual({ files: ['seeds/*.txt'], unitsFile: 'seeds/units.yaml' });
    expect(c.http.port).toBe(3000);
    expect(c.logLevel).toBe('info');
    expect(c.reminders).toEqual({ time: { hour: 9, minute: 0 }, offsetsDays: [7, 3, 1], escalateAfterWorkdays: 3 });
    expect(c.weekly).toEqual({ callCron: '0 10 * * 4', summaryCron: '0 16 * * 5', timezone: 'Asia/Shanghai' });
    expect(c.roles).toEqual({ adminOpenIds: [], supervisorOpenIds: [] });
  });

  it('treats blank values (as in a freshly copied .env) as unset', () => {
    expect(loadConfig({ PORT: '', REDIS_URL: '  ', LARK_APP_ID: '' })).toEqual(loadConfig({}));
  });

  it('turns on Lark when credentials are set, with domain, mode and webhook settings', () => {
    const c = loadConfig({ ...lark, LARK_DOMAIN: 'http://127.0.0.1:18080/', PORT: '8080', EVENT_MAX_AGE_SECONDS: '60' });
    expect(c.lark).toEqual({
      appId: lark.LARK_APP_ID,
      appSecret: lark.LARK_APP_SECRET,
      encryptKey: lark.LARK_ENCRYPT_KEY,
      verificationToken: lark.LARK_VERIFICATION_TOKEN,
      domain: 'http://127.0.0.1:18080',
      mode: 'webhook',
      webhookPath: '/lark/events',
      eventMaxAgeSeconds: 60,
    });
    expect(c.http.port).toBe(8080);
    expect(loadConfig({ ...lark, LARK_DOMAIN: 'lark' }).lark?.domain).toBe('https://open.larksuite.com');
  });

  it('parses lists, times and friendly weekly schedules', () => {
    const c = loadConfig({
      ADMIN_OPEN_IDS: 'ou_abc, ou_def，ou_abc',
      SUPERVISOR_CHAT_ID: 'oc_123',
      REMINDER_TIME: '8:30',
      REMINDER_OFFSETS_DAYS: '1,7,3,0,3',
      WEEKLY_CALL_CRON: '周三 9:05',
      WEEKLY_SUMMARY_CRON: 'Fri 17:30',
      PLAN_FILES: 'a.txt, plans/*.txt',
    });
    expect(c.roles).toEqual({ adminOpenIds: ['ou_abc', 'ou_def'], supervisorOpenIds: [], supervisorChatId: 'oc_123' });
    expect(c.reminders.time).toEqual({ hour: 8, minute: 30 });
    expect(c.reminders.offsetsDays).toEqual([7, 3, 1, 0]);
    expect(c.weekly.callCron).toBe('5 9 * * 3');
    expect(c.weekly.summaryCron).toBe('30 17 * * 5');
    expect(c.plans.files).toEqual(['a.txt', 'plans/*.txt']);
    expect(loadConfig({ WEEKLY_CALL_CRON: '0 10 * * 1-5' }).weekly.callCron).toBe('0 10 * * 1-5');
  });

  it('names the variable, the problem and an example for a bad value', () => {
    const [p] = problemsOf({ PORT: 'abc' });
    expect(p).toMatch(/^PORT：/);
    expect(p).toContain('整数');
    expect(p).toContain('“abc”');
    expect(p).toContain('示例：PORT=3000');
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({
      PORT: '70000',
      LOG_LEVEL: 'loud',
      REMINDER_TIME: '25:00',
      WEEKLY_CALL_CRON: 'every thursday',
      ADMIN_OPEN_IDS: 'ou_ok,zhangsan',
      LARK_MODE: 'poll',
    });
    const vars = problems.map((p) => p.split('：')[0]).sort();
    expect(vars).toEqual(['ADMIN_OPEN_IDS', 'LARK_MODE', 'LOG_LEVEL', 'PORT', 'REMINDER_TIME', 'WEEKLY_CALL_CRON']);
    expect(problems.find((p) => p.startsWith('ADMIN_OPEN_IDS'))).toContain('“zhangsan”');
    const err = (() => {
      try {
        loadConfig({ PORT: '0' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toContain('PORT');
    expect(err?.message).toContain('.env');
  });

  it('catches half-configured Lark credentials and webhook mode without a verification token', () => {
    expect(problemsOf({ LARK_APP_ID: lark.LARK_APP_ID }).join('\n')).toContain('LARK_APP_SECRET');
    expect(problemsOf({ LARK_APP_SECRET: 'x' }).join('\n')).toContain('LARK_APP_ID');
    expect(problemsOf({ LARK_APP_ID: lark.LARK_APP_ID, LARK_APP_SECRET: 'x' })[0]).toMatch(/^LARK_VERIFICATION_TOKEN：.*webhook/);
    // Unsigned pushes cannot be told from forgeries: webhook mode needs the encrypt key too.
    expect(problemsOf({ LARK_APP_ID: lark.LARK_APP_ID, LARK_APP_SECRET: 'x', LARK_VERIFICATION_TOKEN: 't' }).join('\n')).toMatch(/LARK_ENCRYPT_KEY：.*签名/);
    // ws mode needs no token but a real-looking app id (the SDK's WSClient rejects others).
    expect(loadConfig({ LARK_APP_ID: lark.LARK_APP_ID, LARK_APP_SECRET: 'x', LARK_MODE: 'ws' }).lark?.mode).toBe('ws');
    expect(problemsOf({ LARK_APP_ID: 'myapp', LARK_APP_SECRET: 'x', LARK_MODE: 'ws' })[0]).toMatch(/^LARK_APP_ID：/);
    expect(problemsOf({ REDIS_SENTINELS: 'a:1', REDIS_CLUSTER_NODES: 'b:2' })[0]).toMatch(/^REDIS_CLUSTER_NODES：/);
  });

  it('takes a demo date for the terminal only, and refuses an impossible one', () => {
    expect(loadConfig({}).demoToday).toBe('auto');
    expect(loadConfig({ DEMO_TODAY: 'OFF' }).demoToday).toBe('off');
    expect(loadConfig({ DEMO_TODAY: '2022-07-05' }).demoToday).toBe('2022-07-05');
    expect(problemsOf({ DEMO_TODAY: '2022-13-01' })[0]).toMatch(/^DEMO_TODAY：应为 auto/);
    expect(problemsOf({ LARK_APP_ID: lark.LARK_APP_ID, LARK_APP_SECRET: 'x', LARK_MODE: 'ws', DEMO_TODAY: '2022-07-05' })[0]).toMatch(/^DEMO_TODAY：演示日期只用于终端对话/);
    expect(loadConfig({ REQUIRE_LARK: 'true' }).requireLark).toBe(true);
  });

  it('never echoes a secret in an error message', () => {
    const problems = problemsOf({ ...lark, LARK_APP_SECRET: 'pasted secret\nwith newline', REDIS_URL: 'http://:pw123@x' });
    const text = problems.join('\n');
    expect(text).toContain('LARK_APP_SECRET');
    expect(text).not.toContain('pasted secret');
    expect(text).toContain('REDIS_URL');
    expect(text).not.toContain('pw123');
  });
});

describe('redactConfig', () => {
  it('keeps what helps diagnose start-up and hides every secret', () => {
    const c = loadConfig({ ...lark, REDIS_URL: 'redis://:redis-pass-789@10.1.2.3:6379/0' });
    const line = JSON.stringify(redactConfig(c));
    for (const secret of [lark.LARK_APP_SECRET, lark.LARK_ENCRYPT_KEY, lark.LARK_VERIFICATION_TOKEN, 'redis-pass-789']) {
      expect(line).not.toContain(secret);
    }
    expect(line).toContain(lark.LARK_APP_ID);
    expect(line).toContain('10.1.2.3:6379');
    expect(line).toContain('"appSecret":"[set]"');
  });
});

describe('.env.example', () => {
  const text = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
  const assigned = new Map(
    text
      .split('\n')
      .map((l) => /^([A-Z_]+)=(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!, m[2]!]),
  );

  it('documents every variable the bot reads, each under a Chinese comment', () => {
    expect([...assigned.keys()].sort()).toEqual([...ENV_VARS].sort());
    const lines = text.split('\n');
    for (const name of ENV_VARS) {
      const i = lines.findIndex((l) => l.startsWith(`${name}=`));
      const block = lines.slice(Math.max(0, i - 6), i).filter((l) => l.startsWith('#'));
      expect(block.some((l) => /[\u4e00-\u9fff]/.test(l)), `${name} needs a Chinese comment`).toBe(true);
    }
  });

  it('is a valid configuration as shipped (copying it changes nothing)', () => {
    expect(loadConfig(Object.fromEntries(assigned))).toEqual(loadConfig({}));
  });
});

describe('expandPlanFiles', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('expands globs in name order, keeps plain paths, and skips dot files', async () => {
    const d = await mkdtemp(path.join(os.tmpdir(), 'duban-plans-'));
    dirs.push(d);
    await mkdir(path.join(d, 'plans/2024'), { recursive: true });
    for (const f of ['plans/b.txt', 'plans/a.txt', 'plans/.hidden.txt', 'plans/notes.md', 'plans/2024/c.txt']) {
      await writeFile(path.join(d, f), 'x');
    }
    expect(await expandPlanFiles(['plans/*.txt', 'missing.txt'], d)).toEqual(
      [path.join(d, 'missing.txt'), path.join(d, 'plans/a.txt'), path.join(d, 'plans/b.txt')].sort(),
    );
    expect(await expandPlanFiles(['plans/**/*.txt'], d)).toEqual(
      [path.join(d, 'plans/2024/c.txt'), path.join(d, 'plans/a.txt'), path.join(d, 'plans/b.txt')].sort(),
    );
    await expect(expandPlanFiles(['nowhere/*.txt'], d)).rejects.toThrow(/PLAN_FILES 中的“nowhere\/\*\.txt”没有匹配到任何文件/u);
  });

  it('understands braces, also inside a comma-separated PLAN_FILES', async () => {
    const d = await mkdtemp(path.join(os.tmpdir(), 'duban-plans-'));
    dirs.push(d);
    await mkdir(path.join(d, 'seeds'), { recursive: true });
    for (const f of ['seeds/a.txt', 'seeds/b.txt', 'seeds/c.txt']) await writeFile(path.join(d, f), 'x');
    const files = loadConfig({ PLAN_FILES: 'seeds/{a,b}.txt, seeds/c.txt' }).plans.files;
    expect(files).toEqual(['seeds/{a,b}.txt', 'seeds/c.txt']);
    expect(await expandPlanFiles(files, d)).toEqual([path.join(d, 'seeds/a.txt'), path.join(d, 'seeds/b.txt'), path.join(d, 'seeds/c.txt')]);
  });

  it('names every pattern that matches nothing, and changes nothing', async () => {
    const d = await mkdtemp(path.join(os.tmpdir(), 'duban-plans-'));
    dirs.push(d);
    await mkdir(path.join(d, 'seeds'), { recursive: true });
    await writeFile(path.join(d, 'seeds/a.txt'), 'x');
    const err = await expandPlanFiles(['seeds/*.txt', 'seeds/{x,y}.txt', 'old/**/*.md'], d).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toHaveLength(2);
    expect((err as ConfigError).message).toContain('“seeds/{x,y}.txt”没有匹配到任何文件');
    expect((err as ConfigError).message).toContain('“old/**/*.md”没有匹配到任何文件');
  });
});
