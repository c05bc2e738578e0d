import type { ReportStatus } from './types.js';

/**
 * The words people use for a progress status, declared as data: the first of
 * each list is the canonical word (shown in replies and help), the rest are
 * accepted synonyms. A unit cannot close a task itself, so 已办结/办完了 are a
 * report of 已完成 (待确认 until a supervisor's /办结).
 */
export const STATUS_SYNONYMS: Readonly<Record<ReportStatus, readonly string[]>> = {
  done: ['已完成', '完成', '已经完成', '完成了', '已办结', '办结', '办结了', '已办完', '办完了', '办好了', '做完了', '做好了', '好了', '已落实', '已结束'],
  'in-progress': ['推进中', '进行中', '正在推进', '在推进', '办理中', '正在办理', '正在办', '在办', '实施中', '正在实施'],
  difficulty: ['有困难', '存在困难', '遇到困难', '困难', '有问题', '遇到问题', '受阻'],
  'not-started': ['未启动', '尚未启动', '未开始', '尚未开始', '还没开始', '没开始', '没启动'],
};

/** Longest first, so "已经完成" is read whole rather than as a prefix match. */
const WORDS: ReadonlyArray<readonly [string, ReportStatus]> = (Object.entries(STATUS_SYNONYMS) as Array<[ReportStatus, readonly string[]]>)
  .flatMap(([status, words]) => words.map((w) => [w, status] as const))
  .sort((a, b) => b[0].length - a[0].length);

const AFTER_STATUS = /^[,，。:：;；、]/u;

/** A token that is a status word, alone or followed by punctuation and the start of the note ("完成了，已公开"). */
export function statusOf(token: string): { status: ReportStatus; rest: string } | undefined {
  for (const [word, status] of WORDS) {
    if (token === word) return { status, rest: '' };
    if (token.startsWith(word) && AFTER_STATUS.test(token.slice(word.length))) {
      return { status, rest: token.slice(word.length).replace(/^[,，。:：;；、]+/u, '') };
    }
  }
  return undefined;
}

/** "已完成（也可写 完成、已经完成…）" lines for a reply that lists the accepted words. */
export function acceptedStatusLines(): string[] {
  return (Object.values(STATUS_SYNONYMS) as Array<readonly string[]>).map(([first, ...rest]) => `${first}（也可写：${rest.join('、')}）`);
}
