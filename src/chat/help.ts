import { usageLine, type Command } from './command.js';
import { ROLE_LABEL, roleAtLeast } from './roles.js';
import type { Block, Reply, Role } from './types.js';

/** `/帮助`: every command grouped under its heading, one short line each. */
export function helpSummary(commands: readonly Command[], role: Role): Reply {
  const groups = new Map<string, Command[]>();
  for (const c of commands) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  const blocks: Block[] = [];
  for (const [group, members] of groups) {
    blocks.push({ kind: 'text', text: group });
    blocks.push({
      kind: 'list',
      items: members.map((c) => {
        const locked = roleAtLeast(role, c.role) ? '' : `（需${ROLE_LABEL[c.role]}权限）`;
        return `${usageLine(c)}：${c.description}${locked}`;
      }),
    });
  }
  // Examples written as questions (no slash) show that plain questions work too.
  const asked = commands.flatMap((c) => c.examples.filter((e) => !e.startsWith('/')).slice(0, 1)).slice(0, 3);
  if (asked.length) blocks.push({ kind: 'note', text: `也可以直接提问，例如：${asked.map((q) => `“${q}”`).join('')}` });
  blocks.push({ kind: 'note', text: '发送 /帮助 <命令> 查看用法和示例，例如 /帮助 谁牵头。' });
  return { title: '督办可以做什么', tone: 'blue', blocks };
}

/** `/帮助 谁牵头`: description, usage, arguments, aliases, examples, role. */
export function helpDetail(command: Command, local: string[] = []): Reply {
  const fields = [{ label: '用法', value: usageLine(command) }];
  if (command.aliases.length) fields.push({ label: '别名', value: command.aliases.join('、') });
  if (command.role !== 'everyone') fields.push({ label: '权限', value: ROLE_LABEL[command.role] });
  const blocks: Block[] = [{ kind: 'text', text: command.description }, { kind: 'fields', items: fields }];
  if (command.args.length) {
    blocks.push({
      kind: 'list',
      items: command.args.map((a) => `${a.name}${a.required ? '' : '（可选）'}：${a.description}`),
    });
  }
  if (local.length) {
    blocks.push({ kind: 'text', text: '本群可用的示例' });
    blocks.push({ kind: 'list', items: local });
  }
  if (command.examples.length) {
    blocks.push({ kind: 'text', text: local.length ? '其他示例' : '示例' });
    blocks.push({ kind: 'list', items: command.examples });
  }
  return { title: `/${command.name}`, tone: 'blue', blocks };
}

/** A missing argument: the usage line and the declaration's first example. */
export function usageReply(command: Command): Reply {
  const blocks: Block[] = [{ kind: 'text', text: `/${command.name} 需要${command.args.filter((a) => a.required).map((a) => a.name).join('、')}。` }];
  const items = [{ label: '用法', value: usageLine(command) }];
  if (command.examples[0]) items.push({ label: '例如', value: command.examples[0] });
  blocks.push({ kind: 'fields', items });
  return { tone: 'orange', blocks };
}
