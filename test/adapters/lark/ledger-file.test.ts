/**
 * /台账 in Lark mode, end to end: a signed message over the webhook, the
 * workbook uploaded to the (fake) Open API, a file message naming that upload
 * posted into the same chat, then the reply that says so.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestRedis } from '../../support/redis.js';
import { FIN1, FIN_CHAT, LOBBY, OUTSIDER, startSummaryLark, SUP, SUP_CHAT, type SummaryLark } from './summary-lark.js';

const t = useTestRedis('lark-ledger-file');
let h: SummaryLark;

beforeAll(async () => {
  h = await startSummaryLark(t, 'ledger');
});
afterAll(() => h?.close());

const textOf = (content: unknown) => JSON.stringify(content);

describe('/台账 through the Lark adapter', () => {
  it('a supervisor gets the workbook as a file message in the chat, then a card naming it', async () => {
    const uploadsBefore = h.fake.uploads.length;
    const out = await h.say(SUP, SUP_CHAT, '/台账');
    expect(out.map((m) => m.msgType)).toEqual(['file', 'interactive']);
    const upload = h.fake.uploads.at(-1)!;
    expect(h.fake.uploads).toHaveLength(uploadsBefore + 1);
    expect(upload).toMatchObject({ kind: 'file', fields: { file_type: 'xls', file_name: '台账-2025-07-03.xlsx' } });
    expect(out[0]!.content).toEqual({ file_key: upload.key });
    expect(out[0]!.receiveIdType).toBe('chat_id');
    expect(textOf(out[1]!.content)).toContain('已发送台账文件 台账-2025-07-03.xlsx（2 份文件、10 行');
    // What arrived is the workbook itself, with the live status columns.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(upload.data as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['2025年桃源县重点工作安排', '2025年桃源县营商环境工作要点']);
    expect((wb.worksheets[0]!.getRow(1).values as unknown[]).slice(1)).toEqual(['序号', '任务', '牵头单位', '责任单位', '时限', '来源', '状态', '最新进展', '更新时间']);
  });

  it('a unit member in their bound group gets their own unit’s ledger as a file', async () => {
    const out = await h.say(FIN1, FIN_CHAT, '/台账');
    expect(out.map((m) => m.msgType)).toEqual(['file', 'interactive']);
    expect(h.fake.uploads.at(-1)!.fields.file_name).toBe('台账-县财政局-2025-07-03.xlsx');
    expect(out[0]!.content).toEqual({ file_key: h.fake.uploads.at(-1)!.key });
  });

  it('someone with no role gets a refusal and no file', async () => {
    const uploadsBefore = h.fake.uploads.length;
    const out = await h.say(OUTSIDER, LOBBY, '/台账');
    expect(out.map((m) => m.msgType)).toEqual(['interactive']);
    expect(textOf(out[0]!.content)).toContain('/台账 需要成员单位权限');
    expect(h.fake.uploads).toHaveLength(uploadsBefore);
  });

  it('a failed file message leaves a clear reply and a log line, not silence', async () => {
    h.fake.failNext({ method: 'POST', path: '/open-apis/im/v1/messages' }, { status: 400, code: 230027, msg: 'no permission' });
    const out = await h.say(SUP, SUP_CHAT, '/台账');
    expect(out.map((m) => m.msgType)).toEqual(['interactive']);
    expect(textOf(out[0]!.content)).toContain('台账文件发送失败，请稍后再试。');
    expect(h.log.lines.some((l) => l.event === 'ledger.send_failed')).toBe(true);
  });
});
