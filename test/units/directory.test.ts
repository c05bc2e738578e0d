import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UnitDirectory, UnitDirectoryError } from '../../src/units/directory.js';
import { isGenericUnitName } from '../../src/units/normalize.js';
import { parsedSeedsLedger } from '../fixtures/search/seed-ledgers.js';

const YAML = `
# 测试目录
units:
  - name: 松阳县发展和改革局
    aliases: [县发改局]
    chat: oc_fagai
  - name: 松阳县财政局
    aliases: []
  - name: 丽水市财政局
    aliases: [市财政局]
  - name: 松阳县人民政府办公室
    aliases: [县府办]
  - name: 松阳县大数据发展中心
`;

const dir = UnitDirectory.fromYaml(YAML);
const name = (q: string) => dir.resolve(q).unit?.name;

describe('UnitDirectory.resolve', () => {
  it('finds a unit by canonical name, alias, or any usual abbreviation of either', () => {
    expect(name('县发改局')).toBe('松阳县发展和改革局');
    expect(name('县发展改革局')).toBe('松阳县发展和改革局');
    expect(name('松阳县发改局')).toBe('松阳县发展和改革局');
    expect(name('发改局')).toBe('松阳县发展和改革局');
    expect(name('发展改革部门')).toBe('松阳县发展和改革局');
    expect(name('县政府办公室')).toBe('松阳县人民政府办公室');
    expect(name('县人民政府办公室')).toBe('松阳县人民政府办公室');
    expect(name(' 县 府 办 ')).toBe('松阳县人民政府办公室');
  });

  it('keeps levels apart: 县财政局 and 市财政局 are different offices', () => {
    expect(name('县财政局')).toBe('松阳县财政局');
    expect(name('市财政局')).toBe('丽水市财政局');
  });

  it('asks which one when a name without a level fits several', () => {
    const r = dir.resolve('财政局');
    expect(r.unit).toBeUndefined();
    expect(new Set(r.suggestions)).toEqual(new Set(['松阳县财政局', '丽水市财政局']));
  });

  it('accepts a unique partial name', () => {
    expect(name('大数据中心')).toBe('松阳县大数据发展中心');
  });

  it('suggests the closest names for a misspelt unit, and nothing for an unrelated one', () => {
    expect(dir.resolve('县发该局').suggestions[0]).toBe('松阳县发展和改革局');
    expect(dir.resolve('县财正局').suggestions[0]).toBe('松阳县财政局');
    expect(dir.resolve('教育局')).toEqual({ suggestions: [] });
    expect(dir.resolve('各有关单位')).toEqual({ suggestions: [] });
  });

  it('keeps the chat binding', () => {
    expect(dir.resolve('县发改局').unit?.chat).toBe('oc_fagai');
  });
});

describe('UnitDirectory.sameUnit', () => {
  it('compares through the directory and the normalisation rules', () => {
    expect(dir.sameUnit('县发改局', '松阳县发展和改革局')).toBe(true);
    expect(dir.sameUnit('县府办', '县人民政府办公室')).toBe(true);
    expect(dir.sameUnit('县财政局', '市财政局')).toBe(false);
    expect(UnitDirectory.empty().sameUnit('人社局', '人力资源和社会保障局')).toBe(true);
    expect(UnitDirectory.empty().sameUnit('各有关单位', '县财政局')).toBe(false);
  });
});

describe('UnitDirectory.fromYaml validation', () => {
  const error = (text: string) => {
    try {
      UnitDirectory.fromYaml(text);
    } catch (e) {
      return e as UnitDirectoryError;
    }
    throw new Error('expected a UnitDirectoryError');
  };

  it('names the entry and line of a missing name', () => {
    const e = error('units:\n  - name: 县财政局\n  - aliases: [县税务]\n');
    expect(e).toBeInstanceOf(UnitDirectoryError);
    expect(e.message).toContain('第 2 个单位');
    expect(e.message).toContain('第 3 行');
    expect(e.line).toBe(3);
  });

  it('rejects a name used by two units, naming both', () => {
    const e = error('units:\n  - name: 县财政局\n    aliases: [财政]\n  - name: 县税务局\n    aliases: [财政]\n');
    expect(e.message).toContain('“财政”');
    expect(e.message).toContain('县财政局');
    expect(e.line).toBe(4);
  });

  it('reports broken YAML and a wrong shape in Chinese', () => {
    expect(error('units: [\n').message).toMatch(/不是有效的 YAML/);
    expect(error('单位: []').message).toMatch(/units/);
    expect(error('units:\n  - 县财政局\n').message).toContain('第 1 个单位');
    expect(error('units:\n  - name: 县财政局\n    chat: 123\n').message).toContain('chat');
  });
});

describe('seeds/units.yaml', () => {
  const seeds = UnitDirectory.fromYaml(readFileSync(join(import.meta.dirname, '../../seeds/units.yaml'), 'utf8'));

  it('names every specific lead and co-unit the bundled plans write, each as exactly one entry', () => {
    const written = new Set<string>();
    for (const doc of parsedSeedsLedger().documents) {
      for (const t of doc.tasks) for (const n of [...t.leads, ...t.clauses.flatMap((c) => c.leads)]) if (!isGenericUnitName(n)) written.add(n);
    }
    const unresolved = [...written].filter((n) => !seeds.resolve(n).unit);
    // 街道 (a kind of unit written beside 各乡镇) is the only class-like name left.
    expect(unresolved.filter((n) => n !== '街道')).toEqual([]);
    expect(seeds.all().every((u) => u.chat === '')).toBe(true);
  });
});
