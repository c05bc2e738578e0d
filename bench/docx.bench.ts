import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDocx } from '../src/doc/readers/docx.js';
import { readHtml } from '../src/doc/readers/html.js';
import { parseDocument } from '../src/plan/parse.js';
import { longPlan, thirtyPagePlan } from '../test/fixtures/formats/make-word.js';

/** Word and web-page readers: a generated 30-page .docx, a 5,000-paragraph .docx and the sample saved page. */
export default async function bench(): Promise<void> {
  const cases = [
    { name: '30-page .docx (600 numbered paragraphs, 300-row table with merged cells)', file: 'thirty.docx', bytes: new Uint8Array(await thirtyPagePlan()), read: readDocx },
    { name: '5,000-paragraph .docx', file: 'long.docx', bytes: new Uint8Array(await longPlan(5000, 60)), read: readDocx },
    { name: 'sample saved page .html', file: 'page.html', bytes: new Uint8Array(readFileSync(join(import.meta.dirname, '../test/fixtures/formats/html/sample-plan.html'))), read: readHtml },
  ];
  for (const c of cases) {
    for (let i = 0; i < 3; i++) await parseDocument(c.bytes, c.file); // warm-up
    const read: number[] = [];
    const whole: number[] = [];
    let tasks = 0;
    for (let i = 0; i < 10; i++) {
      let t0 = performance.now();
      await c.read(c.bytes, c.file);
      read.push(performance.now() - t0);
      t0 = performance.now();
      tasks = (await parseDocument(c.bytes, c.file)).tasks.length;
      whole.push(performance.now() - t0);
    }
    const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(1);
    console.log(`  ${c.name}: ${(c.bytes.length / 1024).toFixed(0)} KB, ${tasks} tasks; read ${med(read)} ms, read + extract ${med(whole)} ms (median of 10); rss ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB`);
  }
}
