import { deriveState } from '../../src/progress/state.js';
import type { ProgressEvent, ProgressStore, TaskProgress } from '../../src/progress/types.js';

/**
 * An in-memory ProgressStore for the pure summary tests: a list of events and
 * the real fold (src/progress/state.ts). The Redis store is used by the job,
 * handler and CLI tests.
 */
export class MemoryProgressStore implements ProgressStore {
  private readonly events: ProgressEvent[] = [];
  private seq = 0;

  async append(event: Omit<ProgressEvent, 'id'>): Promise<ProgressEvent> {
    const e = { ...event, id: `${Date.parse(event.at)}-${this.seq++}` };
    this.events.push(e);
    return e;
  }

  async history(tenant: string, taskId: string, unit?: string): Promise<ProgressEvent[]> {
    return this.events.filter((e) => e.tenant === tenant && e.taskId === taskId && (unit === undefined || e.unit === unit));
  }

  async all(tenant: string): Promise<ProgressEvent[]> {
    return this.events.filter((e) => e.tenant === tenant);
  }

  async state(tenant: string): Promise<Map<string, TaskProgress>> {
    return deriveState(await this.all(tenant));
  }
}
