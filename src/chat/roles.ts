import type { Role } from './types.js';

/** Weakest first; a role may run every command declared for it or a weaker one. */
export const ROLES: readonly Role[] = ['everyone', 'member', 'supervisor', 'admin'];

export const ROLE_LABEL: Record<Role, string> = {
  everyone: '所有人',
  member: '成员单位',
  supervisor: '督办员',
  admin: '管理员',
};

export function roleAtLeast(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}
