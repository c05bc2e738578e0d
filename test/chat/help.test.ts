import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/adapters/console/render.js';
import { defineCommand, usageLine } from '../../src/chat/command.js';
import { helpDetail, helpSummary, usageReply } from '../../src/chat/help.js';

const lookup = defineCommand({
  name: '查找',
  aliases: ['找'],
  args: [{ name: '关键词', description: '要找的事项', required: true, rest: true }],
  description: '按关键词找事项',
  examples: ['/查找 网站', '网站谁管'],
  role: 'everyone',
  group: '查询',
  run() {},
});
const bind = defineCommand({
  name: '绑定',
  aliases: [],
  args: [
    { name: '单位', description: '要绑定的单位', required: true },
    { name: '群', description: '群名', required: false },
  ],
  description: '把单位绑定到本群',
  examples: ['/绑定 县财政局'],
  role: 'supervisor',
  group: '管理',
  run() {},
});
const help = defineCommand({
  name: '帮助',
  aliases: ['help'],
  args: [{ name: '命令', description: '命令名', required: false }],
  description: '查看命令',
  examples: ['/帮助'],
  role: 'everyone',
  group: '查询',
  run() {},
});

describe('help generated from declarations', () => {
  it('usage lines mark required and optional arguments', () => {
    expect(usageLine(lookup)).toBe('/查找 <关键词>');
    expect(usageLine(bind)).toBe('/绑定 <单位> [群]');
  });

  it('/帮助 lists every command under its group heading, in declaration order, one line each', () => {
    const text = renderText(helpSummary([lookup, bind, help], 'everyone'));
    const lines = text.split('\n');
    expect(lines.slice(0, 6)).toEqual([
      '【督办可以做什么】',
      '查询',
      '• /查找 <关键词>：按关键词找事项',
      '• /帮助 [命令]：查看命令',
      '管理',
      '• /绑定 <单位> [群]：把单位绑定到本群（需督办员权限）',
    ]);
    // Question-style examples show that plain questions work.
    expect(text).toContain('“网站谁管”');
  });

  it('does not mark commands the asker may already run', () => {
    const text = renderText(helpSummary([lookup, bind], 'supervisor'));
    expect(text).toContain('• /绑定 <单位> [群]：把单位绑定到本群\n');
  });

  it('/帮助 <命令> shows usage, aliases, arguments, examples and the role', () => {
    const text = renderText(helpDetail(bind));
    expect(text.split('\n')).toEqual([
      '【/绑定】',
      '把单位绑定到本群',
      '用法：/绑定 <单位> [群]',
      '权限：督办员',
      '• 单位：要绑定的单位',
      '• 群（可选）：群名',
      '示例',
      '• /绑定 县财政局',
    ]);
    expect(renderText(helpDetail(lookup))).toContain('别名：找');
  });

  it('a missing argument gets the usage and the first example', () => {
    expect(renderText(usageReply(lookup)).split('\n')).toEqual(['/查找 需要关键词。', '用法：/查找 <关键词>', '例如：/查找 网站']);
  });
});
