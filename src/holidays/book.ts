import type { Logger } from 'pino';
import { applyAmendment, parseNotice, toNoticeYear, type HolidayAmendment, type HolidayNotice, type NoticeRefusal } from '../calendar/notice.js';
import type { NoticeProvider, NoticeYear } from '../calendar/workdays.js';
import type { HolidayStore, StoredNotice } from './store.js';

/**
 * The notices the bot plans with: those listed in HOLIDAY_NOTICE_FILES
 * (read at start-up) overlaid with those imported into Redis (/假期 导入,
 * `cli holidays --notice … --save`). It is the calendar's NoticeProvider:
 * src/calendar asks it synchronously, so the parsed notices live here in
 * memory and are rebuilt on every change (here, on another replica, or from
 * the CLI through the store's change notes). After a change the hooks run:
 * services.ts re-plans every reminder.
 */

export type Preview =
  | { ok: true; kind: 'notice' | 'amendment'; notice: HolidayNotice; replaces: boolean }
  | { ok: false; code: NoticeRefusal | 'no-base' | 'no-store'; reason: string };

export type ChangeHook = () => Promise<unknown>;

export interface HolidayBook extends NoticeProvider {
  readonly hasStore: boolean;
  /** Setting files that were not used, with the reason. */
  readonly rejected: ReadonlyArray<{ file: string; reason: string }>;
  /** Years with a notice (setting or imported), ascending. */
  years(): number[];
  /** Read the store; call once at start-up (Redis trouble leaves the setting's notices in force). */
  load(): Promise<void>;
  /** What the text would load, without loading it. */
  preview(text: string): Preview;
  /** Parse, store, rebuild, run the hooks; a refused text changes nothing. */
  importText(text: string, who: { by: string; byName?: string }): Promise<Preview & { replan?: 'done' | 'failed' }>;
  remove(year: number): Promise<boolean>;
  /** The effective (amended) notice for a year, if any. */
  noticeOf(year: number): HolidayNotice | undefined;
  onChange(hook: ChangeHook): void;
  listen(): Promise<void>;
  close(): Promise<void>;
}

export interface HolidayBookDeps {
  store?: HolidayStore;
  /** Notices (and amendments) from the setting HOLIDAY_NOTICE_FILES: file name and text. */
  files?: ReadonlyArray<{ file: string; text: string }>;
  log: Logger;
  now?: () => Date;
}

/** A stored entry as the effective notice; undefined when the text no longer parses. */
function effective(entry: StoredNotice): HolidayNotice | undefined {
  const base = parseNotice(entry.text);
  if (!base.ok || base.notice.kind !== 'notice') return undefined;
  let n = base.notice;
  for (const a of entry.amendments) {
    const p = parseNotice(a);
    if (p.ok && p.notice.kind === 'amendment' && p.notice.year === n.year) n = applyAmendment(n, p.notice);
  }
  return n;
}

export function createHolidayBook(deps: HolidayBookDeps): HolidayBook {
  const log = deps.log.child({ component: 'holiday-book' });
  const store = deps.store;
  const now = deps.now ?? (() => new Date());
  const fromFiles = new Map<number, HolidayNotice>();
  const fileTexts = new Map<number, string>();
  const rejected: Array<{ file: string; reason: string }> = [];
  const amendments: Array<{ file: string; a: HolidayAmendment }> = [];
  for (const f of deps.files ?? []) {
    const p = parseNotice(f.text);
    if (!p.ok) rejected.push({ file: f.file, reason: p.reason });
    else if (p.notice.kind === 'notice') {
      fromFiles.set(p.notice.year, p.notice);
      fileTexts.set(p.notice.year, f.text);
    } else amendments.push({ file: f.file, a: p.notice });
  }
  for (const { file, a } of amendments) {
    const base = fromFiles.get(a.year);
    if (base) fromFiles.set(a.year, applyAmendment(base, a));
    else rejected.push({ file, reason: `没有${a.year}年的节假日安排通知可供调整` });
  }
  for (const r of rejected) log.warn({ event: 'holiday_notice_rejected', file: r.file, reason: r.reason }, 'notice file not used');
  let imported = new Map<number, { entry: StoredNotice; notice: HolidayNotice }>();
  let tables = new Map<number, NoticeYear>();
  let version = 0;
  let storeVersion = -1;
  const hooks: ChangeHook[] = [];
  let sub: { close(): Promise<void> } | undefined;
  let chain: Promise<unknown> = Promise.resolve();

  function serial<T>(job: () => Promise<T>): Promise<T> {
    const run = chain.then(job, job);
    chain = run.catch(() => undefined);
    return run;
  }

  function noticeOf(year: number): HolidayNotice | undefined {
    return imported.get(year)?.notice ?? fromFiles.get(year);
  }

  function rebuildTables(): void {
    const next = new Map<number, NoticeYear>();
    for (const year of new Set([...fromFiles.keys(), ...imported.keys()])) next.set(year, toNoticeYear(noticeOf(year)!));
    tables = next;
    version += 1;
  }
  rebuildTables();

  async function reread(): Promise<void> {
    if (!store) return;
    const v = await store.version();
    const next = new Map<number, { entry: StoredNotice; notice: HolidayNotice }>();
    for (const entry of await store.list()) {
      const notice = effective(entry);
      if (notice) next.set(entry.year, { entry, notice });
      else log.warn({ event: 'holiday_notice_rejected', year: entry.year }, 'stored notice no longer parses; not used');
    }
    imported = next;
    storeVersion = v;
    rebuildTables();
    log.info({ event: 'holiday_notices_loaded', years: [...tables.keys()].sort(), imported: next.size, files: fromFiles.size }, 'holiday notices loaded');
  }

  async function runHooks(): Promise<'done' | 'failed' | undefined> {
    if (hooks.length === 0) return undefined;
    try {
      for (const h of hooks) await h();
      return 'done';
    } catch (err) {
      log.error({ event: 'holiday_change_hook_failed', err: err }, 'after-change hook failed');
      return 'failed';
    }
  }

  function preview(text: string): Preview {
    const p = parseNotice(text);
    if (!p.ok) return p;
    if (p.notice.kind === 'notice') return { ok: true, kind: 'notice', notice: p.notice, replaces: noticeOf(p.notice.year) !== undefined };
    const base = noticeOf(p.notice.year);
    if (!base) return { ok: false, code: 'no-base', reason: `这是对${p.notice.year}年${p.notice.holiday}假期的调整，请先导入${p.notice.year}年的节假日安排通知` };
    return { ok: true, kind: 'amendment', notice: applyAmendment(base, p.notice), replaces: true };
  }

  return {
    get hasStore() {
      return store !== undefined;
    },
    rejected,
    years: () => [...tables.keys()].sort((a, b) => a - b),
    notice: (year) => tables.get(year),
    version: () => version,
    noticeOf,
    preview,

    load() {
      return serial(async () => {
        try {
          await reread();
        } catch (err) {
          log.error({ event: 'holiday_store_unavailable', err: err }, 'imported holiday notices not loaded');
        }
      });
    },

    importText(text, who) {
      return serial(async () => {
        if (!store) return { ok: false as const, code: 'no-store' as const, reason: '保存节假日通知需要连接 Redis，当前未启用' };
        const p = preview(text);
        if (!p.ok) return p;
        const year = p.notice.year;
        const existing = imported.get(year)?.entry;
        const entry: StoredNotice =
          p.kind === 'notice'
            ? { year, text, amendments: [], by: who.by, ...(who.byName ? { byName: who.byName } : {}), at: now().toISOString() }
            : existing
              ? { ...existing, amendments: [...existing.amendments, text] }
              : // The base came from the setting: store it with the amendment so replicas agree.
                { year, text: fileTexts.get(year) ?? '', amendments: [text], by: who.by, ...(who.byName ? { byName: who.byName } : {}), at: now().toISOString() };
        if (!entry.text) return { ok: false as const, code: 'no-base' as const, reason: `请先导入${year}年的节假日安排通知` };
        await store.put(entry);
        await reread();
        log.info({ event: 'holiday_notice_imported', year, kind: p.kind, off: p.notice.off.length, work: p.notice.work.length, by: who.by }, 'holiday notice imported');
        const replan = await runHooks();
        return { ...p, ...(replan ? { replan } : {}) };
      });
    },

    remove(year) {
      return serial(async () => {
        if (!store) return false;
        const removed = await store.remove(year);
        if (removed) {
          await reread();
          await runHooks();
        }
        return removed;
      });
    },

    onChange(hook) {
      hooks.push(hook);
    },

    async listen() {
      if (!store || sub) return;
      sub = await store.subscribe((note) => {
        void serial(async () => {
          if (!note && (await store.version()) === storeVersion) return;
          if (note && note.version <= storeVersion) return;
          log.info({ event: 'holiday_remote_change', year: note?.year }, 'holiday notices changed elsewhere; reloading');
          await reread();
          await runHooks();
        }).catch((err: unknown) => log.error({ event: 'holiday_remote_reload_failed', err: err }, 'reload after a remote change failed'));
      });
    },

    async close() {
      await sub?.close();
      sub = undefined;
      await chain;
    },
  };
}
