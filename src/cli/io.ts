import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Level } from 'pino';
import { systemClock, type Clock } from '../chat/types.js';
import { createLogger, silentLogger, type CapturedLogger, type Logger } from '../log.js';

/**
 * Everything a subcommand touches outside pure code. Subcommands receive it
 * instead of reaching for `process`, so tests drive them in-process and read
 * back exactly what a user would have seen.
 */
export interface CliIO {
  /** Relative file arguments resolve against this. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: { write(chunk: string | Uint8Array): unknown; readonly isTTY?: boolean };
  /** Human-facing messages (Chinese first). Structured logs go to `log`, not here. */
  readonly stderr: { write(chunk: string): unknown };
  readonly log: Logger;
  readonly clock: Clock;
}

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** The real process. Logs (JSON, to stderr) are off unless LOG_LEVEL asks: stderr is for people first. */
export function processIO(): CliIO {
  // A closed pipe (`cli parse … | head`) is the reader's choice, not a crash.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    log: createLogger({ level: cliLogLevel(process.env.LOG_LEVEL), name: 'duban-cli', destination: 2 }),
    clock: systemClock,
  };
}

function cliLogLevel(raw: string | undefined): Level | 'silent' {
  const level = raw?.trim().toLowerCase();
  return level && LEVELS.has(level) ? (level as Level | 'silent') : 'silent';
}

export interface MemoryIO extends CliIO {
  /** Every structured log line, parsed. */
  readonly log: CapturedLogger;
  /** Everything written to stdout, decoded as UTF-8. */
  out(): string;
  /** Raw stdout bytes (for binary output). */
  outBytes(): Buffer;
  err(): string;
}

/** An in-memory CliIO for tests and for callers that embed the CLI. */
export function memoryIO(options: { cwd: string; env?: Record<string, string | undefined>; clock?: Clock; isTTY?: boolean }): MemoryIO {
  const out: Buffer[] = [];
  const err: string[] = [];
  return {
    cwd: options.cwd,
    env: options.env ?? {},
    stdout: {
      write: (chunk: string | Uint8Array) => out.push(Buffer.from(chunk)),
      isTTY: options.isTTY ?? false,
    },
    stderr: { write: (chunk: string) => err.push(chunk) },
    log: silentLogger(),
    clock: options.clock ?? systemClock,
    out: () => Buffer.concat(out).toString('utf8'),
    outBytes: () => Buffer.concat(out),
    err: () => err.join(''),
  };
}

/**
 * Write a file so readers see either the old content or the complete new one,
 * never a prefix: temp file in the same directory (same filesystem, so rename
 * is atomic), fsync, rename. The temp file is removed on any failure.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(tmp, 'wx', 0o644);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tmp, target);
  } catch (error) {
    if (handle) await handle.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
}
