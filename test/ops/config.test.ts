import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactConfig } from '../../src/config.js';

describe('operator settings', () => {
  it('leaves the dashboard off unless both DASHBOARD_USER and DASHBOARD_PASSWORD are set', () => {
    expect(loadConfig({}).ops).toEqual({ stallSeconds: 300 });
    expect(loadConfig({ DASHBOARD_USER: 'ops', DASHBOARD_PASSWORD: 'long-enough-pass' }).ops.dashboard).toEqual({ user: 'ops', password: 'long-enough-pass' });
    expect(() => loadConfig({ DASHBOARD_USER: 'ops' })).toThrow(/DASHBOARD_PASSWORD/);
  });

  it('refuses a short password without echoing it, and never logs it', () => {
    try {
      loadConfig({ DASHBOARD_USER: 'ops', DASHBOARD_PASSWORD: 'short' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as Error).message).toMatch(/DASHBOARD_PASSWORD：至少 12 个字符/);
      expect((e as Error).message).not.toContain('short');
    }
    const shown = JSON.stringify(redactConfig(loadConfig({ DASHBOARD_USER: 'ops', DASHBOARD_PASSWORD: 'long-enough-pass' })));
    expect(shown).not.toContain('long-enough-pass');
    expect(shown).toContain('"dashboard":{"user":"ops","password":"[set]"}');
  });
});
