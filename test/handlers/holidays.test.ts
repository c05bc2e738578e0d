import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { renderText } from '../../src/adapters/console/render.js';
import { parseNotice, staticNotices } from '../../src/calendar/notice.js';
import { holidaySource, isWorkday, setNoticeProvider } from '../../src/calendar/workdays.js';
import { parsePlan } from '../../src/plan/parse.js';
import { buildPlans } from '../../src/plans/load.js';
import { createBot } from '../../src/chat/bot.js';
import type { IncomingMessage, Role } from '../../src/chat/types.js';
import { createHolidayBook, type HolidayBook } from '../../src/holidays/book.js';
import { createHolidayStore } from '../../src/holidays/store.js';
import { silentLogger } from '../../src/log.js';
import { commands } from '../../handlers/index.js';
import { createHolidaysCommand, holidayNoticeFiles, type HolidaysCommandDeps } from '../../handlers/holidays.js';
import { createImportCommand } from '../../handlers/import.js';
import { createPlanLibrary } from '../../src/plans/library.js';
import { createPlanRegistry } from '../../src/plans/registry.js';
import { UnitDirectory } from '../../src/units/directory.js';
import { fixturePlans, msg } from '../chat/fixtures.js';
import { useTestRedis } from '../support/redis.js';

/** /假期 through the bot: paste, confirm, show; roles; a notice sent as a file. Real Redis. */

const t = useTestRedis('handler-holidays');
const log = silentLogger('fatal');
const NOTICE = readFileSync(new URL('../fixtures/holidays/2027-made-up-notice.txt', import.meta.url), 'utf8');

let book: HolidayBook | undefined;
afterEach(async () => {
  setNoticeProvider(undefined);
  await book?.close();
  book = undefined;
});

async function setup(name: string, extra: Partial<HolidaysCommandDeps> = {}) {
  const store = createHolidayStore(t.redis, { prefix: `${t.prefix}:${name}`, log });
  book = createHolidayBook({ store, log });
  await book.load();
  setNoticeProvider(book);
  const deps: HolidaysCommandDeps = { book, pending: store, ...extra };
  const holidays = createHolidaysCommand(deps);
  const registry = createPlanRegistry({ bundled: [], units: UnitDirectory.empty(), library: createPlanLibrary(t.redis, { prefix: `${t.prefix}:${name}`, log }), log });
  const importCommand = createImportCommand({ registry, holidayNotice: holidayNoticeFiles(deps), ...(extra.download ? { download: extra.download } : {}) });
  const list = commands.map((c) => (c.name === '假期' ? holidays : c.name === '导入' ? importCommand : c));
  async function ask(m: IncomingMessage, role: Role = 'admin'): Promise<string> {
    const bot = createBot({ plans: fixturePlans(), clock: { now: () => new Date('2026-12-04T09:00:00+08:00') }, log, commands: list, roleOf: async () => role });
    const out: string[] = [];
    await bot.handle(m, { reply: async (r) => void out.push(renderText(r)) });
    return out.join('\n\n');
  }
  return { ask, store };
}

describe('/假期', () => {
  it('a notice pasted in a p2p chat is shown for confirmation, loaded on /假期 确认, and /假期 2027 then names the notice', async () => {
    const { ask, store } = await setup('paste');
    expect(await ask(msg('/假期 2027'))).toContain('来源：按法定节假日估算，待国务院通知');

    const preview = await ask(msg(NOTICE));
    expect(preview).toContain('请确认：2027年节假日安排');
    expect(preview).toContain('放假 29 天，调休上班 5 天');
    expect(preview).toContain('2月20日（周六）');
    expect(preview).toContain('/假期 确认');
    // Nothing loaded yet.
    expect(holidaySource(2027)).toBe('estimate');
    expect(await store.version()).toBe(0);

    const loaded = await ask(msg('/假期 确认'));
    expect(loaded).toContain('已载入2027年节假日安排');
    expect(loaded).toContain('所有提醒已按此安排重新计算');
    expect(holidaySource(2027)).toBe('notice');
    expect(isWorkday('2027-02-20')).toBe(true);

    const shown = await ask(msg('/假期 2027'));
    expect(shown).toContain('来源：已导入的国务院通知');
    expect(shown).toContain('10月1日（周五）至10月7日（周四）（共7天）');
    expect(await ask(msg('/假期 确认'))).toContain('没有待确认的节假日通知');
  });

  it('/假期 导入 with the text in the command; a text that is not a notice is refused and nothing changes', async () => {
    const { ask, store } = await setup('inline');
    expect(await ask(msg(`/假期 导入 ${NOTICE}`))).toContain('请确认：2027年节假日安排');
    const refused = await ask(msg('/假期 导入 关于开展节前安全检查的通知：1月1日前完成检查。'));
    expect(refused).toContain('未载入节假日安排');
    expect(refused).toContain('不像国务院办公厅的节假日安排通知');
    // The refused text did not replace the pending one.
    expect(await ask(msg('/假期 确认'))).toContain('已载入2027年节假日安排');
    expect(await store.version()).toBe(1);
  });

  it('only an admin may load or remove a notice; anyone may look', async () => {
    const { ask, store } = await setup('roles');
    expect(await ask(msg(NOTICE), 'supervisor')).toContain('只有管理员可以载入或删除节假日安排');
    expect(await ask(msg('/假期 删除 2027'), 'member')).toContain('只有管理员');
    expect(await ask(msg('/假期 2027'), 'everyone')).toContain('2027年节假日安排');
    expect(await store.version()).toBe(0);
  });

  it('a notice sent as a file goes to /假期 through /导入; a plan file stays a plan', async () => {
    const files: Record<string, Buffer> = { notice: Buffer.from(NOTICE), plan: Buffer.from('清河县2027年工作要点\n一、总则\n（一）6月底前完成清单公布。（县数据局牵头负责）') };
    const { ask } = await setup('file', { download: async (_m, key) => files[key]! });
    const answer = await ask(msg('', { attachment: { kind: 'file', key: 'notice', name: '2027年放假安排.txt' } }));
    expect(answer).toContain('请确认：2027年节假日安排');
    const plan = await ask(msg('', { attachment: { kind: 'file', key: 'plan', name: '要点.txt' } }));
    expect(plan).not.toContain('节假日');
    expect(plan).toContain('要点.txt');
  });

  it('/假期 删除 brings the estimate back', async () => {
    const { ask } = await setup('remove');
    await ask(msg(NOTICE));
    await ask(msg('/假期 确认'));
    expect(holidaySource(2027)).toBe('notice');
    expect(await ask(msg('/假期 删除 2027'))).toContain('已删除导入的2027年节假日安排');
    expect(holidaySource(2027)).toBe('estimate');
  });
});

describe('/提醒 labels estimated dates', () => {
  it('2027 reminders say they are estimated until the notice is loaded', async () => {
    const plans = buildPlans([parsePlan(readFileSync(new URL('../fixtures/holidays/2027-plan.txt', import.meta.url)), '2027-plan.txt')], UnitDirectory.empty());
    const ask = async (text: string) => {
      const bot = createBot({ plans, clock: { now: () => new Date('2027-01-20T09:00:00+08:00') }, log, roleOf: async () => 'everyone' });
      const out: string[] = [];
      await bot.handle(msg(text), { reply: async (r) => void out.push(renderText(r)) });
      return out.join('\n');
    };
    const before = await ask('/提醒 县数据局');
    expect(before).toContain('县数据局的近期提醒');
    expect(before).toContain('2027年的日期按法定节假日估算，待国务院通知');
    const p = parseNotice(NOTICE);
    if (!p.ok || p.notice.kind !== 'notice') throw new Error('fixture');
    setNoticeProvider(staticNotices([p.notice]));
    expect(await ask('/提醒 县数据局')).not.toContain('估算');
  });
});
