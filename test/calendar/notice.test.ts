import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { applyAmendment, parseNotice, type HolidayNotice } from '../../src/calendar/notice.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/holidays/${name}`, import.meta.url), 'utf8');

/** chinese-days' own table: what the State Council published, per date. */
const table: { holidays: Record<string, string>; workdays: Record<string, string> } = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json');

/** The package's schedule for a year's notice: its dates in the year, and 元旦 days in the December before (not those of the next year). */
function official(year: number): { off: string[]; work: string[] } {
  const belongs = (date: string, label: string) =>
    (date.startsWith(`${year}-`) && !(date.startsWith(`${year}-12`) && label.includes('元旦'))) || (date.startsWith(`${year - 1}-12`) && label.includes('元旦'));
  const pick = (t: Record<string, string>) => Object.entries(t).filter(([d, l]) => belongs(d, l)).map(([d]) => d).sort();
  return { off: pick(table.holidays), work: pick(table.workdays) };
}

function notice(text: string): HolidayNotice {
  const r = parseNotice(text);
  if (!r.ok) throw new Error(r.reason);
  if (r.notice.kind !== 'notice') throw new Error('not a notice');
  return r.notice;
}

describe('real notices parse to the schedule chinese-days carries', () => {
  it.each([
    ['2017-traditional.txt', 2017],
    ['2023-halfwidth.txt', 2023],
    ['2026-repost.txt', 2026],
  ])('%s', (file, year) => {
    const n = notice(fixture(file));
    expect(n.year).toBe(year);
    expect({ off: n.off, work: n.work }).toEqual(official(year));
  });

  it('2020: the notice plus the extension notice (延长2020年春节假期) give the published schedule', () => {
    const base = notice(fixture('2020-govcn.txt'));
    const ext = parseNotice(fixture('2020-extension.txt'));
    expect(ext).toMatchObject({ ok: true, notice: { kind: 'amendment', year: 2020, holiday: '春节', until: '2020-02-02' } });
    if (!ext.ok || ext.notice.kind !== 'amendment') throw new Error('unreachable');
    const n = applyAmendment(base, ext.notice);
    expect({ off: n.off, work: n.work }).toEqual(official(2020));
    // The notice alone: 24–30 January off, Saturday 1 February a working day.
    expect(base.sections.find((s) => s.names.includes('春节'))!.off).toEqual(
      ['2020-01-24', '2020-01-25', '2020-01-26', '2020-01-27', '2020-01-28', '2020-01-29', '2020-01-30'],
    );
    expect(base.work).toContain('2020-02-01');
    expect(n.work).not.toContain('2020-02-01');
  });

  it('2023: the 元旦 range starting on 31 December of the year before', () => {
    const n = notice(fixture('2023-halfwidth.txt'));
    expect(n.sections[0]).toMatchObject({ names: ['元旦'], off: ['2022-12-31', '2023-01-01', '2023-01-02'], work: [] });
  });
});

/** A full notice around the given section lines, so each form is read in context. */
function withSections(year: number, lines: string[]): string {
  return [`国务院办公厅关于${year}年部分节假日安排的通知`, '各省、自治区、直辖市人民政府：', `经国务院批准，现将${year}年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。`, ...lines, '节假日期间，各地区、各部门要妥善安排好值班工作。', '国务院办公厅'].join('\n');
}

const OTHER_2017 = ['三、清明节：4月2日至4日放假调休，共3天。4月1日（星期六）上班。', '五、端午节：5月28日至30日放假调休，共3天。5月27日（星期六）上班。', '六、中秋节、国庆节：10月1日至8日放假调休，共8天。9月30日（星期六）上班。'];

describe('forms the notices have used', () => {
  it('补休 day, 与周末连休 (adds nothing), cross-month range, several make-up days in one sentence', () => {
    const n = notice(withSections(2017, ['一、元旦：1月1日放假，1月2日（星期一）补休。', '二、春节：1月27日至2月2日放假调休，共7天。1月22日（星期日）、2月4日（星期六）上班。', '四、劳动节：5月1日放假，与周末连休。', ...OTHER_2017]));
    expect(n.sections.find((s) => s.names.includes('元旦'))!.off).toEqual(['2017-01-01', '2017-01-02']);
    expect(n.sections.find((s) => s.names.includes('劳动节'))!.off).toEqual(['2017-05-01']);
    expect(n.sections.find((s) => s.names.includes('春节'))).toMatchObject({ off: ['2017-01-27', '2017-01-28', '2017-01-29', '2017-01-30', '2017-01-31', '2017-02-01', '2017-02-02'], work: ['2017-01-22', '2017-02-04'] });
  });

  it('half-width punctuation and ASCII brackets, dashes for 至, and sections run together on one line', () => {
    const text = withSections(2017, [
      ['一、元旦:1月1日放假,1月2日(星期一)补休。', '二、春节:1月27日—2月2日放假调休,共7天。1月22日(星期日)、2月4日(星期六)上班。', '四、劳动节:5月1日放假,与周末连休。', ...OTHER_2017].join(''),
    ]);
    expect(notice(text).off).toEqual(official(2017).off);
    expect(notice(text).work).toEqual(official(2017).work);
  });

  it('full-width digits are read as digits', () => {
    const text = fixture('2026-repost.txt').replace(/[0-9]/gu, (d) => String.fromCharCode(0xff10 + Number(d)));
    expect(notice(text).off).toEqual(official(2026).off);
  });
});

describe('refusals say why and give nothing', () => {
  it('a work plan is not a notice', () => {
    const r = parseNotice('清河县2027年工作要点\n一、优化营商环境\n（一）6月底前完成清单公布。（县政务服务中心牵头负责）');
    expect(r).toMatchObject({ ok: false, code: 'not-a-notice' });
  });

  it('a notice missing a statutory holiday', () => {
    const text = fixture('2026-repost.txt').replace(/三、清明节：[^\n]*\n/u, '');
    const r = parseNotice(text);
    expect(r).toMatchObject({ ok: false, code: 'missing-holiday' });
    if (!r.ok) expect(r.reason).toContain('清明节');
  });

  it('dates that leave out a festival day (wrong year in the title)', () => {
    const r = parseNotice(fixture('2026-repost.txt').replaceAll('2026年', '2027年'));
    expect(r).toMatchObject({ ok: false, code: 'core-day-missing' });
  });

  it('an impossible date', () => {
    const r = parseNotice(fixture('2026-repost.txt').replace('2月15日', '2月30日'));
    expect(r).toMatchObject({ ok: false, code: 'bad-date' });
  });

  it('empty and oversized input', () => {
    expect(parseNotice('  ')).toMatchObject({ ok: false, code: 'empty' });
    expect(parseNotice('节'.repeat(60_000))).toMatchObject({ ok: false, code: 'too-long' });
  });
});
