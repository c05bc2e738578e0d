import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startConsole } from '../../src/adapters/console/index.js';
import { createBot } from '../../src/chat/bot.js';
import { silentLogger } from '../../src/log.js';
import { expandInput, formatTranscript, parseTranscript, type Exchange } from './format.js';
import { seedPlans } from './seeds.js';

/**
 * Golden transcripts: every exchange goes through the console adapter, as a
 * person typing into `npm start` would, against the bundled seeds. With
 * UPDATE_TRANSCRIPTS=1 the files are rewritten from the actual output — read
 * the diff before committing it.
 */

const dir = fileURLToPath(new URL('./', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .sort();
const update = process.env.UPDATE_TRANSCRIPTS === '1';
const DEFAULT_NOW = '2022-07-05T09:00:00+08:00';
const plans = seedPlans();

async function converse(now: string, inputs: string[]): Promise<string> {
  const clock = { now: () => new Date(now) };
  const bot = createBot({ plans, clock, log: silentLogger('fatal') });
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (c: Buffer) => (text += c.toString('utf8')));
  const done = startConsole({ bot, input, output, log: silentLogger('fatal') });
  input.end(inputs.map((i) => expandInput(i) + '\n').join(''));
  await done;
  return text;
}

it('has transcripts', () => {
  expect(files.length).toBeGreaterThan(0);
});

for (const file of files) {
  describe(file, () => {
    const transcript = parseTranscript(readFileSync(dir + file, 'utf8'));
    const now = transcript.now ?? DEFAULT_NOW;
    const actual: Exchange[] = [];

    it.each(transcript.exchanges.map((e, i) => [e.input.slice(0, 40), e, i] as const))('> %s', async (_, exchange, i) => {
      const out = (await converse(now, [exchange.input])).replace(/\s+$/u, '');
      actual[i] = { input: exchange.input, expected: out };
      if (!update) expect(out).toBe(exchange.expected);
    });

    it('the whole file piped at once gives the same answers in order', async () => {
      const out = await converse(
        now,
        transcript.exchanges.map((e) => e.input),
      );
      const expected = transcript.exchanges.map((e) => e.expected).join('\n\n') + '\n';
      if (!update) expect(out).toBe(expected);
    });

    afterAll(() => {
      if (update && actual.length === transcript.exchanges.length) {
        writeFileSync(dir + file, formatTranscript({ ...transcript, exchanges: actual }));
      }
    });
  });
}
