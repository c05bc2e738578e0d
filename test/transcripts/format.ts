/**
 * Golden transcript files: comment lines ("# …") at the top, where
 * "# now: <ISO instant>" sets the bot's clock; then exchanges, each a
 * "> input" line followed by the exact console output expected for it.
 * Inputs may write "{{X*N}}" for X repeated N times (oversized messages).
 */

export interface Exchange {
  input: string;
  expected: string;
}

export interface Transcript {
  header: string[];
  now?: string;
  exchanges: Exchange[];
}

export function parseTranscript(text: string): Transcript {
  const header: string[] = [];
  const exchanges: Exchange[] = [];
  let current: { input: string; lines: string[] } | undefined;
  const flush = () => {
    if (current) exchanges.push({ input: current.input, expected: current.lines.join('\n').replace(/\s+$/u, '') });
  };
  for (const line of text.replace(/\r\n/gu, '\n').split('\n')) {
    if (line.startsWith('> ') || line === '>') {
      flush();
      current = { input: line.slice(2), lines: [] };
    } else if (current) {
      current.lines.push(line);
    } else if (line.trim()) {
      header.push(line);
    }
  }
  flush();
  const now = header.map((h) => /^#\s*now:\s*(\S+)/u.exec(h)?.[1]).find(Boolean);
  return { header, ...(now ? { now } : {}), exchanges };
}

export function formatTranscript(t: Transcript): string {
  const parts = [t.header.join('\n'), ...t.exchanges.map((e) => `> ${e.input}\n${e.expected}`)].filter(Boolean);
  return parts.join('\n\n') + '\n';
}

/** "{{减*2001}}" -> 2001 × 减. */
export function expandInput(input: string): string {
  return input.replace(/\{\{(.+?)\*(\d{1,5})\}\}/gu, (_, s: string, n: string) => s.repeat(Number(n)));
}
