import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/adapters/console/render.js';
import { createBot } from '../../src/chat/bot.js';
import { route } from '../../src/chat/route.js';
import type { IncomingMessage, Role } from '../../src/chat/types.js';
import { silentLogger } from '../../src/log.js';
import { createPlanLibrary } from '../../src/plans/library.js';
import { createPlanRegistry } from '../../src/plans/registry.js';
import { UnitDirectory } from '../../src/units/directory.js';
import { commands } from '../../handlers/index.js';
import { createImportCommand } from '../../handlers/import.js';
import { fixturePlans, msg } from '../chat/fixtures.js';
import { useTestRedis } from '../support/redis.js';

/** /导入 in the core: routing of files, roles, and what it says where no file can arrive. */

const t = useTestRedis('handler-import');
const log = silentLogger('debug');
const file = (name: string, over: Partial<IncomingMessage> = {}) => msg('', { attachment: { kind: 'file', key: 'file_v3_x', name }, ...over });

async function ask(m: IncomingMessage, opts: { role?: Role; command?: ReturnType<typeof createImportCommand> } = {}): Promise<string> {
  const list = opts.command ? commands.map((c) => (c.name === '导入' ? opts.command! : c)) : commands;
  const bot = createBot({ plans: fixturePlans(), clock: { now: () => new Date('2025-06-02T09:00:00+08:00') }, log, commands: list, roleOf: async () => opts.role ?? 'admin' });
  const out: string[] = [];
  await bot.handle(m, { reply: async (r) => void out.push(renderText(r)) });
  return out.join('\n\n');
}

describe('routing a file', () => {
  it('a file in a p2p chat goes to /导入; in a group only when addressed; without a taker it is ignored', () => {
    expect(route(file('要点.txt'), commands)).toMatchObject({ kind: 'command', command: { name: '导入' }, via: 'file', args: '' });
    expect(route(file('要点.txt', { chatType: 'group' }), commands)).toEqual({ kind: 'ignore', reason: 'group-not-addressed' });
    expect(route(file('要点.txt'), commands.filter((c) => c.name !== '导入'))).toEqual({ kind: 'ignore', reason: 'file-not-handled' });
  });
});

describe('/导入', () => {
  it('anyone but an admin is refused with the role named', async () => {
    expect(await ask(file('要点.txt'), { role: 'supervisor' })).toContain('/导入 需要管理员权限，您当前的身份是督办员。');
    expect(await ask(msg('/导入 删除 要点.txt'), { role: 'everyone' })).toContain('/导入 需要管理员权限');
  });

  it('without Redis a text file cannot be imported, and says so', async () => {
    expect(await ask(file('要点.txt'))).toContain('导入工作要点需要连接 Redis');
  });

  it('where files cannot arrive (the terminal), /导入 explains the p2p chat and the CLI, and lists what was imported', async () => {
    const prefix = `${t.prefix}:console`;
    const library = createPlanLibrary(t.redis, { prefix, log });
    await library.put('青禾要点.txt', Buffer.from('一、总则\n（一）做好工作。（县数据局牵头）'), 'cli');
    const registry = createPlanRegistry({ bundled: [], units: UnitDirectory.empty(), library, log });
    await registry.load();
    const answer = await ask(msg('/导入', { platform: 'console' }), { command: createImportCommand({ registry }) });
    expect(answer).toContain('这里不能接收文件。请在飞书里与督办私聊');
    expect(answer).toContain('npm run -s cli -- import <文件…>');
    expect(answer).toMatch(/已导入的文件（1 份）：\n• 青禾要点\.txt（\d{4}-\d{2}-\d{2}）/u);
    expect(await ask(msg('/导入 删除 不存在.txt'), { command: createImportCommand({ registry }) })).toContain('没有导入过名为“不存在.txt”的文件，未作更改。');
    expect(await ask(msg('/导入 删除'), { command: createImportCommand({ registry }) })).toContain('请写出要删除的文件名');
    await registry.close();
  });
});
