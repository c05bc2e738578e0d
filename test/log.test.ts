import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, redactConfig } from '../src/config.js';
import { createLogger, redactUrl, silentLogger } from '../src/log.js';

describe('logger', () => {
  it('captures structured lines in tests without printing them', () => {
    const log = silentLogger();
    log.info({ chatId: 'oc_1', tasks: 3 }, 'ledger loaded');
    log.child({ module: 'reminders' }).warn('queue slow');
    log.debug('details');
    expect(log.lines.map((l) => [l.level, l.msg])).toEqual([
      [30, 'ledger loaded'],
      [40, 'queue slow'],
      [20, 'details'],
    ]);
    expect(log.lines[0]).toMatchObject({ chatId: 'oc_1', tasks: 3 });
    expect(log.lines[1]).toMatchObject({ module: 'reminders' });
    expect(silentLogger('warn').level).toBe('warn');
  });

  it('never writes secrets, tokens or authorization headers', () => {
    const log = silentLogger();
    log.info(
      {
        appSecret: 'A1',
        lark: { appSecret: 'A2', encryptKey: 'A3', verificationToken: 'A4', appId: 'cli_visible' },
        req: { headers: { authorization: 'Bearer A5', 'x-lark-signature': 'A6', host: 'example' } },
        body: { token: 'A7', tenant_access_token: 'A8' },
        password: 'A9',
      },
      'incoming',
    );
    const line = JSON.stringify(log.lines);
    for (let i = 1; i <= 9; i++) expect(line).not.toContain(`"A${i}"`);
    expect(line).not.toContain('Bearer');
    expect(line).toContain('cli_visible');
    expect(line).toContain('"host":"example"');
  });

  it('scrubs the request an HTTP client error carries (axios shape, as from the Lark SDK)', () => {
    const log = silentLogger();
    const err = Object.assign(new Error('Request failed with status code 400'), {
      config: {
        url: '/open-apis/auth/v3/tenant_access_token/internal',
        headers: { Authorization: 'Bearer t-xyz-secret' },
        data: '{"app_id":"cli_1","app_secret":"s-xyz-secret"}',
      },
    });
    log.error({ err }, 'lark call failed');
    const line = JSON.stringify(log.lines);
    expect(line).not.toContain('xyz-secret');
    expect(line).toContain('tenant_access_token/internal');
  });

  it('keeps secrets out of the start-up config line', () => {
    const log = silentLogger();
    const c = loadConfig({
      LARK_APP_ID: 'cli_a1b2c3d4e5f60718',
      LARK_APP_SECRET: 'top-secret-1',
      LARK_VERIFICATION_TOKEN: 'top-secret-2',
      LARK_ENCRYPT_KEY: 'top-secret-4',
      REDIS_URL: 'redis://:top-secret-3@127.0.0.1:6379',
    });
    log.info({ config: redactConfig(c) }, 'starting');
    expect(JSON.stringify(log.lines)).not.toMatch(/top-secret/);
  });

  it('writes JSON lines to a file destination', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'duban-log-'));
    try {
      const file = path.join(dir, 'sub', 'bot.log');
      const log = createLogger({ level: 'info', name: 'duban', destination: file });
      log.info({ secret: 'zzz' }, 'hello');
      log.flush();
      const [line] = readFileSync(file, 'utf8').trim().split('\n');
      expect(JSON.parse(line!)).toMatchObject({ name: 'duban', msg: 'hello', secret: '[redacted]' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('masks passwords in URLs, even unparseable ones', () => {
    expect(redactUrl('redis://user:pw@10.0.0.1:6379/2')).toBe('redis://user:***@10.0.0.1:6379/2');
    expect(redactUrl('redis://:pw@')).toBe('redis://:***@');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});
