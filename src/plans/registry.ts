import type { Logger } from 'pino';
import type { AuditLog } from '../audit/log.js';
import type { Plans } from '../chat/context.js';
import { PlanError } from '../plan/errors.js';
import type { PlanDocument } from '../plan/schema.js';
import { createParsePool, type ParsePool } from '../doc/parse-pool.js';
import type { Ingested } from '../doc/ingest.js';
import type { UnitDirectory } from '../units/directory.js';
import { diffPlans, planFigures, type PlanDiff } from './diff.js';
import { libraryName, type LibraryEntry, type LibraryEntryInfo, type LibrarySubscription, type PlanLibrary } from './library.js';
import { buildPlans } from './load.js';

/**
 * The plans the bot serves right now: the bundled files (PLAN_FILES, parsed
 * once at start-up) overlaid with the imported library in Redis. An import
 * with the same file name as a bundled plan replaces it (a revised plan);
 * removing that import brings the bundled version back.
 *
 * `current()` is what createBot reads per message, so a reload takes effect
 * on the next message without restarting. Loads are serialised in this
 * process; other replicas follow through the library's change notes. After
 * every reload the hooks run (reminder re-planning), and every import or
 * removal is audit-logged.
 */

export interface ReplanSummary {
  tenants: number;
  added: number;
  changed: number;
  removed: number;
}

/** Runs after the plans changed; services.ts re-plans reminders here. */
export type ReloadHook = (plans: Plans) => Promise<ReplanSummary | void>;

export type ReplanOutcome =
  | { kind: 'none' }
  | { kind: 'done'; summary?: ReplanSummary }
  | { kind: 'failed'; error: string };

export interface PlanRegistryDeps {
  /** PLAN_FILES as parsed at start-up (each `file` is a base name). */
  bundled: readonly PlanDocument[];
  units: UnitDirectory;
  /** Absent without Redis: the bundled plans are served and imports are refused. */
  library?: PlanLibrary;
  audit?: AuditLog;
  log: Logger;
  /** Reads a file into a ledger; defaults to a worker-thread pool (closed with the registry), so a heavy import never blocks answers. */
  parse?: ParsePool['parse'];
}

export interface ImportRequest {
  name: string;
  data: Uint8Array;
  /** open_id, "cli" or "console". */
  by: string;
  byName?: string;
  tenant: string;
  chatId?: string;
}

export interface ImportResult {
  document: PlanDocument;
  /** What the reader left out and what looks wrong (Chinese lines), for the reply. */
  notes: string[];
  /** An imported document with the same 文号 under another name, replaced by this one. */
  sameDocNumber?: string;
  /** The version this one replaced (same file name), if any. */
  previous?: PlanDocument;
  replaced: 'none' | 'bundled' | 'imported';
  diff: PlanDiff;
  replan: ReplanOutcome;
}

export interface RemoveRequest {
  name: string;
  by: string;
  byName?: string;
  tenant: string;
  chatId?: string;
}

export type RemoveResult =
  | { removed: false; name: string }
  | { removed: true; name: string; document?: PlanDocument; restored?: PlanDocument; replan: ReplanOutcome };

export interface LoadReport {
  /** Library entries served. */
  imported: number;
  /** Library entries the parser now refuses (kept in Redis, not served). */
  rejected: Array<{ file: string; reason: string }>;
}

/** The same document (same 文号) is already served from PLAN_FILES under another name: importing it would double every task. */
export class DuplicateDocumentError extends PlanError {
  constructor(
    file: string,
    readonly existing: string,
    readonly docNumber: string,
  ) {
    super('duplicate', `文件 ${file} 与已载入的 ${existing} 文号相同（${docNumber}），是同一份文件；未导入。要更新它，请用同一文件名 ${existing} 导入`, file);
    this.name = 'DuplicateDocumentError';
  }
}

/** Imports need the Redis library. */
export class PlanLibraryUnavailableError extends Error {
  constructor() {
    super('plan library unavailable (no Redis)');
    this.name = 'PlanLibraryUnavailableError';
  }
}

export interface PlanRegistry {
  /** The plans now; pass it (it is bound) as createBot's `plans` getter. */
  readonly current: () => Plans;
  /** Bundled plans plus the library; call once at start-up. Audits the load for `auditTenants` (by "system"). */
  load(opts?: { auditTenants?: readonly string[] }): Promise<LoadReport>;
  /** Re-read the library and rebuild; runs the hooks. */
  reload(): Promise<ReplanOutcome>;
  /** Parse (throws PlanError, nothing changed), store, rebuild, publish, re-plan, audit. */
  importPlan(req: ImportRequest): Promise<ImportResult>;
  removePlan(req: RemoveRequest): Promise<RemoveResult>;
  /** Imported files (without bytes); empty without a library. */
  imported(): Promise<LibraryEntryInfo[]>;
  readonly hasLibrary: boolean;
  onReload(hook: ReloadHook): void;
  /** Follow other replicas' and the CLI's changes (pub/sub). */
  listen(): Promise<void>;
  close(): Promise<void>;
}

export function createPlanRegistry(deps: PlanRegistryDeps): PlanRegistry {
  const log = deps.log.child({ component: 'plan-registry' });
  const library = deps.library;
  const bundledNames = new Set(deps.bundled.map((d) => d.file));
  const hooks: ReloadHook[] = [];
  /** Parsed library entries by content, so a reload re-parses only what changed. */
  const parsed = new Map<string, PlanDocument>();
  const ownPool = deps.parse ? undefined : createParsePool({ log });
  const parse: ParsePool['parse'] = deps.parse ?? ownPool!.parse;
  // Built on first use: load() rebuilds at once with the library, and building twice at start-up
  // doubled peak memory with many plans (two search indexes alive at the same time).
  let plans: Plans | undefined;
  let importedNames = new Set<string>();
  let version = -1;
  let subscription: LibrarySubscription | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  let closed = false;

  /** One load at a time in this process, in arrival order. */
  function serial<T>(job: () => Promise<T>): Promise<T> {
    const run = chain.then(job, job);
    chain = run.catch(() => undefined);
    return run;
  }

  async function parseEntry(e: LibraryEntry): Promise<PlanDocument> {
    const key = `${e.name}\u0000${e.sha256}`;
    let doc = parsed.get(key);
    if (!doc) {
      doc = (await parse(e.data, e.name)).document;
      parsed.set(key, doc);
    }
    return doc;
  }

  /** Bundled documents in their order, each replaced by an import of the same name; new imports after. */
  async function rebuild(): Promise<LoadReport> {
    const report: LoadReport = { imported: 0, rejected: [] };
    if (!library) return report;
    const v = await library.version();
    const entries = await library.list();
    const byName = new Map<string, PlanDocument>();
    for (const e of entries) {
      try {
        byName.set(e.name, await parseEntry(e));
      } catch (err) {
        const reason = err instanceof PlanError ? err.message : String(err);
        report.rejected.push({ file: e.name, reason });
        log.warn({ event: 'plan_rejected', file: e.name, source: 'library', reason }, 'imported plan no longer parses; not served');
      }
    }
    const documents = deps.bundled.map((d) => byName.get(d.file) ?? d);
    for (const [name, doc] of byName) if (!bundledNames.has(name)) documents.push(doc);
    plans = buildPlans(documents, deps.units);
    importedNames = new Set(byName.keys());
    version = v;
    // Forget parses of versions no longer stored.
    const live = new Set(entries.map((e) => `${e.name}\u0000${e.sha256}`));
    for (const k of parsed.keys()) if (!live.has(k)) parsed.delete(k);
    report.imported = byName.size;
    log.info(
      { event: 'plans_built', documents: documents.length, imported: byName.size, tasks: documents.reduce((n, d) => n + d.tasks.length, 0), version: v },
      'plans built',
    );
    return report;
  }

  async function runHooks(): Promise<ReplanOutcome> {
    if (hooks.length === 0) return { kind: 'none' };
    let summary: ReplanSummary | undefined;
    try {
      for (const hook of hooks) {
        const s = await hook(current());
        if (s) summary = s;
      }
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      log.error({ event: 'plans_reload_hook_failed', err: error }, 'after-reload hook failed');
      return { kind: 'failed', error };
    }
    return summary ? { kind: 'done', summary } : { kind: 'done' };
  }

  async function audit(entry: { tenant: string; by: string; byName?: string; chatId?: string; subject: string; detail: Record<string, string> }): Promise<void> {
    if (!deps.audit) return;
    await deps.audit.record({
      tenant: entry.tenant,
      action: 'plan-load',
      by: entry.by,
      ...(entry.byName ? { byName: entry.byName } : {}),
      ...(entry.chatId ? { chatId: entry.chatId } : {}),
      subject: entry.subject,
      detail: entry.detail,
    });
  }

  function docFigures(doc: PlanDocument): Record<string, string> {
    const f = planFigures(doc);
    return { tasks: String(f.tasks), withLeads: String(f.withLeads), withDeadlines: String(f.withDeadlines), title: doc.title };
  }

  const current = () => (plans ??= buildPlans(deps.bundled, deps.units));

  return {
    current,
    get hasLibrary() {
      return library !== undefined;
    },

    load(opts = {}) {
      return serial(async () => {
        let report: LoadReport = { imported: 0, rejected: [] };
        try {
          report = await rebuild();
        } catch (err) {
          // Redis trouble must not stop the bundled plans from being served.
          log.error({ event: 'plan_library_unavailable', err: err }, 'imported plans not loaded');
        }
        // One entry per tenant and start (not one per document: a thousand plans made every start write a thousand).
        const docs = current().ledger.documents;
        const detail = {
          documents: String(docs.length),
          tasks: String(docs.reduce((n, d) => n + d.tasks.length, 0)),
          imported: String(docs.filter((d) => importedNames.has(d.file)).length),
          reason: 'start',
        };
        for (const tenant of opts.auditTenants ?? []) await audit({ tenant, by: 'system', subject: 'start', detail });
        return report;
      });
    },

    reload() {
      return serial(async () => {
        await rebuild();
        return runHooks();
      });
    },

    importPlan(req) {
      return serial(async () => {
        if (!library) throw new PlanLibraryUnavailableError();
        const name = libraryName(req.name);
        // Parse before storing anything: a bad file changes nothing.
        const { document, notes }: Ingested = await parse(req.data, name);
        // The same 文号 under another name is the same document: replace an imported copy, refuse to double a bundled one.
        const twin = document.docNumber ? current().ledger.documents.find((d) => d.file !== name && d.docNumber === document.docNumber) : undefined;
        if (twin && !importedNames.has(twin.file)) throw new DuplicateDocumentError(name, twin.file, document.docNumber);
        const previous = twin ?? current().ledger.documents.find((d) => d.file === name);
        const replaced: ImportResult['replaced'] = !previous ? 'none' : importedNames.has(previous.file) ? 'imported' : 'bundled';
        const entry = await library.put(name, req.data, req.by, req.byName ? { byName: req.byName } : {});
        if (twin) await library.remove(twin.file);
        parsed.set(`${entry.name}\u0000${entry.sha256}`, document);
        await rebuild();
        const diff = diffPlans(previous, document);
        await audit({
          tenant: req.tenant,
          by: req.by,
          ...(req.byName ? { byName: req.byName } : {}),
          ...(req.chatId ? { chatId: req.chatId } : {}),
          subject: name,
          detail: {
            ...docFigures(document),
            replaced,
            ...(twin ? { replacedFile: twin.file } : {}),
            added: String(diff.added.length),
            removed: String(diff.removed.length),
            moved: String(diff.moved.length),
            sha256: entry.sha256.slice(0, 16),
          },
        });
        log.info({ event: 'plan_imported', file: name, tasks: document.tasks.length, replaced, ...(twin ? { replacedFile: twin.file } : {}), notes: notes.length, by: req.by }, 'plan imported');
        const replan = await runHooks();
        return { document, notes, ...(twin ? { sameDocNumber: twin.file } : {}), ...(previous ? { previous } : {}), replaced, diff, replan };
      });
    },

    removePlan(req) {
      return serial(async (): Promise<RemoveResult> => {
        if (!library) throw new PlanLibraryUnavailableError();
        const name = libraryName(req.name);
        const document = current().ledger.documents.find((d) => d.file === name && importedNames.has(name));
        if (!(await library.remove(name))) return { removed: false, name };
        await rebuild();
        const restored = bundledNames.has(name) ? current().ledger.documents.find((d) => d.file === name) : undefined;
        await audit({
          tenant: req.tenant,
          by: req.by,
          ...(req.byName ? { byName: req.byName } : {}),
          ...(req.chatId ? { chatId: req.chatId } : {}),
          subject: name,
          detail: { change: 'removed', ...(restored ? { restored: 'bundled' } : {}) },
        });
        log.info({ event: 'plan_removed', file: name, restored: Boolean(restored), by: req.by }, 'imported plan removed');
        const replan = await runHooks();
        return { removed: true, name, ...(document ? { document } : {}), ...(restored ? { restored } : {}), replan };
      });
    },

    async imported() {
      return library ? library.info() : [];
    },

    onReload(hook) {
      hooks.push(hook);
    },

    async listen() {
      if (!library || subscription || closed) return;
      subscription = await library.subscribe((note) => {
        void serial(async () => {
          if (closed) return;
          // After a reconnect, reload only if something changed meanwhile.
          if (!note && (await library.version()) === version) return;
          if (note && note.version <= version) return;
          log.info({ event: 'plans_remote_change', action: note?.action ?? 'resync', file: note?.name }, 'plans changed elsewhere; reloading');
          await rebuild();
          await runHooks();
        }).catch((err: unknown) => {
          log.error({ event: 'plans_remote_reload_failed', err: err }, 'reload after a remote change failed');
        });
      });
    },

    async close() {
      closed = true;
      await subscription?.close();
      subscription = undefined;
      await chain;
      await ownPool?.close();
    },
  };
}
