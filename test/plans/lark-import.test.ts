/**
 * /导入 through the Lark adapter as `npm start` wires it: signed events over
 * the webhook, the real SDK downloading files from the fake Open API, roles
 * from configuration, the plan library, audit log and reminder queue in real
 * Redis (BullMQ), re-planning through the same function services.ts uses.
 */
import { strToU8, zipSync } from 'fflate';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLark, type LarkHandle } from '../../src/adapters/lark/index.js';
import { createBot } from '../../src/chat/bot.js';
import { silentLogger } from '../../src/log.js';
import { MAX_FILE_BYTES } from '../../src/doc/model.js';
import { parsePlan } from '../../src/plan/parse.js';
import { createPlanLibrary } from '../../src/plans/library.js';
import { createPlanRegistry, type PlanRegistry } from '../../src/plans/registry.js';
import { createReplan } from '../../src/plans/replan.js';
import { planReminderJobs } from '../../jobs/plan-reminders.js';
import { createProgressFeatures, type ProgressFeatures } from '../../src/progress/features.js';
import { UnitDirectory } from '../../src/units/directory.js';
import { commands as builtinCommands } from '../../handlers/index.js';
import { createImportCommand } from '../../handlers/import.js';
import { createReminderQueue, type ReminderJobData } from '../../jobs/reminder-queue.js';
import { newMessageId, postEvent, textMessage, type EventContext, webhookOptions } from '../fakes/lark-events.js';
import { startFakeLark, type FakeLark, type SentRecord } from '../fakes/lark-server.js';
import { useTestRedis } from '../support/redis.js';
import { GARBLED, NOW, PLAN_NAME, PLAN_V1, PLAN_V2 } from './fixtures.js';
import { testInbox } from '../support/inbox.js';

const t = useTestRedis('lark-import');
const log = silentLogger('debug');
const ADMIN = 'ou_admin_import';
const USER = 'ou_user_import';
const ADMIN_P2P = 'oc_admin_p2p';
const USER_P2P = 'oc_user_p2p';
const GROUP = 'oc_import_group';
const ctx: EventContext = { appId: 'cli_a1b2c3d4e5f60718', tenantKey: 'tenant-import', verificationToken: 'vt-import', encryptKey: 'ek-import' };
const BUNDLED = `河阳市2025年数字政府建设工作要点

一、夯实数字基础设施
（一）推进政务云建设。9月底前完成市级政务云资源扩容。（市大数据中心牵头负责）
`;

let fake: FakeLark;
let lark: LarkHandle;
let registry: PlanRegistry;
let features: ProgressFeatures;
let queue: Queue<ReminderJobData>;
let url: string;

beforeAll(async () => {
  fake = await startFakeLark({
    appId: ctx.appId,
    chats: [
      { chatId: ADMIN_P2P, name: 'p2p', members: [{ openId: ADMIN, name: '王管理' }] },
      { chatId: USER_P2P, name: 'p2p', members: [{ openId: USER, name: '李四' }] },
      { chatId: GROUP, name: '督办工作群', members: [{ openId: ADMIN, name: '王管理' }, { openId: USER, name: '李四' }] },
    ],
  });
  queue = createReminderQueue({ connection: await t.connect({ forBullmq: true }), prefix: t.prefix });
  features = createProgressFeatures({
    redis: t.redis,
    config: { roles: { adminOpenIds: [ADMIN], supervisorOpenIds: [] } },
    messenger: () => lark?.messenger,
    plans: () => registry.current(),
    log,
    prefix: t.prefix,
    now: () => NOW,
  });
  registry = createPlanRegistry({
    bundled: [parsePlan(BUNDLED, 'heyang-2025.txt')],
    units: UnitDirectory.empty(),
    library: createPlanLibrary(t.redis, { prefix: t.prefix, log }),
    audit: features.audit,
    log,
  });
  await registry.load();
  const replan = createReplan({
    plans: registry.current,
    tenants: async () => [ctx.tenantKey],
    sync: (input) => planReminderJobs(input, { queue, redis: t.redis, log, prefix: t.prefix, now: () => NOW }),
    config: { time: '09:00', offsets: [7, 3, 1], escalateAfterWorkdays: 3 },
    log,
  });
  await replan();
  registry.onReload(() => replan());
  const importCommand = createImportCommand({
    registry,
    download: (messageId, key) => lark.messenger.downloadFile(messageId, key, { maxBytes: MAX_FILE_BYTES }),
    fileOf: (messageId) => lark.messenger.fileOfMessage(messageId),
  });
  const bot = createBot({
    plans: registry.current,
    commands: builtinCommands.map((c) => (c.name === importCommand.name ? importCommand : c)),
    clock: { now: () => NOW },
    log,
    roleOf: features.roleOf,
    progress: features.services,
  });
  lark = await startLark({
    config: webhookOptions(ctx, fake, `${t.prefix}:`),
    bot,
    inbox: await testInbox(t, log),
    log,
  });
  url = `http://127.0.0.1:${lark.port}/lark/events`;
}, 30_000);

afterAll(async () => {
  await features?.settle();
  await lark?.stop();
  await registry?.close();
  await queue?.close();
  await fake?.close();
});

/** Every string in a card, entities decoded: what the reader sees. */
function seen(records: SentRecord[]): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v.replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n))));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  records.forEach((r) => walk(r.content));
  return out.join('\n');
}

async function answerTo(messageId: string): Promise<SentRecord[]> {
  const deadline = Date.now() + 10_000;
  while (!fake.sent.some((s) => s.replyTo === messageId)) {
    if (Date.now() > deadline) throw new Error(`no answer to ${messageId}`);
    await fake.waitForSent(fake.sent.length + 1, 500).catch(() => undefined);
  }
  return fake.sent.filter((s) => s.replyTo === messageId);
}

/** A user sends a file to the bot in their p2p chat; resolves with the bot's answer. */
async function sendFile(sender: string, chatId: string, fileName: string, data: Buffer | string): Promise<string> {
  const messageId = newMessageId();
  const { fileKey } = fake.registerFile({ messageId, chatId, fileName, data: Buffer.from(data) });
  const m = textMessage(ctx, { chatId, chatType: 'p2p', senderOpenId: sender, text: '', messageId, messageType: 'file', content: JSON.stringify({ file_key: fileKey, file_name: fileName }) });
  expect((await postEvent(url, ctx, m.body)).status).toBe(200);
  return seen(await answerTo(messageId));
}

async function say(sender: string, chatId: string, text: string, opts: { group?: boolean; parentId?: string } = {}): Promise<string> {
  const m = textMessage(ctx, {
    chatId,
    chatType: opts.group ? 'group' : 'p2p',
    senderOpenId: sender,
    text: opts.group ? `@_user_1 ${text}` : text,
    ...(opts.group ? { mentions: [{ openId: fake.bot.openId, name: '督办' }] } : {}),
    ...(opts.parentId ? { parentId: opts.parentId } : {}),
  });
  fake.registerMessage(m.messageId, chatId);
  expect((await postEvent(url, ctx, m.body)).status).toBe(200);
  return seen(await answerTo(m.messageId));
}

/** Pending reminder jobs by task title: the due dates they remind of. */
async function reminderDueDates(): Promise<Record<string, string[]>> {
  const jobs = await queue.getJobs(['delayed', 'waiting'], 0, -1);
  const out: Record<string, string[]> = {};
  for (const j of jobs) (out[j.data.title] ??= []).push(j.data.dueDate);
  for (const k of Object.keys(out)) out[k] = [...new Set(out[k])].sort();
  return out;
}

const libraryNames = async () => (await registry.imported()).map((e) => e.name);

describe('/导入 through Lark', () => {
  it('a non-admin’s file is refused, naming the role, and nothing is downloaded or changed', async () => {
    const downloads = fake.downloads.length;
    const answer = await sendFile(USER, USER_P2P, PLAN_NAME, PLAN_V1);
    expect(answer).toContain('/导入 需要管理员权限');
    expect(fake.downloads).toHaveLength(downloads);
    expect(await libraryNames()).toEqual([]);
    expect(await say(USER, USER_P2P, '政务云扩容谁牵头')).not.toContain('县数据局');
  });

  it('an admin’s file is imported: the reply gives its figures, reminders are planned, and questions are answered from it', async () => {
    const answer = await sendFile(ADMIN, ADMIN_P2P, PLAN_NAME, PLAN_V1);
    expect(answer).toContain('已导入：2025年青禾县数字政府建设工作要点');
    for (const s of ['青禾县人民政府办公室', '青政办发〔2025〕8号', '2025年', '4 项', '明确牵头单位', '3 项（另有 1 项文件未写牵头单位）', '这是一份新文件']) expect(answer).toContain(s);
    expect(answer).toMatch(/已按新文件重新安排截止提醒（新增 [1-9]\d* 条/u);
    expect(fake.downloads.at(-1)).toMatchObject({ bytes: Buffer.byteLength(PLAN_V1) });
    expect(await libraryNames()).toEqual([PLAN_NAME]);
    expect(await say(USER, USER_P2P, '政务云扩容谁牵头')).toContain('县数据局');
    const due = await reminderDueDates();
    expect(due['推进政务云扩容']).toEqual(['2025-06-30']);
    expect(due['推进IPv6规模部署']).toEqual(['2025-07-31']);
    const [entry] = await features.audit.recent(ctx.tenantKey);
    expect(entry).toMatchObject({ action: 'plan-load', by: ADMIN, subject: PLAN_NAME, chatId: ADMIN_P2P, detail: { tasks: '4' } });
  });

  it('a garbled file gets the parser’s message and changes nothing', async () => {
    const before = { docs: registry.current(), jobs: await reminderDueDates(), audit: (await features.audit.recent(ctx.tenantKey)).length };
    const answer = await sendFile(ADMIN, ADMIN_P2P, PLAN_NAME, GARBLED);
    expect(answer).toContain(`文件 ${PLAN_NAME} 的压缩结构已损坏，无法读取`);
    expect(answer).toContain('已载入的工作要点和提醒都没有变化');
    expect(registry.current()).toBe(before.docs);
    expect(await reminderDueDates()).toEqual(before.jobs);
    expect((await features.audit.recent(ctx.tenantKey)).length).toBe(before.audit);
    expect((await createPlanLibrary(t.redis, { prefix: t.prefix, log }).list())[0]!.data.toString('utf8')).toBe(PLAN_V1);
  });

  it('a file over the size limit is refused from its declared size, and nothing changes', async () => {
    const before = registry.current();
    const answer = await sendFile(ADMIN, ADMIN_P2P, '大文件.txt', Buffer.alloc(MAX_FILE_BYTES + 1, 0x61));
    expect(answer).toContain(`文件 大文件.txt 超过 ${MAX_FILE_BYTES / 1024 / 1024} MB`);
    expect(registry.current()).toBe(before);
    expect(await libraryNames()).toEqual([PLAN_NAME]);
    expect(log.lines.some((l) => l.event === 'lark_download_refused' && l.declared === MAX_FILE_BYTES + 1)).toBe(true);
  });

  it('files are read by their content: a picture, an OFD file or a scan gets a Chinese reason and what to send instead, and nothing changes', async () => {
    const before = registry.current();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    const ofd = Buffer.from(zipSync({ 'OFD.xml': strToU8('<ofd:OFD/>'), 'Doc_0/Document.xml': strToU8('<ofd:Document/>') }));
    for (const [name, data, says] of [
      ['工作要点.txt', png, '图片'],
      ['工作要点.ofd', ofd, '请从原系统导出 PDF'],
    ] as const) {
      const answer = await sendFile(ADMIN, ADMIN_P2P, name, data);
      expect(answer).toContain(says);
      expect(answer).toContain('已载入的工作要点和提醒都没有变化');
    }
    expect(registry.current()).toBe(before);
    expect(await libraryNames()).toEqual([PLAN_NAME]);
  });

  it('a revised plan replaces the old one: the reply lists what changed, answers come from the new text, reminder jobs move', async () => {
    const answer = await sendFile(ADMIN, ADMIN_P2P, PLAN_NAME, PLAN_V2);
    expect(answer).toContain('已替换上次导入的同名文件。与上一版相比：新增任务 1 项，删除 1 项，时限调整 1 项。');
    expect(answer).toContain('新增：二、（三） 建设智慧农机调度平台');
    expect(answer).toContain('删除：一、（二） 推进IPv6规模部署');
    expect(answer).toContain('时限调整：一、（一） 推进政务云扩容：6月底前（2025-06-30） → 7月底前（2025-07-31）');
    expect(answer).toMatch(/已按新文件重新安排截止提醒（新增 \d+ 条、调整 \d+ 条、取消 [1-9]\d* 条）/u);
    expect(await say(USER, USER_P2P, '智慧农机调度平台谁牵头')).toContain('县农业农村局');
    expect(registry.current().ledger.documents.filter((d) => d.file === PLAN_NAME)).toHaveLength(1);
    const due = await reminderDueDates();
    expect(due['推进政务云扩容']).toEqual(['2025-07-31']);
    expect(due['建设智慧农机调度平台']).toEqual(['2025-07-31']);
    expect(due['推进IPv6规模部署']).toBeUndefined();
  });

  it('in a group, /导入 sent as a reply to a file message imports that file; the file alone is ignored', async () => {
    const fileMessage = newMessageId();
    const { fileKey } = fake.registerFile({ messageId: fileMessage, chatId: GROUP, fileName: 'heyang-2025.txt', data: Buffer.from(BUNDLED.replace('9月底前', '10月底前')) });
    const shared = textMessage(ctx, { chatId: GROUP, chatType: 'group', senderOpenId: USER, text: '', messageId: fileMessage, messageType: 'file', content: JSON.stringify({ file_key: fileKey, file_name: 'heyang-2025.txt' }) });
    const sentBefore = fake.sent.length;
    expect((await postEvent(url, ctx, shared.body)).status).toBe(200);
    expect(await say(USER, GROUP, '/导入', { group: true, parentId: fileMessage })).toContain('/导入 需要管理员权限');
    expect(fake.sent.slice(sentBefore).some((s) => s.replyTo === fileMessage)).toBe(false);
    const answer = await say(ADMIN, GROUP, '/导入', { group: true, parentId: fileMessage });
    expect(answer).toContain('已替换随程序载入的同名文件');
    expect(answer).toContain('时限调整：一、（一） 推进政务云建设：9月底前（2025-09-30） → 10月底前（2025-10-31）');
    // A reply to a text message is not an import.
    const text = newMessageId();
    fake.registerMessage(text, GROUP);
    expect(await say(ADMIN, GROUP, '/导入', { group: true, parentId: text })).toContain('所回复的消息不是文件，未导入');
  });

  it('/导入 alone explains how and lists the imports; /导入 删除 removes one and brings the bundled version back', async () => {
    const how = await say(ADMIN, ADMIN_P2P, '/导入');
    expect(how).toContain('请在与督办的私聊中直接发送工作要点文件（Word .docx/.doc、Excel .xlsx/.xls、带文字的 PDF、网页 .html、文本 .txt/.md）');
    expect(how).toContain(`${PLAN_NAME}（`);
    expect(how).toContain('heyang-2025.txt（');
    const removed = await say(ADMIN, ADMIN_P2P, '/导入 删除 heyang-2025.txt');
    expect(removed).toContain('已删除导入的文件 heyang-2025.txt');
    expect(removed).toContain('已恢复随程序载入的同名版本');
    expect(await libraryNames()).toEqual([PLAN_NAME]);
    expect(await say(USER, USER_P2P, '/导入 删除 青禾县2025年数字政府建设工作要点.txt')).toContain('需要管理员权限');
    expect(await libraryNames()).toEqual([PLAN_NAME]);
  });
});
