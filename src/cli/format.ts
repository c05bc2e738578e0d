import { extname } from 'node:path';

/**
 * The output format a subcommand writes: --format when given (undefined when it
 * is not one of `formats`), else the --out file's extension, else `fallback`.
 */
export function chooseFormat<F extends string>(
  flag: string | undefined,
  out: string | undefined,
  formats: readonly F[],
  fallback: F,
): F | undefined {
  const known = (s: string): s is F => (formats as readonly string[]).includes(s);
  if (flag !== undefined) return known(flag) ? flag : undefined;
  const ext = out === undefined ? '' : extname(out).slice(1).toLowerCase();
  const normalised = ext === 'markdown' ? 'md' : ext;
  return known(normalised) ? normalised : fallback;
}
