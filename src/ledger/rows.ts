import type { Clause, Deadline, Ledger, PlanDocument, Recurring, RecurrenceRule, Relative, Task } from '../plan/schema.js';

/**
 * The ledger as a supervision office prints it: one row per task, or one row
 * per clause when the clauses of a task name different leads (each clause is
 * then chased separately). Pure: exporters and the live `/台账` command share it.
 */

export interface LedgerRow {
  /** 序号: the numbering path joined as people write it, e.g. "三（一）1"; clause rows add "-1", "-2". */
  seq: string;
  /** 任务: heading phrase plus a short excerpt of the text. */
  task: string;
  /** 牵头单位 (explicit leads; or the "not stated" label plus inferred units). */
  lead: string;
  /** 责任单位. */
  co: string;
  /** 时限. */
  deadline: string;
  /** 来源. */
  source: string;
  /** Live-ledger columns; undefined when the ledger has no progress data. */
  status?: string;
  progress?: string;
  updatedAt?: string;
  /** Back-references so callers can join rows with their own data. */
  ref: { file: string; taskId: string; clauseIndex?: number };
}

export type RowExtras = Pick<LedgerRow, 'status' | 'progress' | 'updatedAt'>;

export interface DocumentRows {
  file: string;
  title: string;
  issuer: string;
  docNumber: string;
  issuedOn: string;
  rows: LedgerRow[];
}

export type ColumnKey = 'seq' | 'task' | 'lead' | 'co' | 'deadline' | 'source' | 'status' | 'progress' | 'updatedAt';

export interface Column {
  key: ColumnKey;
  header: string;
  /** Width in Excel character units, for people reading the sheet. */
  width: number;
}

export const BASE_COLUMNS: readonly Column[] = [
  { key: 'seq', header: '序号', width: 12 },
  { key: 'task', header: '任务', width: 60 },
  { key: 'lead', header: '牵头单位', width: 26 },
  { key: 'co', header: '责任单位', width: 26 },
  { key: 'deadline', header: '时限', width: 28 },
  { key: 'source', header: '来源', width: 30 },
];

export const LIVE_COLUMNS: readonly Column[] = [
  { key: 'status', header: '状态', width: 10 },
  { key: 'progress', header: '最新进展', width: 40 },
  { key: 'updatedAt', header: '更新时间', width: 18 },
];

export const NO_LEAD = '文件未明确牵头单位';
export const INFERRED = '（推断）';

const RULE_LABEL: Record<RecurrenceRule, string> = {
  weekly: '按周',
  monthly: '按月',
  quarterly: '按季度',
  semiannual: '按半年',
  annual: '按年',
};

export interface RowOptions {
  /** Longest task excerpt in characters (after the title); default 80. */
  excerptChars?: number;
  /** Progress data for the live ledger, looked up per row. */
  extras?: (ref: LedgerRow['ref'], task: Task, doc: PlanDocument) => RowExtras | undefined;
}

/**
 * Columns to print for these rows: the live block (all three, so the layout
 * does not shift with the data) only when some row carries progress.
 */
export function columnsFor(rows: readonly LedgerRow[]): Column[] {
  const live = rows.some((r) => LIVE_COLUMNS.some((c) => r[c.key] !== undefined));
  return live ? [...BASE_COLUMNS, ...LIVE_COLUMNS] : [...BASE_COLUMNS];
}

export function cellValue(row: LedgerRow, key: ColumnKey): string {
  return row[key] ?? '';
}

export function ledgerRows(ledger: Ledger, options: RowOptions = {}): DocumentRows[] {
  return ledger.documents.map((doc) => ({
    file: doc.file,
    title: doc.title,
    issuer: doc.issuer,
    docNumber: doc.docNumber,
    issuedOn: doc.issuedOn,
    rows: doc.tasks.flatMap((task) => taskRows(task, doc, options)),
  }));
}

function taskRows(task: Task, doc: PlanDocument, options: RowOptions): LedgerRow[] {
  const seq = joinPath(task.path);
  const source = sourceLabel(doc);
  const limit = options.excerptChars ?? 80;
  const withExtras = (row: Omit<LedgerRow, keyof RowExtras>): LedgerRow => {
    const extras = options.extras?.(row.ref, task, doc);
    return extras ? { ...row, ...stripUndefined(extras) } : row;
  };

  if (!splitsByClause(task)) {
    return [
      withExtras({
        seq,
        task: taskLabel(task.title, bodyAfterTitle(task.text, task.title), limit),
        lead: leadLabel(task.leads, task.impliedLeads),
        co: task.co.join('、'),
        deadline: timeLabel(task.deadlines, task.recurring, task.relative),
        source,
        ref: { file: doc.file, taskId: task.id },
      }),
    ];
  }

  const limits = attributeLimits(task);
  return task.clauses.map((clause, i) =>
    withExtras({
      seq: `${seq}-${i + 1}`,
      task: taskLabel(task.title, bodyAfterTitle(clause.text, task.title), limit),
      // Implied leads are task-level guesses; a clause row only shows what its own annotation says.
      lead: leadLabel(clause.leads, []),
      co: clause.co.join('、'),
      deadline: timeLabel(limits[i]!.deadlines, limits[i]!.recurring, limits[i]!.relative),
      source,
      ref: { file: doc.file, taskId: task.id, clauseIndex: i },
    }),
  );
}

/** Split only when the clauses would be chased by different offices. */
export function splitsByClause(task: Task): boolean {
  if (task.clauses.length < 2) return false;
  const key = (c: Clause) => [...c.leads].sort().join('\u0000');
  const first = key(task.clauses[0]!);
  return task.clauses.some((c) => key(c) !== first);
}

/**
 * Time limits for each clause: the clause's own, plus task-level ones whose
 * phrase occurs in the clause text. A task-level limit found in no clause
 * cannot be placed, so every clause row shows it rather than dropping it.
 */
function attributeLimits(task: Task): Array<{ deadlines: Deadline[]; recurring: Recurring[]; relative: Relative[] }> {
  const result = task.clauses.map((c) => ({
    deadlines: [...c.deadlines],
    recurring: [...c.recurring],
    relative: [] as Relative[],
  }));
  const place = <T extends { text: string }>(items: T[], pick: (r: (typeof result)[number]) => T[], same: (a: T, b: T) => boolean) => {
    for (const item of items) {
      const owners = task.clauses.flatMap((c, i) => (c.text.includes(item.text) ? [i] : []));
      const targets = owners.length > 0 ? owners : task.clauses.map((_, i) => i);
      for (const i of targets) {
        const list = pick(result[i]!);
        if (!list.some((x) => same(x, item))) list.push(item);
      }
    }
  };
  place(task.deadlines, (r) => r.deadlines, (a, b) => a.text === b.text && a.date === b.date);
  place(task.recurring, (r) => r.recurring, (a, b) => a.text === b.text && a.rule === b.rule);
  place(task.relative, (r) => r.relative, (a, b) => a.text === b.text);
  return result;
}

/** ["三、", "（一）", "1."] -> "三（一）1": drop the list punctuation people omit when citing an item. */
export function joinPath(path: readonly string[]): string {
  let out = '';
  for (const raw of path) {
    const part = raw.trim().replace(/[、.．,，:：\s]+$/u, '');
    // Two bare numbers in a row would run together ("1" + "2" = "12"); keep them apart.
    if (/\d$/u.test(out) && /^\d/u.test(part)) out += '.';
    out += part;
  }
  return out;
}

/** The text with the heading phrase removed when it opens the text (it is already shown). */
function bodyAfterTitle(text: string, title: string): string {
  const t = text.trim();
  const h = title.trim();
  if (h && t.startsWith(h)) return t.slice(h.length).replace(/^[。．.；;：:，,\s]+/u, '');
  return t;
}

function taskLabel(title: string, body: string, limit: number): string {
  const excerpt = truncate(body.replace(/\s+/gu, ' ').trim(), limit);
  const head = title.trim();
  if (!head) return excerpt;
  if (!excerpt) return head;
  return `${head}：${excerpt}`;
}

function truncate(text: string, limit: number): string {
  const chars = Array.from(text);
  return chars.length <= limit ? text : `${chars.slice(0, limit).join('')}…`;
}

export function leadLabel(leads: readonly string[], implied: readonly string[]): string {
  if (leads.length > 0) return leads.join('、');
  if (implied.length === 0) return NO_LEAD;
  return `${NO_LEAD}；${implied.map((u) => `${u}${INFERRED}`).join('、')}`;
}

/** "7月底前（2023-07-31）；每季度（按季度）；签发后3个工作日内". */
export function timeLabel(deadlines: readonly Deadline[], recurring: readonly Recurring[], relative: readonly Relative[]): string {
  return [
    ...deadlines.map((d) => `${d.text}（${d.date}${d.pastAtIssue ? '，印发时已过' : ''}）`),
    ...recurring.map((r) => `${r.text}（${RULE_LABEL[r.rule]}）`),
    ...relative.map((r) => r.text),
  ].join('；');
}

function sourceLabel(doc: PlanDocument): string {
  const title = doc.title.trim();
  return title ? `${title}（${doc.file}）` : doc.file;
}

function stripUndefined(extras: RowExtras): RowExtras {
  const out: RowExtras = {};
  if (extras.status !== undefined) out.status = extras.status;
  if (extras.progress !== undefined) out.progress = extras.progress;
  if (extras.updatedAt !== undefined) out.updatedAt = extras.updatedAt;
  return out;
}
