import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/adapters/console/render.js';
import { createBot } from '../../src/chat/bot.js';
import { createParsePool } from '../../src/doc/parse-pool.js';
import { silentLogger } from '../../src/log.js';
import { parsePlan } from '../../src/plan/parse.js';
import { createPlanLibrary } from '../../src/plans/library.js';
import { createPlanRegistry } from '../../src/plans/registry.js';
import { UnitDirectory } from '../../src/units/directory.js';
import { msg } from '../chat/fixtures.js';
import { useTestRedis } from '../support/redis.js';
import { NOW, PLAN_V1 } from './fixtures.js';

/**
 * A large import is read in the worker thread: while it is being parsed, the
 * bot still answers other chats. The question's answer must arrive while the
 * parse is still in flight, which a parse on the bot's own thread makes
 * impossible (nothing else runs until it returns).
 */

const t = useTestRedis('import-nonblocking');
const log = silentLogger('debug');
const CN = (n: number) => (n < 10 ? '一二三四五六七八九'[n - 1]! : `${n >= 20 ? '一二三四五六七八九'[Math.floor(n / 10) - 1] : ''}十${n % 10 ? '一二三四五六七八九'[(n % 10) - 1] : ''}`);

function heavyPlan(): Buffer {
  const lines = ['2025年全县重点工作任务清单'];
  for (let s = 1; s <= 60; s++) {
    lines.push(`${CN(s)}、第${s}部分重点任务`);
    for (let i = 1; i <= 90; i++) lines.push(`${i}.完善第${s}部分第${i}项工作机制，健全配套制度，按季度报送工作进展并接受督查。（县政府办公室牵头负责，县财政局配合）`);
  }
  return Buffer.from(lines.join('\n'), 'utf8');
}

describe('a heavy import does not stop the bot answering', () => {
  it('answers a question in another chat while the import is still being parsed', async () => {
    const pool = createParsePool({ log });
    let parsing = false;
    const registry = createPlanRegistry({
      bundled: [parsePlan(PLAN_V1, '青禾.txt')],
      units: UnitDirectory.empty(),
      library: createPlanLibrary(t.redis, { prefix: t.prefix, log }),
      log,
      parse: async (bytes, file) => {
        parsing = true;
        try {
          return await pool.parse(bytes, file);
        } finally {
          parsing = false;
        }
      },
    });
    await registry.load();
    const bot = createBot({ plans: registry.current, clock: { now: () => NOW }, log });
    try {
      const data = heavyPlan();
      expect(data.byteLength).toBeGreaterThan(512 * 1024);
      const importing = registry.importPlan({ name: '任务清单.txt', data, by: 'ou_admin', tenant: 't1' });
      for (let i = 0; i < 200 && !parsing; i++) await new Promise((r) => setTimeout(r, 5));
      expect(parsing).toBe(true);

      const answers: string[] = [];
      await bot.handle(msg('政务云扩容谁牵头', { chatId: 'oc_other' }), { reply: async (r) => void answers.push(renderText(r)) });
      const answeredWhileParsing = parsing;
      expect(answers.join('\n')).toContain('县数据局');
      expect(answeredWhileParsing).toBe(true);

      const result = await importing;
      expect(result.document.tasks).toHaveLength(5400);
    } finally {
      await registry.close();
      await pool.close();
    }
  }, 120_000);
});
