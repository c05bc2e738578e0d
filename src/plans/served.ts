import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createPlanLibrary } from './library.js';
import { readPlanFiles, readUnits, type LoadedPlans } from './load.js';
import { createPlanRegistry } from './registry.js';

/**
 * The plans a running bot serves, for one-shot readers (CLI subcommands that
 * already hold a Redis connection): PLAN_FILES overlaid with the imported
 * library, exactly as the registry builds them, without listening for changes.
 */
export async function loadServedPlans(opts: {
  files: readonly string[];
  unitsFile: string | undefined;
  redis: Redis | Cluster;
  /** Key namespace the bot writes (default "duban"). */
  prefix?: string;
  log: Logger;
}): Promise<LoadedPlans> {
  const bundled = await readPlanFiles(opts.files, opts.log);
  const units = await readUnits(opts.unitsFile, opts.log);
  const registry = createPlanRegistry({
    bundled: bundled.documents,
    units,
    library: createPlanLibrary(opts.redis, { log: opts.log, ...(opts.prefix ? { prefix: opts.prefix } : {}) }),
    log: opts.log,
  });
  const report = await registry.load();
  return { plans: registry.current(), rejected: [...bundled.rejected, ...report.rejected] };
}
