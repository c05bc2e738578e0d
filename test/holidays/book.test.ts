import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { holidaySource, isWorkday, setNoticeProvider } from '../../src/calendar/workdays.js';
import { createHolidayBook, type HolidayBook } from '../../src/holidays/book.js';
import { createHolidayStore } from '../../src/holidays/store.js';
import { silentLogger } from '../../src/log.js';
import { useTestRedis } from '../support/redis.js';

/** Imported notices on real Redis: stored, shared by replicas over pub/sub, kept across restarts. */

const t = useTestRedis('holiday-book');
const log = silentLogger('fatal');
const fixture = (name: string) => readFileSync(new URL(`../fixtures/holidays/${name}`, import.meta.url), 'utf8');
const NOTICE_2027 = fixture('2027-made-up-notice.txt');

const books: HolidayBook[] = [];
function replica(prefix: string): HolidayBook {
  const book = createHolidayBook({ store: createHolidayStore(t.redis, { prefix, log }), log });
  books.push(book);
  return book;
}
afterEach(async () => {
  setNoticeProvider(undefined);
  for (const b of books.splice(0)) await b.close();
});

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

describe('holiday book', () => {
  it('an import reaches another replica, re-plans on both, and survives a restart', async () => {
    const prefix = `${t.prefix}:share`;
    const a = replica(prefix);
    const b = replica(prefix);
    await a.load();
    await b.load();
    let replansA = 0;
    let replansB = 0;
    a.onChange(async () => void (replansA += 1));
    b.onChange(async () => void (replansB += 1));
    await b.listen();

    const r = await a.importText(NOTICE_2027, { by: 'ou_admin', byName: '管理员' });
    expect(r).toMatchObject({ ok: true, kind: 'notice', replan: 'done' });
    expect(replansA).toBe(1);
    await until(() => b.notice(2027) !== undefined, 'replica b to load the notice');
    expect(replansB).toBe(1);
    expect(b.notice(2027)!.work['2027-02-20']).toBe('春节');

    // The calendar follows whichever book is installed.
    setNoticeProvider(b);
    expect(holidaySource(2027)).toBe('notice');
    expect(isWorkday('2027-02-20')).toBe(true);

    const restarted = replica(prefix);
    await restarted.load();
    expect(restarted.years()).toEqual([2027]);
    expect(restarted.noticeOf(2027)!.off).toEqual(a.noticeOf(2027)!.off);
  });

  it('a refused text changes nothing: no write, no version bump, no re-plan', async () => {
    const prefix = `${t.prefix}:refuse`;
    const store = createHolidayStore(t.redis, { prefix, log });
    const book = createHolidayBook({ store, log });
    books.push(book);
    await book.load();
    let replans = 0;
    book.onChange(async () => void (replans += 1));
    const missing = NOTICE_2027.replace(/五、端午节：[^\n]*\n/u, '');
    const r = await book.importText(missing, { by: 'ou_admin' });
    expect(r).toMatchObject({ ok: false, code: 'missing-holiday' });
    if (!r.ok) expect(r.reason).toContain('端午节');
    expect(await store.version()).toBe(0);
    expect(await store.list()).toEqual([]);
    expect(replans).toBe(0);
  });

  it('an extension notice applies to the stored notice of its year, and needs one', async () => {
    const prefix = `${t.prefix}:amend`;
    const book = replica(prefix);
    await book.load();
    const extension = fixture('2020-extension.txt').replaceAll('2020年', '2027年').replace('2月2日（农历正月初九，星期日）', '2月14日（星期日）').replace('2月3日（星期一）', '2月15日（星期一）');
    expect(await book.importText(extension, { by: 'ou_admin' })).toMatchObject({ ok: false, code: 'no-base' });
    await book.importText(NOTICE_2027, { by: 'ou_admin' });
    const r = await book.importText(extension, { by: 'ou_admin' });
    expect(r).toMatchObject({ ok: true, kind: 'amendment' });
    expect(book.notice(2027)!.off['2027-02-14']).toBe('春节');
    const restarted = replica(prefix);
    await restarted.load();
    expect(restarted.notice(2027)!.off['2027-02-14']).toBe('春节');
  });

  it('notices from the setting are used, and a bad setting file is reported, not used', async () => {
    const book = createHolidayBook({ files: [{ file: '2027.txt', text: NOTICE_2027 }, { file: 'plan.txt', text: '一、总则\n（一）做好工作。' }], log });
    expect(book.years()).toEqual([2027]);
    expect(book.rejected).toEqual([{ file: 'plan.txt', reason: expect.stringContaining('不像国务院办公厅的节假日安排通知') }]);
  });
});
