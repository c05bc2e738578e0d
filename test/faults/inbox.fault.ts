/**
 * Acknowledged means kept: the real bot process is killed (kill -9) during a
 * burst, stopped with SIGTERM to `npm start`'s process group while replies are
 * queued, and stopped while its Redis is gone. Counts are printed and exact.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgressStore } from '../../src/progress/store.js';
import { connectTestRedis } from '../support/redis.js';
import { answers, ADMIN, ASKER, deployment, type Deployment } from './env.js';
import { logLines, ownRedis, sleep, startBot, until } from './harness.js';
import { useSuiteRedis } from './suite-redis.js';

const QUESTIONS = ['减税降费谁牵头', '/文件', 'IPv6改造谁牵头', '/截止 今年', '县财政局有哪些任务'];
// Tasks and a lead unit of each (an admin reports for the unit named).
const TASKS = [
  'qingyuan-2022-zhengwu-gongkai#一、（一） 县发改局',
  'qingyuan-2022-zhengwu-gongkai#一、（三） 县府办',
  'qingyuan-2022-zhengwu-gongkai#二、（二） 县大数据发展中心',
  'qingyuan-2022-zhengwu-gongkai#二、（三） 县信访局',
  'youxian-2018-zhengwu-gongkai#一、（一） 区发改局',
  'youxian-2018-zhengwu-gongkai#一、（三） 区金融办',
  'youxian-2018-zhengwu-gongkai#一、（四） 区政务服务中心',
  'youxian-2018-zhengwu-gongkai#一、（五） 区目督办',
  'youxian-2018-zhengwu-gongkai#二、（六） 区政府办',
  'qingyuan-2022-zhengwu-gongkai#一、（一） 县发改局',
];
const QCHATS = Array.from({ length: 30 }, (_, i) => `oc_fault_q${i}`);
const RCHATS = Array.from({ length: 10 }, (_, i) => `oc_fault_r${i}`);

useSuiteRedis();

let redis: Redis;
beforeAll(async () => {
  redis = await connectTestRedis();
});
afterAll(async () => {
  await redis?.quit();
});

/** Send every item with `parallel` in flight; resolves with each status (0 = connection failed). */
async function burst<T>(items: T[], parallel: number, post: (x: T) => Promise<number>, onProgress?: (done: number) => void): Promise<number[]> {
  const out: number[] = new Array(items.length).fill(-1);
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await post(items[i]!);
        done += 1;
        onProgress?.(done);
      }
    }),
  );
  return out;
}

describe('kill -9 during a burst of 300 questions and 300 progress reports', () => {
  let d: Deployment;
  afterAll(async () => {
    await d?.cleanup(redis);
  });

  it('answers every acknowledged question and records every acknowledged report exactly once after a restart', async () => {
    d = await deployment({
      chats: [
        ...QCHATS.map((chatId) => ({ chatId, name: chatId, members: [{ openId: ASKER, name: '提问人' }] })),
        ...RCHATS.map((chatId) => ({ chatId, name: chatId, members: [{ openId: ADMIN, name: '管理员' }] })),
      ],
    });
    let bot = await startBot({ env: d.env });
    const items = Array.from({ length: 600 }, (_, i) =>
      i % 2 === 0
        ? { kind: 'q' as const, chat: QCHATS[(i / 2) % 30]!, text: QUESTIONS[(i / 2) % QUESTIONS.length]!, id: '' }
        : { kind: 'r' as const, chat: RCHATS[((i - 1) / 2) % 10]!, text: `/进展 ${TASKS[((i - 1) / 2) % 10]} 推进中 报告${(i - 1) / 2}`, id: '' },
    );
    let killed = false;
    const current = bot;
    const statuses = await burst(
      items,
      24,
      async (it) => {
        const r = await d.say(current.url, it.chat, it.text, { chatType: it.kind === 'q' ? 'p2p' : 'group', sender: it.kind === 'q' ? ASKER : ADMIN });
        it.id = r.messageId;
        return r.status;
      },
      (done) => {
        if (!killed && done >= 250) {
          killed = true;
          void current.kill9();
        }
      },
    );
    await current.exited;
    const acked = items.filter((_, i) => statuses[i] === 200);
    const unacked = items.filter((_, i) => statuses[i] !== 200);
    const answeredBeforeRestart = items.filter((it) => it.kind === 'q' && answers(d.fake, it.id) > 0).length;

    bot = await startBot({ env: d.env });
    // What Lark does for every push that got no 200: push it again (same message id).
    for (const it of unacked) {
      const r = await d.say(bot.url, it.chat, it.text, { chatType: it.kind === 'q' ? 'p2p' : 'group', sender: it.kind === 'q' ? ASKER : ADMIN, messageId: it.id });
      expect(r.status).toBe(200);
    }
    const store = createProgressStore(redis);
    const recorded = async () => {
      const events = (await store.all(d.tenant)).filter((e) => e.kind === 'report');
      const byNote = new Map<string, number>();
      for (const e of events) byNote.set(e.note, (byNote.get(e.note) ?? 0) + 1);
      return byNote;
    };
    const questions = items.filter((it) => it.kind === 'q');
    const reports = items.filter((it) => it.kind === 'r');
    const allDone = await until(async () => {
      if (questions.some((q) => answers(d.fake, q.id) === 0)) return false;
      if (reports.some((r) => answers(d.fake, r.id) === 0)) return false;
      return (await recorded()).size === reports.length;
    }, 150_000, 500);
    const byNote = await recorded();
    const ackedQ = acked.filter((it) => it.kind === 'q');
    const ackedR = acked.filter((it) => it.kind === 'r');
    const lostQ = ackedQ.filter((q) => answers(d.fake, q.id) === 0).length;
    const doubleQ = ackedQ.filter((q) => answers(d.fake, q.id) > 1).length;
    const lostR = ackedR.filter((r) => (byNote.get(r.text.split(' ').pop()!) ?? 0) === 0).length;
    const doubleR = ackedR.filter((r) => (byNote.get(r.text.split(' ').pop()!) ?? 0) > 1).length;
    const repeats = d.fake.uuidRepeats.length;
    console.log(
      `[fault] kill -9 in a burst: acknowledged ${ackedQ.length} questions + ${ackedR.length} reports before the kill ` +
        `(${answeredBeforeRestart} questions answered before it); after restart: questions lost ${lostQ}, answered twice ${doubleQ}; ` +
        `reports lost ${lostR}, recorded twice ${doubleR}; re-pushed unacknowledged ${unacked.length}, all answered: ${allDone}; ` +
        `reply uuids repeated (absorbed by Lark) ${repeats}`,
    );
    expect(acked.length).toBeGreaterThan(0);
    expect(unacked.length).toBeGreaterThan(0);
    expect([lostQ, doubleQ, lostR, doubleR]).toEqual([0, 0, 0, 0]);
    expect(allDone).toBe(true);
    await bot.kill9();
  });
});

describe('SIGTERM to the `npm start` process group with 800 replies queued', () => {
  let d: Deployment;
  afterAll(async () => {
    await d?.cleanup(redis);
  });

  it('loses none: what the stopping process did not finish, the next one does', async () => {
    d = await deployment({ chats: QCHATS.map((chatId) => ({ chatId, name: chatId, members: [{ openId: ASKER, name: '提问人' }] })) });
    const bot = await startBot({ env: { ...d.env, LOG_LEVEL: 'info' }, viaNpm: true });
    const ids: string[] = [];
    const statuses = await burst(Array.from({ length: 800 }, (_, i) => i), 32, async (i) => {
      const r = await d.say(bot.url, QCHATS[i % 30]!, QUESTIONS[i % QUESTIONS.length]!);
      ids.push(r.messageId);
      return r.status;
    });
    const acked = statuses.filter((s) => s === 200).length;
    const queuedAtStop = ids.filter((id) => answers(d.fake, id) === 0).length;
    const t0 = Date.now();
    bot.termGroup();
    const exit = await bot.exited;
    const gone = await bot.groupGone(30_000);
    const stopMs = (gone ?? Infinity) - t0;
    const answeredByFirst = ids.filter((id) => answers(d.fake, id) > 0).length;
    const stopping = logLines(bot.stderr(), 'stopping').length;
    const stopped = logLines(bot.stderr(), 'stopped').length;
    const next = await startBot({ env: d.env });
    const allDone = await until(() => ids.every((id) => answers(d.fake, id) > 0), 150_000, 500);
    const lost = ids.filter((id) => answers(d.fake, id) === 0).length;
    const doubled = ids.filter((id) => answers(d.fake, id) > 1).length;
    console.log(
      `[fault] SIGTERM to npm start's group: ${acked} acknowledged, ${queuedAtStop} not yet answered at the signal; ` +
        `the bot began its shutdown ${stopping} time(s) and finished it ${stopped} time(s); the process group was gone after ${stopMs} ms (npm: code ${exit.code}, signal ${exit.signal}); ` +
        `answered by it ${answeredByFirst}, by the next process ${ids.length - answeredByFirst - lost}; lost ${lost}, answered twice ${doubled}`,
    );
    expect(acked).toBe(800);
    expect(queuedAtStop).toBeGreaterThan(0);
    expect(stopping).toBe(1);
    expect(stopped).toBe(1);
    expect([lost, doubled]).toEqual([0, 0]);
    expect(allDone).toBe(true);
    await next.kill9();
  });
});

describe('shutdown while Redis is gone', () => {
  let d: Deployment;
  afterAll(async () => {
    await d?.cleanup(redis);
  });

  it('exits within its bound', async () => {
    const own = await ownRedis({ aof: true });
    try {
      d = await deployment({ chats: [] });
      const bound = 4;
      const bot = await startBot({ env: { ...d.env, REDIS_URL: own.url, SHUTDOWN_TIMEOUT_SECONDS: String(bound), LOG_LEVEL: 'info' } });
      // Fully started (workers, re-plan, weekly ticks), then Redis goes away.
      expect(await until(() => logLines(bot.stderr(), 'started').length > 0, 30_000)).toBe(true);
      await own.kill9();
      await sleep(500);
      const t0 = Date.now();
      bot.termGroup();
      const exit = await Promise.race([bot.exited, sleep(60_000).then(() => undefined)]);
      const ms = exit ? exit.atMs - t0 : Infinity;
      const began = logLines(bot.stderr(), 'stopping').length;
      console.log(`[fault] shutdown with Redis gone: began its shutdown ${began} time(s), exited after ${ms} ms (bound ${bound} s), code ${exit?.code}, signal ${exit?.signal}`);
      if (!exit) await bot.kill9();
      expect(began).toBe(1);
      expect(exit?.signal).toBeNull();
      expect(logLines(bot.stderr(), 'stopped').length + logLines(bot.stderr(), 'stop_timeout').length).toBe(1);
      expect(ms).toBeLessThan(bound * 1000 + 1500);
    } finally {
      await own.stop();
    }
  });
});
