/**
 * `npm run eval`: how well the bot reads and answers the bundled seed plans,
 * against the hand-checked files in ../shared/eval (beside the repository, or
 * DUBAN_SHARED). Prints the parser's agreement with the gold ledger, the
 * share of seed questions whose top answer is the expected one, and the same
 * for the real published plans in shared/eval/real, each loaded alone.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED, evalParser, parseSeeds, printParserEval } from './eval-parser.js';

async function main(): Promise<number> {
  if (!existsSync(join(SHARED, 'eval', 'seeds-gold.jsonl'))) {
    console.error(`找不到评测数据 ${SHARED}/eval（需要与仓库并列的 shared/ 目录，或设置 DUBAN_SHARED）`);
    return 2;
  }
  const verbose = process.argv.includes('-v') || process.argv.includes('--verbose');
  const documents = parseSeeds();
  printParserEval(evalParser(documents), verbose);

  process.env.DUBAN_SHARED ??= SHARED;
  const { evalQuestions, formatResult } = await import('./eval-questions.js');
  const r = await evalQuestions({ documents });
  console.log(formatResult('问答 seed questions (top answer)', r));
  if (verbose) for (const f of r.failures) console.log('   ✗', JSON.stringify(f));

  const { REAL_DIR, evalReal, printRealEval } = await import('./eval-real.js');
  if (existsSync(join(REAL_DIR, 'gold.jsonl'))) printRealEval(evalReal(), verbose);
  else console.log(`（没有 ${REAL_DIR}/gold.jsonl，跳过真实文件评测）`);
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);
