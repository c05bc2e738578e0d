import type { Command } from './command.js';

/**
 * Edit distance over code points (Chinese names are one code point per
 * character), counting a swap of neighbours as one edit ("hlep"), as typists make them.
 */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) =>
    Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[x.length]![y.length]!;
}

/** How many edits still count as "meant this": one for short names, a third of longer ones. */
function tolerance(key: string): number {
  return Math.max(1, Math.floor([...key].length / 3));
}

/**
 * The command a mistyped word most likely meant, over names and aliases.
 * Chinese is often typed without a space before the argument ("/谁签头IPv6"),
 * so the word is compared by its prefixes around each key's length.
 */
export function nearestCommand(word: string, commands: readonly Command[]): Command | undefined {
  const chars = [...word.toLowerCase()];
  let best: { command: Command; distance: number } | undefined;
  for (const command of commands) {
    for (const key of [command.name, ...command.aliases]) {
      const k = key.toLowerCase();
      const len = [...k].length;
      for (let take = Math.max(1, len - 1); take <= Math.min(chars.length, len + 1); take++) {
        const d = editDistance(chars.slice(0, take).join(''), k);
        if (d <= tolerance(k) && (!best || d < best.distance)) best = { command, distance: d };
      }
    }
  }
  return best?.command;
}
