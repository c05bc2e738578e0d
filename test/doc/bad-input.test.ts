import CFB from 'cfb';
import { strToU8, zipSync } from 'fflate';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../src/doc/ingest.js';
import { MAX_FILE_BYTES } from '../../src/doc/model.js';
import { PlanError } from '../../src/plan/errors.js';

/** What an official sends that is not a readable plan: each gets its own Chinese reason, nothing half-read. */

async function refusal(bytes: Uint8Array, file: string): Promise<PlanError> {
  const e = await ingest(bytes, file).catch((x: unknown) => x);
  expect(e, file).toBeInstanceOf(PlanError);
  expect((e as PlanError).message).toContain(file);
  return e as PlanError;
}


function items(n: number, from = 1): string[] {
  return Array.from({ length: n }, (_, i) => `${from + i}.推进第${from + i}项政务公开工作，6月底前完成。（县政府办公室牵头负责）`);
}

describe('bad input is refused with what to do', () => {
  it('an empty file', async () => {
    expect((await refusal(new Uint8Array(), '空.txt')).code).toBe('empty');
  });

  it('a file over the size limit is refused before it is read', async () => {
    const e = await refusal(new Uint8Array(MAX_FILE_BYTES + 1), '五十兆.docx');
    expect(e.code).toBe('too-large');
  });

  it('a password-protected Word/Excel file (OOXML wrapped in an encrypted OLE package)', async () => {
    const cfb = CFB.utils.cfb_new();
    CFB.utils.cfb_add(cfb, 'EncryptionInfo', Buffer.from([4, 0, 4, 0, 0x40, 0, 0, 0]));
    CFB.utils.cfb_add(cfb, 'EncryptedPackage', Buffer.alloc(4096, 7));
    const bytes = CFB.write(cfb, { type: 'buffer' }) as Buffer;
    const e = await refusal(bytes, '加密要点.docx');
    expect(e.code).toBe('encrypted');
    expect(e.message).toContain('密码');
  });

  it('a zip bomb posing as .docx is refused from its declared sizes, without inflating it', async () => {
    // 120 MB of zeros packs to ~120 KB.
    const bomb = zipSync({ '[Content_Types].xml': strToU8('<Types/>'), 'word/document.xml': new Uint8Array(120 * 1024 * 1024) }, { level: 1 });
    expect(bomb.byteLength).toBeLessThan(1024 * 1024);
    const e = await refusal(bomb, '炸弹.docx');
    expect(e.code).toBe('too-large');
    expect(e.message).toContain('解压后超过');
  });

  it('an OFD file, a picture, a zip archive and an unknown Office file each say what to send instead', async () => {
    const ofd = zipSync({ 'OFD.xml': strToU8('<ofd:OFD/>') });
    expect((await refusal(ofd, '要点.ofd')).message).toContain('OFD');
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]);
    expect((await refusal(jpeg, '拍照.jpg')).message).toContain('图片');
    const zip = zipSync({ 'a.txt': strToU8('hello') });
    expect((await refusal(zip, '打包.zip')).message).toContain('解压');
    const cfb = CFB.utils.cfb_new();
    CFB.utils.cfb_add(cfb, 'Something', Buffer.from('x'));
    expect((await refusal(CFB.write(cfb, { type: 'buffer' }) as Buffer, '未知.dat')).message).toContain('另存为');
  });
});

describe('broken encodings are repaired and said, not turned into mojibake', () => {
  it('a text pasted together from a UTF-8 half and a GBK half keeps every task and notes the repair', async () => {
    const head = Buffer.from(['2024年政务公开工作要点', '一、重点任务', ...items(8)].join('\n') + '\n', 'utf8');
    const tail = iconv.encode(items(7, 9).join('\n') + '\n', 'gbk');
    const { document, notes } = await ingest(Buffer.concat([head, tail]), '拼接.txt');
    expect(document.tasks).toHaveLength(15);
    expect(document.tasks.every((t) => t.leads[0] === '县政府办公室')).toBe(true);
    expect(document.tasks[14]!.text).toContain('推进第15项政务公开工作');
    expect(notes.join('\n')).toContain('文件编码混杂');
  });

  it('a whole-GBK file needs no note', async () => {
    const { document, notes } = await ingest(iconv.encode(['2024年政务公开工作要点', '一、重点任务', ...items(3)].join('\n'), 'gbk'), 'gbk.txt');
    expect(document.tasks).toHaveLength(3);
    expect(notes.join('\n')).not.toContain('编码');
  });
});
