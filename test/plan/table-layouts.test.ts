import { describe, expect, it } from 'vitest';
import { extractPlan, parsePlan } from '../../src/plan/parse.js';
import type { PlanDocument } from '../../src/plan/schema.js';
import { TEXT_LAYOUTS, toModel, toText, type Layout, type TableSpec } from '../fixtures/layouts/render.js';
import { BUSINESS, BUSINESS_LEDGER, DEPARTMENTS, DEPARTMENTS_LEDGER } from '../fixtures/layouts/specs.js';

const ledger = (doc: PlanDocument) =>
  doc.tasks.map((t) => ({
    path: t.path,
    title: t.title,
    text: t.text,
    leads: t.leads,
    co: t.co,
    dates: t.deadlines.map((d) => d.date),
    recurring: t.recurring.map((r) => r.rule),
  }));

const fromText = (spec: TableSpec, layout: Exclude<Layout, 'model'>) => parsePlan(toText(spec, layout), `${layout}.txt`);

describe('one task table, every way it is laid out', () => {
  it('gives the same tasks, leads, co-units and dates as a model table with spans, in every text layout', () => {
    const model = ledger(extractPlan(toModel(BUSINESS), 'model.docx'));
    expect(model.map(({ path, leads, co, dates, recurring }) => ({ path, leads, co, dates, recurring }))).toEqual(
      BUSINESS_LEDGER.map(({ path, leads, co, dates, recurring }) => ({ path, leads, co, dates, recurring })),
    );
    // The merged 重点任务 cell reaches every row it spans.
    model.forEach((t, i) => expect(t.text.startsWith(BUSINESS_LEDGER[i]!.area)).toBe(true));
    for (const layout of TEXT_LAYOUTS) {
      const doc = fromText(BUSINESS, layout);
      expect({ layout, title: doc.title, tasks: ledger(doc) }).toEqual({ layout, title: BUSINESS.title, tasks: model });
    }
  });

  it('takes the first 责任部门 as lead only because the notice says so, in every layout', () => {
    const expected = DEPARTMENTS_LEDGER;
    const pick = (doc: PlanDocument) => doc.tasks.map((t) => ({ leads: t.leads, co: t.co, dates: t.deadlines.map((d) => d.date) }));
    expect(pick(extractPlan(toModel(DEPARTMENTS), 'm.docx'))).toEqual(expected);
    for (const layout of TEXT_LAYOUTS) expect({ layout, tasks: pick(fromText(DEPARTMENTS, layout)) }).toEqual({ layout, tasks: expected });
  });

  it('without that notice, a 责任部门-only table gives co-units and no lead', () => {
    const spec = { ...DEPARTMENTS, intro: [] };
    for (const doc of [extractPlan(toModel(spec), 'm.docx'), ...TEXT_LAYOUTS.map((l) => fromText(spec, l))]) {
      expect(doc.tasks.map((t) => t.leads)).toEqual([[], [], []]);
      expect(doc.tasks[0]!.co).toEqual(['区财政局', '区审计局']);
      expect(doc.tasks[2]!.co).toEqual(['区发展和改革局', '区住房和城乡建设局', '区自然资源局']);
    }
  });
});
