import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CliIO } from './io.js';

/** Exit codes shared by every subcommand. */
export const EXIT = { ok: 0, input: 1, usage: 2, unavailable: 3, internal: 70 } as const;

/** Print a usage error followed by the subcommand's help; exit code 2. */
export function usageError(io: CliIO, help: string, message: string): number {
  io.stderr.write(`${message}\n\n${help}`);
  return EXIT.usage;
}

/**
 * A subcommand's arguments, with -h/--help built in: the parsed values and
 * positionals, or the exit code after printing the help (0) or a usage error (2).
 */
export function readArgs<V extends Record<string, string | string[] | boolean | undefined>>(
  argv: string[],
  options: NonNullable<ParseArgsConfig['options']>,
  help: string,
  io: CliIO,
): { values: V; positionals: string[] } | number {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    return usageError(io, help, `参数错误：${(error as Error).message}`);
  }
  if (parsed.values.help) {
    io.stdout.write(help);
    return EXIT.ok;
  }
  return { values: parsed.values as V, positionals: parsed.positionals };
}
