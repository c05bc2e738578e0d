import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A local record of the deliveries this process made (uuid and time, one line
 * each, in DATA_DIR). Redis keeps the shared record (`delivered:<uuid>`); this
 * copy survives what Redis may not: a crash with AOF off loses the writes
 * since the last snapshot, records of deliveries included. After such a loss
 * the bot writes these back to Redis before it re-plans, so the reconcile
 * re-queues what was lost without re-sending what went out. Each replica
 * keeps its own file, so the guarantee covers the replicas that are running.
 */
export interface DeliveryJournal {
  has(uuid: string): boolean;
  add(uuid: string): void;
  /** Every uuid recorded within the keep window. */
  entries(): string[];
}

export function openDeliveryJournal(file: string, keepMs: number, now: () => number = Date.now): DeliveryJournal {
  mkdirSync(path.dirname(file), { recursive: true });
  const seen = new Map<string, number>();
  let lines = 0;
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const [uuid, at] = line.split(' ');
      if (!uuid || !at) continue;
      lines += 1;
      const t = Number(at);
      if (Number.isFinite(t) && now() - t < keepMs) seen.set(uuid, t);
    }
  } catch {
    // no journal yet
  }
  // Drop what has aged out, so the file stays about as large as the keep window.
  if (lines > 2 * seen.size + 1000) writeFileSync(file, [...seen].map(([u, t]) => `${u} ${t}\n`).join(''));
  return {
    has: (uuid) => seen.has(uuid),
    add(uuid) {
      const t = now();
      seen.set(uuid, t);
      appendFileSync(file, `${uuid} ${t}\n`);
    },
    entries: () => [...seen.keys()],
  };
}
