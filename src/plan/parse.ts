import type { Clause, PlanDocument, Task } from './schema.js';
import { PlanError } from './errors.js';
import { readText } from '../doc/read-text.js';
import type { DocModel } from '../doc/model.js';
import { modelParts } from './lines.js';
import { stripFurniture } from './furniture.js';
import { buildTree, type ItemNode } from './structure.js';
import { readMeta } from './metadata.js';
import { findAnnotations, findImpliedLeads, type Annotation } from './leads.js';
import { deadlineCell, findDeadlines, findRecurring, findRelative } from './time.js';
import { isGenericUnit } from './units.js';
import { firstUnitLeads, readTable } from './table.js';

/**
 * Parse one work plan (UTF-8 or GB18030 bytes, or already-decoded text) into
 * its ledger. Pure: no I/O. Throws PlanError (Chinese message) for empty,
 * binary, oversized or task-less documents.
 */
export function parsePlan(input: string | Uint8Array, file: string): PlanDocument {
  return extractPlan(readText(input, file), file);
}

/** The ledger of a document in the shared model, whatever format it was read from. Pure. */
export function extractPlan(model: DocModel, file: string): PlanDocument {
  // Table blocks are read by the table reader; the numbering tree sees the prose only.
  const parts = modelParts(model);
  const blocks = parts.tables;
  // Page furniture never reaches a task; a crawled page's header still tells the metadata.
  const { lines, fields } = stripFurniture(parts.lines);
  const tables = blocks.flatMap((b) => {
    const rows = readTable(b.table, b.block);
    return rows.length ? [{ line: b.line, rows }] : [];
  });
  const { roots, bodyStart } = buildTree(lines);
  const meta = readMeta(lines, firstBodyLine(bodyStart, tables), file, fields);
  const key = file.replace(/\.[^.]+$/, '');

  const tasks: Task[] = [];
  const seen = new Set<string>();
  const push = (t: Omit<Task, 'id'>) => {
    let id = `${key}#${t.path.join('')}`;
    for (let n = 2; seen.has(id); n++) id = `${key}#${t.path.join('')}~${n}`;
    seen.add(id);
    tasks.push({ id, ...t });
  };

  for (const node of taskNodes(roots, meta.year)) push(fromNode(node, meta.year, meta.issuedOn));
  for (const row of tables.flatMap((t) => t.rows)) {
    const t = fromParts(row.path, row.task, meta.year, meta.issuedOn);
    t.title = splitTitle(row.title, row.title).title.replace(/[。；，\s]+$/, '');
    t.leads = union(t.leads, row.leads);
    t.co = union(t.co, row.co);
    let deadlines = row.deadline ? findDeadlines(deadlineCell(row.deadline), meta.year, meta.issuedOn) : [];
    if (row.deadline && deadlineCell(row.deadline) !== row.deadline) {
      // A bare date cell: keep the cell's own words, and don't repeat a date the task's text already gives.
      deadlines = deadlines.filter((d) => !t.deadlines.some((x) => x.date === d.date)).map((d) => ({ ...d, text: row.deadline!.trim() }));
    }
    t.deadlines = mergeBy(t.deadlines, deadlines, (d) => d.date + d.text);
    if (row.deadline) {
      t.recurring = mergeBy(t.recurring, findRecurring(row.deadline), (r) => r.rule);
      t.relative = mergeBy(t.relative, findRelative(row.deadline), (r) => r.text);
    }
    if (t.clauses.length === 0 && t.leads.length) t.clauses = [{ text: t.text, leads: t.leads, co: t.co, deadlines: t.deadlines, recurring: t.recurring }];
    t.genericUnits = [...t.leads, ...t.co].filter(isGenericUnit);
    push(t);
  }

  // "排在第一位的为牵头单位": a notice can make the first responsible unit the lead.
  // Cells joined with a mark the rule cannot match across (a table note is one cell).
  const cellText = blocks.flatMap((b) => b.table.rows.flatMap((r) => r.filter((c) => c.text.includes('牵头')).map((c) => c.text)));
  if (firstUnitLeads(lines.join('')) || firstUnitLeads(cellText.join('|'))) {
    for (const t of tasks) {
      if (t.leads.length || !t.co.length) continue;
      t.leads = [t.co[0]!];
      t.co = t.co.slice(1);
      for (const c of t.clauses) if (!c.leads.length && c.co.length) [c.leads, c.co] = [[c.co[0]!], c.co.slice(1)];
    }
  }

  if (tasks.length === 0) {
    throw new PlanError(
      'no-tasks',
      `文件 ${file} 中没有找到编号的任务条目（如“一、”“（一）”“1.”或带“牵头单位”列的表格），请确认这是一份工作要点或任务分工表`,
      file,
    );
  }
  return { file, ...meta, tasks };
}

function firstBodyLine(bodyStart: number, tables: Array<{ line: number }>): number {
  const t = tables[0]?.line ?? -1;
  if (bodyStart < 0) return t;
  return t < 0 ? bodyStart : Math.min(bodyStart, t);
}

/**
 * Tasks are the leaves of the numbering tree below the top level (top-level
 * headings like 一、总体要求 are sections); a top-level item counts when the
 * document has no deeper numbering, or when it carries its own lead
 * annotation or a time limit (a plan whose 二、 is one sentence with 争取6月完成
 * beside sections with sub-items).
 */
function taskNodes(roots: ItemNode[], year: number): ItemNode[] {
  const deep = roots.some((r) => r.children.length > 0);
  const out: ItemNode[] = [];
  const walk = (n: ItemNode, depth: number) => {
    if (n.children.length) return n.children.forEach((c) => walk(c, depth + 1));
    if (depth > 1 || !deep) return void out.push(n);
    if (findAnnotations(n.text).length || findDeadlines(n.text, year).length) out.push(n);
  };
  roots.forEach((r) => walk(r, 1));
  return out;
}

function fromNode(node: ItemNode, year: number, issuedOn: string): Omit<Task, 'id'> {
  const t = fromParts(node.path, node.text, year, issuedOn, node.head);
  // "办公室：负责…": the unit heading the paragraph answers for it (责任单位; the text names no lead).
  if (node.marker.style === 'unit' && t.leads.length === 0 && !t.co.includes(node.marker.label)) {
    // "…：牵头做好…" says it leads.
    if (/^牵头/.test(node.text.trim())) t.leads = [node.marker.label];
    else t.co = [node.marker.label, ...t.co];
    t.genericUnits = [...t.leads, ...t.co].filter(isGenericUnit);
    return t;
  }
  // An annotation on a parent item ("（一）…（牵头单位：A）" over 1. 2. 3.) covers children without their own.
  if (t.leads.length === 0 && t.co.length === 0) {
    for (let p = node.parent; p; p = p.parent) {
      const own = findAnnotations(p.text.slice(0, 400));
      if (own.length) {
        t.leads = union([], ...own.map((a) => a.leads));
        t.co = union([], ...own.map((a) => a.co));
        t.genericUnits = [...t.leads, ...t.co].filter(isGenericUnit);
        break;
      }
    }
  }
  // "…2．主要任务…。牵头单位：X，配合单位：Y" closing a group of sub-items governs the whole group.
  if (t.leads.length === 0 && t.co.length === 0) {
    const trailer = groupTrailer(node);
    if (trailer) {
      t.leads = trailer.leads;
      t.co = trailer.co;
      t.genericUnits = [...t.leads, ...t.co].filter(isGenericUnit);
    }
  }
  return t;
}

/**
 * The labelled annotation ending the last of a node's siblings, when none of
 * the other siblings names a unit: written once after the group, it covers the
 * group. Bracketed annotations ("（X牵头）") stay with their own item.
 */
function groupTrailer(node: ItemNode): { leads: string[]; co: string[] } | undefined {
  const sibs = node.parent?.children;
  const last = sibs?.at(-1);
  if (!sibs || !last || last === node || last.children.length) return undefined;
  const text = last.text.trimEnd();
  const own = findAnnotations(text);
  const a = own.at(-1);
  if (!a || a.end < text.replace(/[。；;，,\s]+$/, '').length - 1 || /^[（(]/.test(text.slice(a.start))) return undefined;
  if (sibs.some((s) => s !== last && s.children.length === 0 && findAnnotations(s.text).length)) return undefined;
  return { leads: a.leads, co: a.co };
}

function splitTitle(text: string, head: string): { title: string; bodyStart: number } {
  const firstStop = /[。！？]/.exec(head);
  if (firstStop && firstStop.index <= 80) {
    return { title: head.slice(0, firstStop.index), bodyStart: firstStop.index + 1 };
  }
  if (!firstStop && head.length <= 40 && text.length > head.length) {
    return { title: head.replace(/[：:]$/, ''), bodyStart: head.length };
  }
  const s = /[^。！？]+/.exec(text)?.[0] ?? text;
  const cut = s.length > 40 ? s.slice(0, Math.max(8, s.search(/[，；：]/) > 0 ? s.search(/[，；：]/) : 40)) : s;
  return { title: cut, bodyStart: 0 };
}

function fromParts(path: string[], text: string, year: number, issuedOn: string, head = text): Omit<Task, 'id'> {
  const { title, bodyStart } = splitTitle(text, head);
  const annotations = findAnnotations(text);
  const clauses = toClauses(text, bodyStart, annotations, year, issuedOn);
  const leads = union([], ...annotations.map((a) => a.leads));
  const co = union([], ...annotations.map((a) => a.co)).filter((u) => !leads.includes(u));
  const plain = stripAnnotations(text, annotations);
  const implied = findImpliedLeads(plain).filter((u) => !leads.includes(u) && !co.includes(u));
  return {
    path,
    title: title.replace(/[。；，\s]+$/, ''),
    text,
    leads,
    co,
    impliedLeads: implied,
    deadlines: findDeadlines(plain, year, issuedOn),
    recurring: findRecurring(plain),
    relative: findRelative(plain),
    clauses,
    genericUnits: [...leads, ...co].filter(isGenericUnit),
  };
}

function toClauses(text: string, bodyStart: number, annotations: Annotation[], year: number, issuedOn: string): Clause[] {
  const clauses: Clause[] = [];
  let from = bodyStart;
  for (const a of annotations) {
    const part = text.slice(Math.min(from, a.start), a.start).trim();
    if (part || clauses.length === 0) {
      clauses.push({
        text: part,
        leads: a.leads,
        co: a.co,
        deadlines: findDeadlines(part, year, issuedOn),
        recurring: findRecurring(part),
      });
    } else {
      // Two annotations back to back govern the same text.
      const last = clauses[clauses.length - 1]!;
      last.leads = union(last.leads, a.leads);
      last.co = union(last.co, a.co);
    }
    from = a.end;
  }
  return clauses;
}

function stripAnnotations(text: string, annotations: Annotation[]): string {
  let out = '';
  let from = 0;
  for (const a of annotations) {
    out += text.slice(from, a.start);
    from = a.end;
  }
  return out + text.slice(from);
}

function union(base: string[], ...lists: string[][]): string[] {
  const out = [...base];
  for (const l of lists) for (const u of l) if (!out.includes(u)) out.push(u);
  return out;
}

function mergeBy<T>(a: T[], b: T[], key: (x: T) => string): T[] {
  const seen = new Set(a.map(key));
  return [...a, ...b.filter((x) => !seen.has(key(x)))];
}

/** Any supported file (by content: text, Word, Excel, PDF, HTML) → its ledger. Pure apart from the readers' own work. */
export async function parseDocument(bytes: Uint8Array, file: string): Promise<PlanDocument> {
  const { readDocument } = await import('../doc/read.js');
  return extractPlan(await readDocument(bytes, file), file);
}
