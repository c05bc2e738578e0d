/**
 * One field name per meaning in the logs: the event is `event` (never `evt`),
 * and errors go in `err` as the Error itself, so pino's serializer keeps the
 * type and stack (a `.message` or String(e) there throws the stack away).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../src/log.js';

const ROOT = path.join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

const files = ['src', 'handlers', 'jobs', 'scripts', 'bench'].flatMap(sources);

function offenders(re: RegExp): string[] {
  return files.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .flatMap((line, i) => (re.test(line) ? [`${path.relative(ROOT, f)}:${i + 1}: ${line.trim()}`] : [])),
  );
}

describe('log fields', () => {
  it('scans a real tree', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it('names the event `event` everywhere, never `evt`', () => {
    expect(offenders(/\bevt\s*:\s*['"`]/u)).toEqual([]);
    // The rule is not vacuous: the code does log events.
    expect(offenders(/\bevent\s*:\s*['"`]/u).length).toBeGreaterThan(100);
  });

  it('logs errors as `err: <the error>`, not its message or String()', () => {
    expect(offenders(/\berr\s*:\s*(String\(|\(?\w+(\s+as\s+Error\))?\)?\.message\b|\w+\s+instanceof\s+Error\s*\?)/u)).toEqual([]);
  });

  it('keeps the type and stack of an error logged under err', () => {
    const log = silentLogger();
    log.error({ event: 'demo_failed', err: new TypeError('boom') }, 'failed');
    const err = log.lines[0]!.err as { type: string; message: string; stack: string };
    expect(err.type).toBe('TypeError');
    expect(err.message).toBe('boom');
    expect(err.stack).toMatch(/TypeError: boom\n\s+at /u);
  });
});
