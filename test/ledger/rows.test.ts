import { describe, expect, it } from 'vitest';
import { columnsFor, joinPath, ledgerRows, NO_LEAD, splitsByClause, timeLabel } from '../../src/ledger/rows.js';
import { loadLedger } from './fixtures.js';

const county = loadLedger('county-plan.json');
const [doc] = ledgerRows(county);
const rowsBySeq = new Map(doc!.rows.map((r) => [r.seq, r]));

describe('ledgerRows', () => {
  it('prints one row per task, and one per clause only where clause leads differ', () => {
    expect(doc!.rows.map((r) => r.seq)).toEqual(['一（一）-1', '一（一）-2', '一（二）', '二（一）1', '二（一）2']);
  });

  it('gives each clause row its own leads, co units and the time limits written in that clause', () => {
    const first = rowsBySeq.get('一（一）-1')!;
    const second = rowsBySeq.get('一（一）-2')!;
    expect(first.lead).toBe('县财政局');
    expect(first.co).toBe('');
    expect(first.deadline).toBe('7月底前（2024-07-31）');
    expect(first.task).toBe('推进财政信息公开：做好预算决算公开，7月底前完成部门预算公开。');
    expect(second.lead).toBe('县审计局');
    expect(second.co).toBe('各乡镇');
    expect(second.deadline).toBe('每季度（按季度）');
    expect(first.ref).toEqual({ file: 'wutong-2024.txt', taskId: 'wutong-2024#一（一）', clauseIndex: 0 });
  });

  it('keeps a task whole when its clauses name the same leads in another order', () => {
    const task = county.documents[0]!.tasks[1]!;
    expect(splitsByClause(task)).toBe(false);
    const row = rowsBySeq.get('一（二）')!;
    expect(row.lead).toBe('县发改局、县市场监管局');
    expect(row.co).toBe('县税务局');
    expect(row.deadline).toBe('签发后3个工作日内');
    expect(row.task.startsWith('优化营商环境信息公开：涉企政策签发后3个工作日内公开')).toBe(true);
    expect(row.task).not.toContain('\n');
  });

  it('says the document names no lead, and labels inferred units as inferred', () => {
    expect(rowsBySeq.get('二（一）1')!.lead).toBe(`${NO_LEAD}；各乡镇（推断）、县直各部门（推断）`);
    expect(rowsBySeq.get('二（一）2')!.lead).toBe(NO_LEAD);
  });

  it('formats deadlines with their date and flags those already past at issue', () => {
    expect(rowsBySeq.get('二（一）1')!.deadline).toBe('2月底前（2024-02-29，印发时已过）；年底前（2024-12-31）');
    expect(rowsBySeq.get('二（一）2')!.deadline).toBe('每年（按年）');
  });

  it('names the source document by title and file', () => {
    for (const row of doc!.rows) expect(row.source).toBe('梧桐县2024年政务公开工作要点（wutong-2024.txt）');
  });

  it('falls back to the file name when a document has no title', () => {
    const ledger = loadLedger('county-plan.json');
    ledger.documents[0]!.title = '';
    expect(ledgerRows(ledger)[0]!.rows[0]!.source).toBe('wutong-2024.txt');
  });

  it('shortens long task text to an excerpt', () => {
    const ledger = loadLedger('county-plan.json');
    const task = ledger.documents[0]!.tasks[3]!;
    task.text = `加强培训。${'组织开展业务培训'.repeat(30)}`;
    const row = ledgerRows(ledger, { excerptChars: 20 })[0]!.rows.at(-1)!;
    expect(row.task).toBe(`加强培训：${'组织开展业务培训'.repeat(3).slice(0, 20)}…`);
  });

  it('shows a task-level limit that no clause text contains on every clause row rather than dropping it', () => {
    const ledger = loadLedger('county-plan.json');
    ledger.documents[0]!.tasks[0]!.deadlines.push({ text: '年内', date: '2024-12-31', pastAtIssue: false });
    const rows = ledgerRows(ledger)[0]!.rows.filter((r) => r.ref.taskId === 'wutong-2024#一（一）');
    expect(rows.map((r) => r.deadline)).toEqual(['7月底前（2024-07-31）；年内（2024-12-31）', '年内（2024-12-31）；每季度（按季度）']);
  });

  it('leaves live columns out unless progress data is supplied, then fills them per row', () => {
    expect(columnsFor(doc!.rows).map((c) => c.header)).toEqual(['序号', '任务', '牵头单位', '责任单位', '时限', '来源']);
    expect(doc!.rows[0]!.status).toBeUndefined();

    const live = ledgerRows(county, {
      extras: (ref) => (ref.taskId === 'wutong-2024#一（二）' ? { status: '进行中', progress: '已公开12项', updatedAt: '2024-04-01 10:00' } : undefined),
    })[0]!;
    expect(columnsFor(live.rows).map((c) => c.header)).toEqual(['序号', '任务', '牵头单位', '责任单位', '时限', '来源', '状态', '最新进展', '更新时间']);
    const row = live.rows.find((r) => r.seq === '一（二）')!;
    expect([row.status, row.progress, row.updatedAt]).toEqual(['进行中', '已公开12项', '2024-04-01 10:00']);
    expect(live.rows.find((r) => r.seq === '二（一）2')!.status).toBeUndefined();
  });
});

describe('joinPath', () => {
  it('joins numbering the way people cite an item', () => {
    expect(joinPath(['三、', '（一）', '1.'])).toBe('三（一）1');
    expect(joinPath(['三、', '（二）', '2、', '(1)'])).toBe('三（二）2(1)');
    expect(joinPath(['一、', '①'])).toBe('一①');
    expect(joinPath(['1.', '2.'])).toBe('1.2');
  });
});

describe('timeLabel', () => {
  it('labels every recurrence rule in Chinese', () => {
    const rules = ['weekly', 'monthly', 'quarterly', 'semiannual', 'annual'] as const;
    expect(timeLabel([], rules.map((rule) => ({ text: 'X', rule })), [])).toBe('X（按周）；X（按月）；X（按季度）；X（按半年）；X（按年）');
  });
});
