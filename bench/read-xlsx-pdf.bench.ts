import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPdf } from '../src/doc/readers/pdf.js';
import { readXlsx } from '../src/doc/readers/xlsx.js';
import { extractPlan } from '../src/plan/parse.js';
import type { DocModel } from '../src/doc/model.js';
import { bigXlsx } from '../test/fixtures/formats/make-xlsx.js';

/** Reading native files: 50- and 200-page PDFs (committed fixtures) and generated 5,000- and 50,000-row sheets; read → model, then model → ledger. */
export default async function bench(): Promise<void> {
  // pdfjs is ~3 MB of JavaScript: loading it is paid once per process (or parse worker), not per file.
  const t0 = performance.now();
  await import('pdfjs-dist/legacy/build/pdf.mjs');
  const workerModule = 'pdfjs-dist/legacy/build/pdf.worker.mjs'; // pdfjs imports it itself; untyped
  await import(workerModule);
  console.log(`  pdfjs module load (once per process): ${(performance.now() - t0).toFixed(0)} ms`);
  const fixture = (name: string) => new Uint8Array(readFileSync(join(import.meta.dirname, '..', 'test', 'fixtures', 'formats', name)));
  const pdf50 = fixture('long-50-pages.pdf');
  await measure('pdf: 50 pages (300 items)', () => readPdf(pdf50, 'long.pdf'), 5);
  const pdf200 = fixture('long-200-pages.pdf');
  await measure('pdf: 200 pages (1,200 items)', () => readPdf(pdf200, 'long.pdf'), 3);
  for (const rows of [5_000, 50_000]) {
    const xlsx = await bigXlsx(rows);
    await measure(`xlsx: ${rows.toLocaleString('en')} rows × 6 columns (${(xlsx.byteLength / 1024).toFixed(0)} KB)`, () => readXlsx(xlsx, 'big.xlsx'), rows > 10_000 ? 1 : 5);
  }
}

async function measure(label: string, read: () => Promise<DocModel>, runs: number): Promise<void> {
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  let t0 = performance.now();
  const model = await read();
  const cold = performance.now() - t0;
  const heap = process.memoryUsage().heapUsed - heap0;
  t0 = performance.now();
  const tasks = extractPlan(model, 'bench').tasks.length;
  const extract = performance.now() - t0;
  const warm: number[] = [];
  for (let i = 1; i < runs; i++) {
    t0 = performance.now();
    await read();
    warm.push(performance.now() - t0);
  }
  warm.sort((a, b) => a - b);
  const median = warm.length ? ` · warm median of ${warm.length} ${warm[Math.floor(warm.length / 2)]!.toFixed(0)} ms` : '';
  console.log(`  ${label}: read ${cold.toFixed(0)} ms (first)${median}; heap +${(heap / 1024 / 1024).toFixed(0)} MB; extract ${extract.toFixed(0)} ms → ${tasks} tasks`);
}
