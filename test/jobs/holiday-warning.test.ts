import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createLarkClient } from '../../src/adapters/lark/client.js';
import { createMessenger } from '../../src/adapters/lark/send.js';
import { parseNotice, staticNotices } from '../../src/calendar/notice.js';
import { holidaySource, setNoticeProvider } from '../../src/calendar/workdays.js';
import { setupHolidays } from '../../src/holidays/setup.js';
import { silentLogger } from '../../src/log.js';
import { startHolidayWarning, type HolidayWarningHandle } from '../../jobs/holiday-warning.js';
import { startFakeLark } from '../fakes/lark-server.js';
import { useTestRedis } from '../support/redis.js';
import { waitFor } from './helpers.js';

/**
 * The missing-notice warning on real Redis and the real Lark SDK against the
 * fake Open API: two replicas tick every day with a fixed clock; the
 * supervisors' chat gets one message per ISO week from 1 November, and none
 * once the 2027 notice is loaded.
 */

const t = useTestRedis('holiday-warning');
const SUPERVISORS = 'oc_supervisors';
const NOTICE = readFileSync(new URL('../fixtures/holidays/2027-made-up-notice.txt', import.meta.url), 'utf8');

const handles: HolidayWarningHandle[] = [];
const after: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  setNoticeProvider(undefined);
  for (const h of handles.splice(0)) await h.stop();
  for (const f of after.splice(0)) await f();
});

const days = (from: string, n: number) => Array.from({ length: n }, (_, i) => new Date(Date.parse(`${from}T10:00:00+08:00`) + i * 86_400_000));

describe('missing-notice warning', () => {
  it('once a week from November, through the fake Lark, and never again once the notice is loaded', async () => {
    const fake = await startFakeLark({ chats: [{ chatId: SUPERVISORS, name: '督办群', members: [] }] });
    after.push(() => fake.close());
    const log = silentLogger('warn');
    const messenger = createMessenger({ client: createLarkClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url, log }), log, retry: { maxAttempts: 1 } });
    let clock = new Date('2026-10-26T10:00:00+08:00');
    const replicas: HolidayWarningHandle[] = [];
    for (let i = 0; i < 2; i++) {
      const conn: Redis = await t.connect({ forBullmq: true });
      replicas.push(
        await startHolidayWarning({
          connection: conn,
          prefix: `${t.prefix}:q`,
          source: holidaySource,
          supervisorsChat: () => SUPERVISORS,
          send: (chatId, reply, uuid) => messenger.sendToChat(chatId, reply, uuid),
          log,
          now: () => clock,
          cron: false,
        }),
      );
    }
    handles.push(...replicas);
    const settled = async () => waitFor('the queue to drain', async () => {
      const c = await replicas[0]!.queue.getJobCounts('waiting', 'active', 'delayed');
      return (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) === 0;
    });

    // Last week of October: 2027 is not due yet.
    for (const d of days('2026-10-26', 6)) {
      clock = d;
      for (const r of replicas) expect(await r.tick(d)).toBeUndefined();
    }
    // Two weeks of daily ticks on both replicas from Sunday 1 November.
    for (const d of days('2026-11-01', 15)) {
      clock = d;
      for (const r of replicas) await r.tick(d);
      await settled();
    }
    // 1 Nov is in ISO week 44 (a Sunday); then W45 and W46 (to Sun 15 Nov).
    const sent = fake.sentTo(SUPERVISORS);
    expect(sent).toHaveLength(3);
    expect(JSON.stringify(sent[0]!.content)).toContain('2027年节假日安排尚未载入');
    expect(JSON.stringify(sent[0]!.content)).toContain('/假期 导入');
    expect((await replicas[0]!.queue.getJobs(['completed'])).map((j) => j.id).sort()).toEqual(['holidays-2027-2026-W44', 'holidays-2027-2026-W45', 'holidays-2027-2026-W46']);

    // The notice arrives: the next weeks are quiet.
    const parsed = parseNotice(NOTICE);
    if (!parsed.ok || parsed.notice.kind !== 'notice') throw new Error('fixture');
    setNoticeProvider(staticNotices([parsed.notice]));
    for (const d of days('2026-11-16', 21)) {
      clock = d;
      for (const r of replicas) expect(await r.tick(d)).toBeUndefined();
    }
    await settled();
    expect(fake.sentTo(SUPERVISORS)).toHaveLength(3);
  });

  it('a week enqueued before the notice arrived sends nothing once it has', async () => {
    const sent: string[] = [];
    let clock = new Date('2026-11-20T10:00:00+08:00');
    const conn: Redis = await t.connect({ forBullmq: true });
    const h = await startHolidayWarning({
      connection: conn,
      prefix: `${t.prefix}:late`,
      source: holidaySource,
      supervisorsChat: () => SUPERVISORS,
      send: async (chatId) => void sent.push(chatId),
      log: silentLogger('warn'),
      now: () => clock,
      cron: false,
      workerOptions: { autorun: false },
    });
    handles.push(h);
    expect(await h.tick(clock)).toBe('holidays-2027-2026-W47');
    const parsed = parseNotice(NOTICE);
    if (!parsed.ok || parsed.notice.kind !== 'notice') throw new Error('fixture');
    setNoticeProvider(staticNotices([parsed.notice]));
    clock = new Date('2026-11-20T11:00:00+08:00');
    // The worker starts only now, after the notice.
    void h.worker.run();
    const job = await waitFor('the job to run', async () => (await h.queue.getJobs(['completed'])).find((j) => j.id === 'holidays-2027-2026-W47'));
    expect(job.returnvalue).toEqual({ status: 'skipped' });
    expect(sent).toEqual([]);
  });

  it('start-up logs a structured warning in November without a 2027 notice, and none with HOLIDAY_NOTICE_FILES', async () => {
    const log = silentLogger('info');
    await setupHolidays({ config: { holidays: { noticeFiles: [] } }, log, now: () => new Date('2026-11-05T09:00:00+08:00') });
    expect(log.lines.find((l) => l.event === 'holidays.notice_missing')).toMatchObject({ level: 40, year: 2027 });
    setNoticeProvider(undefined);

    const quiet = silentLogger('info');
    const setup = await setupHolidays({
      config: { holidays: { noticeFiles: ['test/fixtures/holidays/2027-made-up-notice.txt'] } },
      log: quiet,
      cwd: new URL('../../', import.meta.url).pathname,
      now: () => new Date('2026-11-05T09:00:00+08:00'),
    });
    expect(setup.problems).toEqual([]);
    expect(holidaySource(2027)).toBe('notice');
    expect(quiet.lines.find((l) => l.event === 'holidays.notice_missing')).toBeUndefined();
  });
});
