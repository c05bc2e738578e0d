import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../../src/plan/parse.js';

/** The sample plan as Word (.docx, its LibreOffice re-save, .doc) and as saved pages (UTF-8, GBK): one ledger. */
const FILES = ['word/sample-plan.docx', 'word/libreoffice-resaved.docx', 'word/sample-plan.doc', 'html/sample-plan.html', 'html/sample-plan-gbk.htm'];

describe('the sample plan in every Word and web format', () => {
  it('gives the same tasks, paths, leads, co-units and dates', async () => {
    const ledgers = await Promise.all(
      FILES.map(async (f) => {
        const doc = await parseDocument(new Uint8Array(readFileSync(join(import.meta.dirname, '../../fixtures/formats', f))), f.split('/')[1]!);
        return { title: doc.title, docNumber: doc.docNumber, tasks: doc.tasks.map((t) => [t.path.join(''), t.leads, t.co, t.deadlines.map((d) => d.date)]) };
      }),
    );
    expect(ledgers[0]!.tasks).toHaveLength(9);
    for (const [i, l] of ledgers.entries()) expect(l, FILES[i]).toEqual(ledgers[0]);
  });
});
