import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import { z } from 'zod';
import { foldTight } from '../search/fold.js';
import { isGenericUnitName, keyString, sameKey, unitKey, withoutPlaces, type UnitKey } from './normalize.js';
import { similarity } from './similarity.js';

/**
 * The units a deployment knows: canonical name, aliases, and the chat each is
 * bound to. Everything that compares unit names (who leads what, reminders to
 * the right chat) goes through here so 发改局 and 县发展和改革局 are one office.
 */

export interface UnitEntry {
  name: string;
  aliases: string[];
  /** Chat (Lark chat_id) the unit is bound to; empty/absent when not bound yet. */
  chat?: string;
}

export const UnitEntrySchema = z.object({
  name: z.string({ error: '缺少单位名称（name）' }).trim().min(1, '单位名称（name）不能为空'),
  aliases: z.array(z.string().trim().min(1, '别名不能为空字符串'), { error: '别名（aliases）应为列表' }).default([]),
  chat: z.string({ error: '群聊（chat）应为字符串' }).optional(),
});

export const UnitsFileSchema = z.object({
  units: z.array(z.unknown(), { error: '文件应包含 units: 列表' }),
});

/** A directory file that cannot be used; the message is Chinese and names the entry and line. */
export class UnitDirectoryError extends Error {
  constructor(message: string, readonly line?: number) {
    super(message);
    this.name = 'UnitDirectoryError';
  }
}

interface Indexed {
  entry: UnitEntry;
  /** Folded name and aliases, exact. */
  exact: string[];
  keys: UnitKey[];
}

export interface Resolution {
  unit?: UnitEntry;
  suggestions: string[];
  /** The name fits several units equally ("发改局" with two counties loaded): ask which, do not say "not found". */
  ambiguous?: boolean;
}

const MAX_SUGGESTIONS = 5;

export class UnitDirectory {
  private readonly indexed: Indexed[];
  private readonly byExact = new Map<string, Indexed[]>();
  private readonly byCore = new Map<string, Indexed[]>();

  private constructor(entries: UnitEntry[]) {
    this.indexed = entries.map((entry) => {
      const names = [entry.name, ...entry.aliases];
      const exact = [...new Set(names.map(foldTight))];
      const keyList: UnitKey[] = [];
      for (const n of names) {
        keyList.push(unitKey(n));
        for (const stripped of withoutPlaces(n)) keyList.push(unitKey(stripped));
      }
      const seen = new Set<string>();
      const keys = keyList.filter((k) => !seen.has(keyString(k)) && seen.add(keyString(k)));
      return { entry, exact, keys };
    });
    for (const ix of this.indexed) {
      for (const e of ix.exact) push(this.byExact, e, ix);
      for (const k of ix.keys) push(this.byCore, k.core, ix);
    }
  }

  static empty(): UnitDirectory {
    return new UnitDirectory([]);
  }

  static fromEntries(entries: UnitEntry[]): UnitDirectory {
    return new UnitDirectory(entries.map((e) => ({ ...e, aliases: [...e.aliases] })));
  }

  /** Parse and validate a units.yaml; throws UnitDirectoryError with the entry and line at fault. */
  static fromYaml(text: string): UnitDirectory {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
    if (doc.errors.length > 0) {
      const err = doc.errors[0]!;
      const line = err.linePos?.[0]?.line;
      throw new UnitDirectoryError(`单位目录不是有效的 YAML${line ? `（第 ${line} 行）` : ''}：${err.message}`, line);
    }
    const top = UnitsFileSchema.safeParse(doc.toJS() ?? {});
    if (!top.success) throw new UnitDirectoryError(`单位目录格式错误：${top.error.issues[0]?.message ?? '应包含 units: 列表'}`);
    const seq = doc.get('units', true);
    const entries: UnitEntry[] = [];
    const owner = new Map<string, { name: string; line?: number }>();
    top.data.units.forEach((raw, i) => {
      const node = isSeq(seq) ? (seq.items[i] as Node | undefined) : undefined;
      const line = node?.range ? lines.linePos(node.range[0]).line : undefined;
      const where = `第 ${i + 1} 个单位${line ? `（第 ${line} 行）` : ''}`;
      if (!isMap(node) && (typeof raw !== 'object' || raw === null)) {
        throw new UnitDirectoryError(`${where}应写成 name/aliases/chat 的键值形式`, line);
      }
      const parsed = UnitEntrySchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const field = issue.path.length ? `字段 ${issue.path.join('.')}：` : '';
        throw new UnitDirectoryError(`${where}${field}${issue.message}`, line);
      }
      const entry: UnitEntry = { name: parsed.data.name, aliases: parsed.data.aliases, ...(parsed.data.chat !== undefined ? { chat: parsed.data.chat } : {}) };
      for (const n of [entry.name, ...entry.aliases]) {
        const f = foldTight(n);
        const prev = owner.get(f);
        if (prev && prev.name !== entry.name) {
          throw new UnitDirectoryError(`${where}的名称或别名“${n}”已被“${prev.name}”${prev.line ? `（第 ${prev.line} 行）` : ''}使用，同一名称只能指向一个单位`, line);
        }
        owner.set(f, { name: entry.name, ...(line ? { line } : {}) });
      }
      entries.push(entry);
    });
    return new UnitDirectory(entries);
  }

  all(): UnitEntry[] {
    return this.indexed.map((ix) => ix.entry);
  }

  /**
   * Find the unit a person means. Exact name/alias first, then the normalised
   * key (abbreviations, level), then with place names peeled off, then a unique
   * partial match. Several candidates or none: suggestions, closest first.
   */
  resolve(query: string): Resolution {
    const q = foldTight(query).replace(/[，。？！?!,.、:：;；"“”'‘’]+/g, '');
    if (!q) return { suggestions: [] };
    const exact = this.byExact.get(q);
    if (exact?.length === 1) return { unit: exact[0]!.entry, suggestions: [] };
    for (const name of [q, ...withoutPlaces(q)]) {
      const found = this.byKey(unitKey(name));
      if (found.length === 1) return { unit: found[0]!.entry, suggestions: [] };
      if (found.length > 1) return { suggestions: this.rank(q, found).slice(0, MAX_SUGGESTIONS), ambiguous: true };
    }
    // A class of units ("各有关单位") is not a misspelt office: no guesses.
    if (isGenericUnitName(q)) return { suggestions: [] };
    const partial = this.partial(q);
    if (partial.length === 1) return { unit: partial[0]!.entry, suggestions: [] };
    if (partial.length > 1) return { suggestions: this.rank(q, partial).slice(0, MAX_SUGGESTIONS), ambiguous: true };
    return { suggestions: this.closest(q) };
  }

  /** Same office? Through the directory when it knows either name, else by normalised key. */
  sameUnit(a: string, b: string): boolean {
    if (foldTight(a) === foldTight(b)) return true;
    if (isGenericUnitName(a) || isGenericUnitName(b)) return false;
    const ea = this.entryOf(a);
    const eb = this.entryOf(b);
    if (ea && eb) return ea === eb;
    const ka = [unitKey(a), ...withoutPlaces(a).map(unitKey)];
    const kb = [unitKey(b), ...withoutPlaces(b).map(unitKey)];
    const known = ea ?? eb;
    if (known) {
      // One side is in the directory: compare the other against all of the entry's names.
      const other = ea ? kb : ka;
      return known.keys.some((k) => other.some((o) => sameKey(k, o)));
    }
    return ka.some((x) => kb.some((y) => sameKey(x, y)));
  }

  /** Does the written `name` denote this entry (one of its names, or the same office by the normalisation rules)? */
  denotes(entry: UnitEntry, name: string): boolean {
    const ix = this.indexed.find((x) => x.entry === entry);
    if (!ix) return false;
    if (ix.exact.includes(foldTight(name))) return true;
    if (isGenericUnitName(name)) return false;
    const keys = [unitKey(name), ...withoutPlaces(name).map(unitKey)];
    return ix.keys.some((k) => keys.some((o) => sameKey(k, o) && (k.level !== '' || o.level === '' || !this.levelsDiffer(ix, o))));
  }

  /** An entry written without a level ("供电局") still differs from a levelled name when the entry has levelled names too. */
  private levelsDiffer(ix: Indexed, k: UnitKey): boolean {
    return ix.keys.some((e) => e.level !== '' && e.level !== k.level);
  }

  /** The directory entry a written name denotes, if exactly one. */
  entryOf(name: string): Indexed | undefined {
    const exact = this.byExact.get(foldTight(name));
    if (exact?.length === 1) return exact[0];
    const found = this.byKey(unitKey(name));
    return found.length === 1 ? found[0] : undefined;
  }

  private byKey(k: UnitKey): Indexed[] {
    const hits = (this.byCore.get(k.core) ?? []).filter((ix) => ix.keys.some((ik) => ik.core === k.core && sameKey(ik, k)));
    return [...new Set(hits)];
  }

  /**
   * Entries whose normalised name contains the query's core, or (for cores of
   * four characters or more) contains its characters in order: 税务 ->
   * 县税务局, 大数据中心 -> 县大数据发展中心.
   */
  private partial(q: string): Indexed[] {
    const k = unitKey(q);
    const core = k.core.replace(/§$/, '');
    if (core.length < 2) return [];
    const levelOk = (ik: UnitKey) => k.level === '' || ik.level === k.level;
    const contained = this.indexed.filter((ix) => ix.keys.some((ik) => levelOk(ik) && ik.core.includes(core)));
    if (contained.length > 0 || core.length < 4) return contained;
    return this.indexed.filter((ix) => ix.keys.some((ik) => levelOk(ik) && isSubsequence(core, ik.core)));
  }

  private rank(q: string, among: Indexed[]): string[] {
    return among
      .map((ix) => ({ name: ix.entry.name, s: this.closeness(q, ix) }))
      .sort((a, b) => b.s - a.s || a.name.localeCompare(b.name, 'zh'))
      .map((x) => x.name);
  }

  private closest(q: string): string[] {
    const scored = this.indexed
      .map((ix) => ({ name: ix.entry.name, s: this.closeness(q, ix) }))
      .filter((x) => x.s >= 0.3)
      .sort((a, b) => b.s - a.s || a.name.localeCompare(b.name, 'zh'));
    return scored.slice(0, MAX_SUGGESTIONS).map((x) => x.name);
  }

  /** Best similarity over the entry's names with and without place names; the same level counts a little. */
  private closeness(q: string, ix: Indexed): number {
    const names = [ix.entry.name, ...ix.entry.aliases];
    const variants = [...names, ...names.flatMap(withoutPlaces)];
    const base = Math.max(...variants.map((n) => similarity(q, n)));
    const level = unitKey(q).level;
    return base > 0 && level !== '' && ix.keys.some((k) => k.level === level) ? base + 0.05 : base;
  }
}

function isSubsequence(needle: string, hay: string): boolean {
  let i = 0;
  for (const ch of hay) if (ch === needle[i]) i++;
  return i === needle.length;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) {
    if (!list.includes(v)) list.push(v);
  } else m.set(k, [v]);
}
