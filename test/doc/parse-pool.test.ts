import { afterEach, describe, expect, it } from 'vitest';
import { createParsePool, type ParsePool } from '../../src/doc/parse-pool.js';
import { ingest } from '../../src/doc/ingest.js';
import { PlanError } from '../../src/plan/errors.js';

const CN = (n: number) => (n < 10 ? '一二三四五六七八九'[n - 1]! : `${n >= 20 ? '一二三四五六七八九'[Math.floor(n / 10) - 1] : ''}十${n % 10 ? '一二三四五六七八九'[(n % 10) - 1] : ''}`);

/** A plan of `n` numbered items (sections of 50), as text bytes. */
function bigPlan(n: number): Uint8Array {
  const lines = ['2024年政务公开工作要点'];
  for (let i = 0; i < n; i++) {
    if (i % 50 === 0) lines.push(`${CN(i / 50 + 1)}、第${i / 50 + 1}部分重点任务`);
    lines.push(`${(i % 50) + 1}.推进第${i + 1}项政务公开重点工作，完善相关制度并按期报送进展情况。（县政府办公室牵头负责）`);
  }
  return new TextEncoder().encode(`${lines.join('\n')}\n`);
}

let pool: ParsePool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('parse pool', () => {
  it('parses a large file in the worker thread to the same ledger as in-process', async () => {
    const bytes = bigPlan(3000); // ~400 KB: above the in-process threshold
    expect(bytes.byteLength).toBeGreaterThan(256 * 1024);
    pool = createParsePool();
    const viaWorker = await pool.parse(bytes, 'big.txt');
    const inline = await ingest(bytes, 'big.txt');
    expect(viaWorker.document.tasks.length).toBe(3000);
    expect(viaWorker).toEqual(inline);
  });

  it('refuses a file the worker cannot finish in its budget, and the next file still parses', async () => {
    pool = createParsePool({ timeoutMs: 1 });
    const err = await pool.parse(bigPlan(3000), 'slow.txt').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlanError);
    expect((err as PlanError).code).toBe('timeout');
    expect((err as PlanError).message).toContain('slow.txt');
    await pool.close();
    pool = createParsePool();
    expect((await pool.parse(bigPlan(2500), 'next.txt')).document.tasks).toHaveLength(2500);
  });

  it('refuses a file that needs more memory than the worker may use', async () => {
    pool = createParsePool({ maxMemoryMb: 8 });
    const err = await pool.parse(bigPlan(4000), 'huge.txt').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlanError);
    expect((err as PlanError).code).toBe('too-large');
    expect((err as PlanError).message).toContain('内存');
  });

  it('passes a PlanError from the worker through with its Chinese message', async () => {
    pool = createParsePool({ inlineBelowBytes: 0 });
    const err = await pool.parse(new TextEncoder().encode('这只是一段普通的文字，没有任何编号的任务。'), 'note.txt').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlanError);
    expect((err as PlanError).code).toBe('no-tasks');
    expect((err as PlanError).message).toContain('note.txt');
  });
});
