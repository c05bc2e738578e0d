import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/holidays.js';
import { memoryIO } from '../../src/cli/io.js';
import { run as runSchedule } from '../../src/cli/schedule.js';

/** `cli holidays` and `cli schedule --holidays`: in-process, and as a user runs them under a server TZ west and east of Shanghai. */

const repo = fileURLToPath(new URL('../../', import.meta.url));
const F = 'test/fixtures/holidays/';
const table: { holidays: Record<string, string>; workdays: Record<string, string> } = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json');
const ofYear = (t: Record<string, string>, y: number) => Object.keys(t).filter((d) => d.startsWith(`${y}-`)).sort();

async function cli(fn: typeof run, args: string[]) {
  // No REDIS_URL: the CLI reads only the files it is given.
  const io = memoryIO({ cwd: repo, env: {} });
  const code = await fn(args, io);
  return { code, out: io.out(), err: io.err() };
}

function child(args: string[], tz: string): { status: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: tz };
  delete env.REDIS_URL;
  delete env.HOLIDAY_NOTICE_FILES;
  return spawnSync('npm', ['run', '-s', 'cli', '--', ...args], { cwd: repo, env, encoding: 'utf8', timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
}

describe('cli holidays', () => {
  it('--notice FILE --json prints every day off and every make-up day of the 2026 notice, as published', async () => {
    const { code, out } = await cli(run, ['--notice', `${F}2026-repost.txt`, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ year: 2026, off: ofYear(table.holidays, 2026), work: ofYear(table.workdays, 2026) });
  });

  it('a notice and its extension notice together (2020)', async () => {
    const { code, out } = await cli(run, ['--notice', `${F}2020-govcn.txt`, `${F}2020-extension.txt`, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ year: 2020, off: ofYear(table.holidays, 2020), work: ofYear(table.workdays, 2020) });
  });

  it('--year names the source: official for 2026, estimate for 2027, notice once one is given', async () => {
    expect(JSON.parse((await cli(run, ['--year', '2026', '--json'])).out)).toMatchObject({ year: 2026, source: 'official', work: ofYear(table.workdays, 2026) });
    const est = JSON.parse((await cli(run, ['--year', '2027', '--json'])).out);
    expect(est).toEqual({ year: 2027, source: 'estimate', off: ['2027-01-01', '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-04-05', '2027-05-01', '2027-05-02', '2027-06-09', '2027-09-15', '2027-10-01', '2027-10-02', '2027-10-03'], work: [] });
    const withNotice = JSON.parse((await cli(run, ['--year', '2027', '--notice', `${F}2027-made-up-notice.txt`, '--json'])).out);
    expect(withNotice).toMatchObject({ year: 2027, source: 'notice', work: ['2027-02-20', '2027-04-25', '2027-05-08', '2027-09-26', '2027-10-09'] });
    expect(withNotice.off).toHaveLength(29);
  });

  it('a file that is not a notice: exit 1, the reason on stderr, nothing on stdout', async () => {
    const { code, out, err } = await cli(run, ['--notice', `${F}2027-plan.txt`, '--json']);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain('不像国务院办公厅的节假日安排通知');
    expect((await cli(run, ['--notice', `${F}missing.txt`])).err).toContain('找不到文件');
    expect((await cli(run, [])).code).toBe(2);
    expect((await cli(run, ['--year', '27'])).code).toBe(2);
  });
});

describe('cli schedule --holidays', () => {
  it('plans a 2027 plan with the notice: nothing on its days off, something on a make-up Saturday', async () => {
    const notice = JSON.parse((await cli(run, ['--notice', `${F}2027-made-up-notice.txt`, '--json'])).out) as { off: string[]; work: string[] };
    const { code, out, err } = await cli(runSchedule, ['--plan', `${F}2027-plan.txt`, '--holidays', `${F}2027-made-up-notice.txt`, '--json']);
    expect(code, err).toBe(0);
    const fires = (JSON.parse(out) as { reminders: Array<{ fireAt: string }> }).reminders.map((r) => r.fireAt.slice(0, 10));
    expect(fires.filter((d) => notice.off.includes(d))).toEqual([]);
    expect(fires.some((d) => notice.work.includes(d))).toBe(true);
    expect(err).not.toContain('2027 年没有');
    const bad = await cli(runSchedule, ['--plan', `${F}2027-plan.txt`, '--holidays', `${F}2027-plan.txt`, '--json']);
    expect(bad.code).toBe(1);
    expect(bad.out).toBe('');
  });
});

describe('the same answers whatever the server TZ', () => {
  it.each(['America/New_York', 'Pacific/Kiritimati'])('%s', async (tz) => {
    const year = child(['holidays', '--year', '2027', '--json'], tz);
    expect(year.status, year.stderr).toBe(0);
    expect(JSON.parse(year.stdout)).toEqual(JSON.parse((await cli(run, ['--year', '2027', '--json'])).out));

    const args = ['schedule', '--plan', `${F}2027-plan.txt`, '--holidays', `${F}2020-govcn.txt`, `${F}2027-made-up-notice.txt`, '--json'];
    const sched = child(args, tz);
    expect(sched.status, sched.stderr).toBe(0);
    expect(JSON.parse(sched.stdout)).toEqual(JSON.parse((await cli(runSchedule, args.slice(1))).out));

    const notice = child(['holidays', '--notice', `${F}2017-traditional.txt`, '--json'], tz);
    expect(JSON.parse(notice.stdout)).toEqual({ year: 2017, off: ofYear(table.holidays, 2017), work: ofYear(table.workdays, 2017) });
  });
});
