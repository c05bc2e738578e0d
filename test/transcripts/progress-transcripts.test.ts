import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startConsole } from '../../src/adapters/console/index.js';
import { createBot } from '../../src/chat/bot.js';
import { silentLogger } from '../../src/log.js';
import { createProgressFeatures } from '../../src/progress/features.js';
import { useTestRedis } from '../support/redis.js';
import { expandInput, formatTranscript, parseTranscript, type Exchange } from './format.js';
import { seedPlans } from './seeds.js';

/**
 * Golden transcripts for the stateful commands (/绑定 /解绑 /进展 /办结 /退回
 * /提醒) through the console adapter over the bundled seeds, with the progress
 * features on real Redis. They live in progress/ because each file is one
 * conversation whose answers depend on what came before; the stateless runner
 * (transcripts.test.ts) replays every exchange on its own. Here the exchanges
 * run in order on one fresh key prefix, then the whole file is piped at once
 * on another and must read the same. UPDATE_TRANSCRIPTS=1 rewrites them.
 */

const t = useTestRedis('progress-transcripts');
const dir = fileURLToPath(new URL('./progress/', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .sort();
const update = process.env.UPDATE_TRANSCRIPTS === '1';
const DEFAULT_NOW = '2022-07-05T09:00:00+08:00';
const plans = seedPlans();
let sessions = 0;

function session(now: string) {
  sessions += 1;
  const log = silentLogger('fatal');
  const clock = { now: () => new Date(now) };
  const features = createProgressFeatures({
    redis: t.redis,
    config: {
      roles: { adminOpenIds: [], supervisorOpenIds: [] },
      reminders: { time: { hour: 9, minute: 0 }, offsetsDays: [7, 3, 1], escalateAfterWorkdays: 3 },
    },
    plans,
    log,
    prefix: `${t.prefix}:s${sessions}`,
    now: clock.now,
  });
  const bot = createBot({ plans, clock, log, roleOf: features.roleOf, progress: features.services, buttons: features.buttons });
  // One conversation: buttons shown in one exchange can be pressed in the next.
  const memory = { buttons: [] };
  return async (inputs: string[]): Promise<string> => {
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (c: Buffer) => (text += c.toString('utf8')));
    const done = startConsole({ bot, input, output, log, memory });
    input.end(inputs.map((i) => expandInput(i) + '\n').join(''));
    await done;
    return text;
  };
}

it('has progress transcripts', () => {
  expect(files.length).toBeGreaterThan(0);
});

for (const file of files) {
  describe(file, () => {
    const transcript = parseTranscript(readFileSync(dir + file, 'utf8'));
    const now = transcript.now ?? DEFAULT_NOW;
    const actual: Exchange[] = [];
    let converse: ((inputs: string[]) => Promise<string>) | undefined;

    it.each(transcript.exchanges.map((e, i) => [e.input.slice(0, 40), e, i] as const))('> %s', async (_, exchange, i) => {
      converse ??= session(now);
      const out = (await converse([exchange.input])).replace(/\s+$/u, '');
      actual[i] = { input: exchange.input, expected: out };
      if (!update) expect(out).toBe(exchange.expected);
    });

    it('the whole file piped at once gives the same answers in order', async () => {
      const out = await session(now)(transcript.exchanges.map((e) => e.input));
      if (!update) expect(out).toBe(transcript.exchanges.map((e) => e.expected).join('\n\n') + '\n');
    });

    afterAll(() => {
      if (update && actual.length === transcript.exchanges.length) {
        writeFileSync(dir + file, formatTranscript({ ...transcript, exchanges: actual }));
      }
    });
  });
}
