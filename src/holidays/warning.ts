import { shanghaiDate } from '../calendar/shanghai.js';
import type { HolidaySource } from '../calendar/workdays.js';
import type { Reply } from '../chat/types.js';
import { ESTIMATE_NOTE } from './replies.js';

/**
 * Before it matters: the State Council publishes next year's arrangement
 * around November, and next year's first reminders are planned now. From
 * 1 November, while next year has neither the package's official table nor
 * a notice (and, in the new year, while the current year still has neither),
 * the supervisors are told once a week and start-up logs it. Pure.
 */

/** The year that needs a notice on `today`, if any. */
export function yearNeedingNotice(today: string, source: (year: number) => HolidaySource): number | undefined {
  const year = Number(today.slice(0, 4));
  if (source(year) === 'estimate') return year;
  if (today.slice(5) >= '11-01' && source(year + 1) === 'estimate') return year + 1;
  return undefined;
}

export function yearNeedingNoticeAt(now: Date, source: (year: number) => HolidaySource): number | undefined {
  return yearNeedingNotice(shanghaiDate(now), source);
}

export function noticeWarningReply(year: number): Reply {
  return {
    title: `${year}年节假日安排尚未载入`,
    tone: 'orange',
    blocks: [
      { kind: 'text', text: `督办还没有${year}年的国务院节假日安排。${year}年的提醒目前${ESTIMATE_NOTE}：避开元旦、春节（除夕至初三）、清明、劳动节、端午、中秋、国庆等法定假日，但不知道调休的放假日和周末上班日。` },
      {
        kind: 'list',
        items: [
          `国务院办公厅《关于${year}年部分节假日安排的通知》发布后，管理员把通知全文私聊发给督办（或发送“/假期 导入 <通知全文>”），核对后发送“/假期 确认”；`,
          `也可以把通知保存为文本文件，用 npm run -s cli -- holidays --notice <文件> --save 载入，或列在 HOLIDAY_NOTICE_FILES 中。`,
        ],
      },
      { kind: 'note', text: `载入后所有提醒自动重新安排，本提醒不再发送。查看当前安排：/假期 ${year}` },
    ],
  };
}
