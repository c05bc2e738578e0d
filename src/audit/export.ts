import { BOM, guardFormula, quoteCsv } from '../ledger/export/csv.js';
import type { AuditEntry } from './log.js';

/**
 * The audit log as a table people open: one row per entry, newest first,
 * times in Asia/Shanghai. CSV (UTF-8 with BOM, formula-guarded) and Excel;
 * JSON keeps the entries as stored.
 */

export const AUDIT_COLUMNS = ['时间', '租户', '操作', '操作人', '姓名', '群', '对象', '详情', '编号'] as const;

const ACTION_LABEL: Record<AuditEntry['action'], string> = {
  bind: '绑定',
  unbind: '解绑',
  report: '报告进展',
  confirm: '办结',
  return: '退回',
  'plan-load': '载入工作要点',
  'holiday-load': '载入节假日通知',
};

/** "2026-12-04 17:30:05" in Asia/Shanghai (fixed +08:00). */
export function shanghaiTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export function auditRows(entries: readonly AuditEntry[]): string[][] {
  return entries.map((e) => [
    shanghaiTime(e.at),
    e.tenant,
    ACTION_LABEL[e.action] ?? e.action,
    e.by,
    e.byName ?? '',
    e.chatId ?? '',
    e.subject,
    Object.entries(e.detail)
      .map(([k, v]) => `${k}=${v}`)
      .join('; '),
    e.id,
  ]);
}

export function auditCsv(entries: readonly AuditEntry[]): string {
  const line = (cells: readonly string[]) => cells.map((c) => quoteCsv(guardFormula(c))).join(',');
  return `${BOM}${[line(AUDIT_COLUMNS), ...auditRows(entries).map(line)].join('\r\n')}\r\n`;
}

export async function auditXlsx(entries: readonly AuditEntry[]): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('审计日志', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = AUDIT_COLUMNS.map((header, i) => ({ header, width: [20, 14, 12, 24, 10, 22, 28, 48, 18][i] }));
  ws.getRow(1).font = { bold: true };
  // Cells are written as strings: a report text starting with "=" stays text.
  for (const row of auditRows(entries)) ws.addRow(row);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
