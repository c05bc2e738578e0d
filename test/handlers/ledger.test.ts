import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingMessage } from '../../src/chat/types.js';
import { dirFileSink, larkFileSink, type FileSink } from '../../src/summary/file-sink.js';
import { FIN1, FIN_CHAT, OUTSIDER, LOBBY, startSummaryBot, SUP, SUP_CHAT, type SummaryBot } from '../summary/bot-harness.js';
import { useTestRedis } from '../support/redis.js';

const t = useTestRedis('handler-ledger');

/** Keeps what would have been uploaded. */
class Captured implements FileSink {
  files: Array<{ chatId: string; name: string; data: Buffer }> = [];
  async send(message: IncomingMessage, file: { name: string; data: Buffer }) {
    this.files.push({ chatId: message.chatId, ...file });
    return { kind: 'uploaded' as const };
  }
}

async function sheets(data: Buffer): Promise<Map<string, string[][]>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data as unknown as ArrayBuffer);
  const out = new Map<string, string[][]>();
  wb.eachSheet((ws) => {
    const rows: string[][] = [];
    ws.eachRow((r) => rows.push((r.values as unknown[]).slice(1).map((v) => (v == null ? '' : String(v)))));
    out.set(ws.name, rows);
  });
  return out;
}

const sink = new Captured();
let h: SummaryBot;

beforeAll(async () => {
  h = await startSummaryBot(t, 'ledger', { files: sink });
});
afterAll(() => h.close());

describe('/台账', () => {
  it('a supervisor gets an .xlsx of every plan with status, latest note and last update per row', async () => {
    const text = await h.say(SUP, SUP_CHAT, '/台账');
    expect(text).toBe('已发送台账文件 台账-2025-07-03.xlsx（2 份文件、10 行，含状态、最新进展、更新时间）。');
    const file = sink.files.at(-1)!;
    expect(file).toMatchObject({ chatId: SUP_CHAT, name: '台账-2025-07-03.xlsx' });
    const book = await sheets(file.data);
    expect([...book.keys()]).toEqual(['2025年桃源县重点工作安排', '2025年桃源县营商环境工作要点']);
    const main = book.get('2025年桃源县重点工作安排')!;
    expect(main[0]).toEqual(['序号', '任务', '牵头单位', '责任单位', '时限', '来源', '状态', '最新进展', '更新时间']);
    const bySeq = new Map(main.slice(1).map((r) => [r[0], r]));
    expect(bySeq.size).toBe(9);
    expect(bySeq.get('一（一）')!.slice(6)).toEqual(['推进中（红灯）', '已汇总各部门预算', '2025-06-10 09:00']);
    // A split item: one row per clause, each with its own lead's state.
    expect(bySeq.get('一（二）-1')!.slice(6)).toEqual(['待确认（绿灯）', '清单已印发', '2025-07-01 15:00']);
    expect(bySeq.get('一（二）-2')!.slice(6)).toEqual(['有困难（黄灯）', '推送平台尚未上线', '2025-07-02 11:00']);
    // Two leads on one row: each unit's state.
    expect(bySeq.get('三（三）')![6]).toBe('县财政局：已办结（绿灯）；县住建局：未启动（黄灯）');
    // A class of units leads: not tracked per unit, left blank.
    expect(bySeq.get('三（一）')![6]).toBe('');
    const other = book.get('2025年桃源县营商环境工作要点')!;
    expect(other[1]!.slice(6)).toEqual(['推进中（黄灯）', '已清偿六成', '2025-07-03 09:00']);
  });

  it('a unit member gets their own unit’s rows; a supervisor may ask for any unit', async () => {
    await h.say(FIN1, FIN_CHAT, '/台账');
    const mine = await sheets(sink.files.at(-1)!.data);
    expect(sink.files.at(-1)!.name).toBe('台账-县财政局-2025-07-03.xlsx');
    const seqs = [...mine.values()].flatMap((rows) => rows.slice(1).map((r) => r[0]));
    expect(seqs).toEqual(['一（一）', '一（二）-1', '三（三）', '一']);
    expect(await h.say(FIN1, FIN_CHAT, '/台账 县住建局')).toContain('只能查看本单位的台账');

    await h.say(SUP, SUP_CHAT, '/台账 住建局');
    const housing = await sheets(sink.files.at(-1)!.data);
    expect([...housing.values()].flatMap((rows) => rows.slice(1).map((r) => r[0]))).toEqual(['三（三）', '三（四）']);
  });

  it('refused outside a bound group, with the role named; nothing sent', async () => {
    const before = sink.files.length;
    expect(await h.say(OUTSIDER, LOBBY, '/台账')).toContain('/台账 需要成员单位权限');
    expect(sink.files.length).toBe(before);
  });
});

describe('file sinks', () => {
  it('console: saved under the data directory, and the reply names the path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'duban-ledger-'));
    const local = await startSummaryBot(t, 'ledger-dir', { files: dirFileSink(join(dir, 'data')) });
    try {
      const text = await local.say(SUP, SUP_CHAT, '/台账');
      const path = join(dir, 'data', '台账-2025-07-03.xlsx');
      expect(text).toBe(`台账已保存到 ${path}（2 份文件、10 行，含状态、最新进展、更新时间）。`);
      const book = await sheets(await readFile(path));
      expect(book.get('2025年桃源县重点工作安排')!.length).toBe(10);
    } finally {
      await local.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('no way to send files here: says how to export from the command line', async () => {
    const bare = await startSummaryBot(t, 'ledger-bare');
    try {
      const text = await bare.say(SUP, SUP_CHAT, '/台账');
      expect(text).toContain('台账已生成（2 份文件、10 行，含状态、最新进展、更新时间），但当前环境不能发送文件。');
      expect(text).toContain('npm run -s cli -- ledger --format xlsx --out 台账.xlsx');
    } finally {
      await bare.close();
    }
  });

  it('Lark: the real messenger uploads the workbook to the (fake) Open API as an xls file, then posts the file message once', async () => {
    const lark = larkFileSink(h.messenger);
    const data = sink.files[0]!.data;
    const message = { platform: 'lark', tenant: 'tn', chatId: SUP_CHAT, chatType: 'group', senderId: SUP, text: '/台账', mentionsBot: true, messageId: 'om_ledger1' } as const;
    expect(await lark.send(message, { name: '台账-2025-07-03.xlsx', data })).toEqual({ kind: 'uploaded' });
    const upload = h.fake.uploads.at(-1)!;
    expect(upload).toMatchObject({ kind: 'file', bytes: data.length, fields: { file_type: 'xls', file_name: '台账-2025-07-03.xlsx' } });
    expect(upload.data.equals(data)).toBe(true);
    const files = () => h.fake.sentTo(SUP_CHAT).filter((m) => m.msgType === 'file');
    expect(files()).toEqual([expect.objectContaining({ content: { file_key: upload.key }, uuid: 'om_ledger1-file' })]);
    // The same message handled again (a re-push that slipped past dedupe) uploads again but posts no second file.
    await lark.send(message, { name: '台账-2025-07-03.xlsx', data });
    expect(files()).toHaveLength(1);
  });
});
