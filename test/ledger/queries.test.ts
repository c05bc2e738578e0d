import { describe, expect, it } from 'vitest';
import { dueBetween, ledgerDirectory, tasksForUnit } from '../../src/ledger/queries.js';
import type { Ledger } from '../../src/plan/schema.js';
import { foldTight } from '../../src/search/fold.js';
import { UnitDirectory, type UnitEntry } from '../../src/units/directory.js';
import { isGenericUnitName, sameKey, unitKey } from '../../src/units/normalize.js';
import { seedPlans } from '../transcripts/seeds.js';
import { LISHUI, SONGYANG, plan } from '../fixtures/search/ledgers.js';

const ledger = { documents: [SONGYANG, LISHUI] };
const none = UnitDirectory.empty();

describe('tasksForUnit', () => {
  it('lists what a unit leads, understanding abbreviations of the name as written', () => {
    const r = tasksForUnit(ledger, none, '县发改局');
    if (r.unit === undefined) throw new Error(`unresolved: ${r.suggestions.join('/')}`);
    expect(r.unit).toBe('县发展和改革局');
    expect(r.lead.map((t) => t.path.join(''))).toEqual(['一、（一）']);
    // Clause-level: the unit leads one clause of the item, and is shown with that clause.
    expect(r.lead[0]?.clause).toContain('企业投资项目审批');
    expect(r.lead[0]?.unitAsWritten).toBe('县发展和改革局');
  });

  it('uses the directory: aliases and canonical names find the same unit', () => {
    const dir = UnitDirectory.fromEntries([{ name: '松阳县人民政府办公室', aliases: ['县府办'] }]);
    for (const q of ['县府办', '县政府办公室', '松阳县人民政府办公室']) {
      const r = tasksForUnit(ledger, dir, q);
      expect(r.unit).toBe('松阳县人民政府办公室');
      if (r.unit) expect(r.lead.map((t) => t.unitAsWritten)).toEqual(['县府办']);
    }
  });

  it('lists co-responsible items apart from led ones', () => {
    const r = tasksForUnit(ledger, none, '市财政局');
    if (!r.unit) throw new Error('unresolved');
    expect(r.lead).toEqual([]);
    expect(r.co.map((t) => t.title)).toEqual(['加强减税降费政策公开']);
  });

  it('shows items led by a class of units ("各有关单位") separately, only for plans that name the unit', () => {
    const r = tasksForUnit(ledger, none, '县府办');
    if (!r.unit) throw new Error('unresolved');
    expect(r.generic.map((t) => t.unitAsWritten)).toEqual(['各有关单位']);
    expect(r.generic.every((t) => t.generic === true)).toBe(true);
    const city = tasksForUnit(ledger, none, '市委网信办');
    if (!city.unit) throw new Error('unresolved');
    expect(city.generic).toEqual([]);
  });

  it('sorts by the nearest deadline, from today when given', () => {
    const doc = plan('x.txt', { title: '某县2023年工作要点', issuer: '某县人民政府办公室', year: 2023 }, [
      { path: ['一、'], title: '甲', leads: ['县财政局'], deadlines: [{ text: '12月底前', date: '2023-12-31' }] },
      { path: ['二、'], title: '乙', leads: ['县财政局'] },
      { path: ['三、'], title: '丙', leads: ['县财政局'], deadlines: [{ text: '3月底前', date: '2023-03-31' }] },
      { path: ['四、'], title: '丁', leads: ['县财政局'], deadlines: [{ text: '6月底前', date: '2023-06-30' }] },
    ]);
    const r = tasksForUnit({ documents: [doc] }, none, '财政局');
    if (!r.unit) throw new Error('unresolved');
    expect(r.lead.map((t) => t.title)).toEqual(['丙', '丁', '甲', '乙']);
    const fromMay = tasksForUnit({ documents: [doc] }, none, '财政局', { today: '2023-05-01' });
    if (!fromMay.unit) throw new Error('unresolved');
    expect(fromMay.lead.map((t) => t.title)).toEqual(['丁', '甲', '丙', '乙']);
  });

  it('asks which one when the name fits units at several levels, and suggests for unknown names', () => {
    const r = tasksForUnit(ledger, none, '税务局');
    expect(r.unit).toBeUndefined();
    if (r.unit === undefined) expect(new Set(r.suggestions)).toEqual(new Set(['县税务局', '市税务局']));
    const typo = tasksForUnit(ledger, none, '县大树据发展中心');
    expect(typo.unit).toBeUndefined();
    if (typo.unit === undefined) expect(typo.suggestions[0]).toBe('县大数据发展中心');
  });
});

describe('dueBetween', () => {
  it('lists stated deadlines inside the window, by date, with the clause\'s own lead', () => {
    const items = dueBetween(ledger, '2023-06-01', '2023-09-30').filter((i) => i.kind === 'deadline');
    expect(items.map((i) => [i.date, i.text, i.leads.join('、')])).toEqual([
      ['2023-06-30', '6月底前', '县税务局'],
      ['2023-09-30', '9月底前', '县大数据发展中心'],
    ]);
  });

  it('includes both ends of the window', () => {
    expect(dueBetween(ledger, '2023-06-30', '2023-06-30').some((i) => i.text === '6月底前')).toBe(true);
    expect(dueBetween(ledger, '2023-07-01', '2023-09-29').some((i) => i.kind === 'deadline')).toBe(false);
  });

  it('places recurring duties at their period ends in the plan year', () => {
    const rec = (from: string, to: string) =>
      dueBetween(ledger, from, to)
        .filter((i) => i.kind === 'recurring')
        .map((i) => `${i.date} ${i.rule}`)
        .sort();
    // monthly: every month end; quarterly: quarter ends; semiannual: 6-30 and 12-31; annual: 12-31.
    expect(rec('2023-01-01', '2023-03-31')).toEqual(['2023-01-31 monthly', '2023-02-28 monthly', '2023-03-31 monthly', '2023-03-31 quarterly']);
    expect(rec('2023-06-30', '2023-06-30')).toEqual(['2023-06-30 monthly', '2023-06-30 quarterly', '2023-06-30 semiannual']);
    expect(rec('2023-12-31', '2023-12-31')).toEqual(['2023-12-31 annual', '2023-12-31 monthly', '2023-12-31 quarterly', '2023-12-31 semiannual']);
    // Not in other years.
    expect(rec('2024-01-01', '2024-12-31')).toEqual([]);
  });

  it('places weekly duties on Fridays', () => {
    const doc = plan('w.txt', { title: '某区2024年工作要点', issuer: '某区', year: 2024 }, [
      { path: ['一、'], title: '周调度', leads: ['区应急管理局'], recurring: [{ text: '每周', rule: 'weekly' }] },
    ]);
    const dates = dueBetween({ documents: [doc] }, '2024-03-01', '2024-03-31').map((i) => i.date);
    expect(dates).toEqual(['2024-03-01', '2024-03-08', '2024-03-15', '2024-03-22', '2024-03-29']);
  });

  it('returns nothing for an empty window', () => {
    expect(dueBetween(ledger, '2023-05-01', '2023-05-30').filter((i) => i.kind === 'deadline')).toEqual([]);
  });
});

/**
 * The grouping ledgerDirectory did before it was keyed: every name compared
 * with every entry so far (quadratic; kept here as the reference).
 */
function pairwiseDirectory(ledger: Ledger, units: UnitDirectory): UnitEntry[] {
  const extra: UnitEntry[] = [];
  for (const doc of ledger.documents) {
    for (const t of doc.tasks) {
      for (const name of [...t.leads, ...t.co, ...t.clauses.flatMap((c) => [...c.leads, ...c.co])]) {
        if (units.entryOf(name)) continue;
        const k = unitKey(name);
        const same = isGenericUnitName(name)
          ? extra.find((e) => foldTight(e.name) === foldTight(name))
          : extra.find((e) => sameKey(unitKey(e.name), k) && unitKey(e.name).level === k.level);
        if (!same) extra.push({ name, aliases: [] });
        else if (foldTight(same.name) !== foldTight(name) && !same.aliases.includes(name)) same.aliases.push(name);
      }
    }
  }
  return [...units.all(), ...extra];
}

describe('ledgerDirectory', () => {
  const seeds = seedPlans();

  it('groups the seeds’ unit names exactly as the pairwise comparison did (with and without units.yaml)', () => {
    for (const units of [seeds.units, UnitDirectory.empty()]) {
      const expected = pairwiseDirectory(seeds.ledger, units);
      expect(ledgerDirectory(seeds.ledger, units).all()).toEqual(expected);
    }
    // Not vacuous: the seeds name dozens of offices and classes of units.
    const all = pairwiseDirectory(seeds.ledger, UnitDirectory.empty());
    expect(all.length).toBeGreaterThan(40);
    expect(all.some((e) => isGenericUnitName(e.name))).toBe(true);
  });

  it('merges two spellings of one office at the same level, keeps levels and classes apart', () => {
    const task = (leads: string[], co: string[] = []) => ({ ...SONGYANG.tasks[0]!, leads, co, clauses: [] });
    const l: Ledger = {
      documents: [{ ...SONGYANG, tasks: [task(['县发改局', '市发改委']), task(['县发展和改革局'], ['各有关单位']), task(['各有关单位', '县发展改革局'])] }],
    };
    const entries = ledgerDirectory(l, UnitDirectory.empty()).all();
    expect(entries).toEqual([
      { name: '县发改局', aliases: ['县发展和改革局', '县发展改革局'] },
      { name: '市发改委', aliases: [] },
      { name: '各有关单位', aliases: [] },
    ]);
    expect(entries).toEqual(pairwiseDirectory(l, UnitDirectory.empty()));
  });

  it('is built once per loaded ledger and directory', () => {
    expect(ledgerDirectory(seeds.ledger, seeds.units)).toBe(ledgerDirectory(seeds.ledger, seeds.units));
  });
});
