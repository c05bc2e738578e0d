import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Real HTTP through the real curl binary, as an operator or a probe would ask. */
export async function curl(url: string, opts: { user?: string } = {}): Promise<{ status: number; body: string; headers: string }> {
  const args = ['-sS', '--max-time', '10', '-D', '-', ...(opts.user ? ['-u', opts.user] : []), url, '-w', '\n%{http_code}'];
  const { stdout } = await run('curl', args, { maxBuffer: 16 * 1024 * 1024 });
  const end = stdout.lastIndexOf('\n');
  const status = Number(stdout.slice(end + 1));
  const all = stdout.slice(0, end);
  const split = all.indexOf('\r\n\r\n');
  return { status, headers: all.slice(0, split), body: all.slice(split + 4) };
}
