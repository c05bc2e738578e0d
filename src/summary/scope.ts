import type { Plans } from '../chat/context.js';
import { ROLE_LABEL, roleAtLeast } from '../chat/roles.js';
import type { Reply, Role } from '../chat/types.js';
import { unitNames } from './units.js';

/**
 * Who may see what in /周报 and /台账: supervisors (and admins) any unit or
 * all of them; a unit member only their own unit, the one their group is
 * bound to. Pure: the sender's role and unit come in.
 */

export type Scope =
  | { kind: 'all' }
  | { kind: 'unit'; unit: string }
  | { kind: 'refused'; reason: 'no-unit' | 'other-unit'; reply: Reply }
  | { kind: 'unknown-unit'; reply: Reply };

export function decideScope(plans: Pick<Plans, 'ledger' | 'units'>, command: string, role: Role, ownUnit: string | undefined, arg: string): Scope {
  const names = unitNames(plans);
  const supervisor = roleAtLeast(role, 'supervisor');
  const own = ownUnit ? names.canonical(ownUnit) : undefined;

  let asked: string | undefined;
  if (arg.trim()) {
    const r = names.lookup(arg);
    if (!r.unit) {
      const blocks: Reply['blocks'] = [{ kind: 'text', text: `没有找到单位“${short(arg)}”。` }];
      if (r.suggestions.length > 0) blocks.push({ kind: 'text', text: `您要找的是不是：${r.suggestions.join('、')}` });
      blocks.push({ kind: 'note', text: `用法：/${command} [单位]，例如 /${command} ${r.suggestions[0] ?? own ?? '县财政局'}` });
      return { kind: 'unknown-unit', reply: { tone: 'orange', blocks } };
    }
    asked = names.canonical(r.unit.name);
  }

  if (supervisor) return asked ? { kind: 'unit', unit: asked } : { kind: 'all' };
  if (!own) {
    return {
      kind: 'refused',
      reason: 'no-unit',
      reply: {
        tone: 'red',
        blocks: [
          { kind: 'text', text: `查看全部单位的${what(command)}需要${ROLE_LABEL.supervisor}权限，您当前的身份是${ROLE_LABEL[role]}。` },
          { kind: 'note', text: `单位成员可在本单位绑定的工作群里发送 /${command}，查看本单位的情况。` },
        ],
      },
    };
  }
  if (asked && asked !== own) {
    return {
      kind: 'refused',
      reason: 'other-unit',
      reply: {
        tone: 'red',
        blocks: [
          { kind: 'text', text: `本群绑定的是${own}，只能查看本单位的${what(command)}；查看${asked}需要${ROLE_LABEL.supervisor}权限。` },
          { kind: 'note', text: `发送 /${command} 查看${own}的情况。` },
        ],
      },
    };
  }
  return { kind: 'unit', unit: own };
}

function what(command: string): string {
  return command === '台账' ? '台账' : '督办情况';
}

function short(s: string): string {
  const chars = [...s.trim()];
  return chars.length > 20 ? chars.slice(0, 20).join('') + '…' : s.trim();
}
