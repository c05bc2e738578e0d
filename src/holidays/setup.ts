import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { shanghaiDate } from '../calendar/shanghai.js';
import { holidaySource, onUncoveredYear, setNoticeProvider } from '../calendar/workdays.js';
import type { Config } from '../config.js';
import { createHolidayBook, type HolidayBook } from './book.js';
import { readNoticeFile } from './files.js';
import { createHolidayStore, type HolidayStore } from './store.js';
import { yearNeedingNotice } from './warning.js';

/**
 * Start-up for holidays (main.ts): read HOLIDAY_NOTICE_FILES, load the
 * notices imported into Redis, install the book as the calendar's notice
 * provider, route the calendar's "estimate used" note into the log, and warn
 * (one structured line) when a year that matters has no notice.
 */

export interface HolidaySetup {
  book: HolidayBook;
  store?: HolidayStore;
  /** Setting files not used, as Chinese lines for stderr. */
  problems: string[];
}

export async function setupHolidays(opts: { config: Pick<Config, 'holidays'>; redis?: Redis | Cluster; log: Logger; cwd?: string; now?: () => Date }): Promise<HolidaySetup> {
  const { log } = opts;
  const problems: string[] = [];
  const files: Array<{ file: string; text: string }> = [];
  for (const path of opts.config.holidays.noticeFiles) {
    const f = await readNoticeFile(path, opts.cwd ?? process.cwd());
    if ('error' in f) {
      problems.push(`未载入节假日通知：${f.error}`);
      log.warn({ event: 'holiday_notice_file_unreadable', file: f.file, reason: f.error }, 'notice file not read');
    } else files.push(f);
  }
  const store = opts.redis ? createHolidayStore(opts.redis, { log }) : undefined;
  const book = createHolidayBook({ ...(store ? { store } : {}), files, log });
  for (const r of book.rejected) problems.push(`未载入节假日通知 ${r.file}：${r.reason}`);
  await book.load();
  setNoticeProvider(book);
  onUncoveredYear((year) => log.info({ event: 'calendar.estimate_used', year }, 'no holiday schedule or notice for this year; statutory estimate'));
  const today = shanghaiDate((opts.now ?? (() => new Date()))());
  const missing = yearNeedingNotice(today, holidaySource);
  if (missing !== undefined) {
    log.warn(
      { event: 'holidays.notice_missing', year: missing, today, notices: book.years(), fix: '/假期 导入 <通知全文> | cli holidays --notice FILE --save | HOLIDAY_NOTICE_FILES' },
      `no State Council holiday notice for ${missing}; reminders use the statutory estimate`,
    );
  }
  return { book, ...(store ? { store } : {}), problems };
}
