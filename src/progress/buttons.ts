import { z } from 'zod';
import type { ButtonRun } from '../chat/bot.js';
import type { ButtonPress, ButtonResult } from '../chat/types.js';
import { CALL_CARD } from '../summary/call.js';
import { callCardFor } from '../summary/gather.js';
import { CARD_NOTE_MAX, decidedCard, progressCard } from './card.js';
import { decide, submitReport, type Actor } from './report.js';
import { taskById } from './resolve-task.js';
import { REPORT_STATUS_LABEL, type ReportStatus } from './types.js';

/**
 * The progress buttons on reminder, 催报 and confirmation cards, for any
 * platform: the adapter has verified and deduped the press and hands over the
 * button's value and the text typed into the card's box (`note`). The
 * operator is checked exactly as for /进展, /办结:
 * - {action:'progress', taskId, unit, status}: a member of the unit's bound
 *   group (pressing in that group) or an admin; the event is appended and the
 *   card is replaced by one showing the new state (buttons kept while open);
 *   with card:'weekly-call' the button sits on the weekly 催报 card listing
 *   several tasks, which is re-rendered for the unit as it now stands, so the
 *   other tasks keep their buttons;
 * - {action:'confirm', taskId, unit}: a supervisor; the card shows the decision;
 * - {action:'return', …}: a supervisor, with the reason typed into the box;
 *   recorded exactly as "/退回 原因" (the unit's group is told). No reason: an
 *   error toast, nothing recorded.
 * The note is untrusted user text, capped again here. A refusal is an error
 * toast and records nothing.
 */

const STATUS = z.enum(['done', 'in-progress', 'difficulty', 'not-started', 'blocked']);
export const CardValue = z.discriminatedUnion('action', [
  z.object({ action: z.literal('progress'), taskId: z.string().min(1), unit: z.string().min(1), status: STATUS, card: z.string().optional() }),
  z.object({ action: z.literal('confirm'), taskId: z.string().min(1), unit: z.string().min(1) }),
  z.object({ action: z.literal('return'), taskId: z.string().min(1), unit: z.string().min(1) }),
]);
export type CardValue = z.infer<typeof CardValue>;

export interface ProgressButtonDeps {
  /**
   * When this week's summary goes out ("7月4日（周五）16:00"), for the
   * re-rendered 催报 card's "请于…前"; without it the card says "请尽快".
   */
  summaryDay?: (now: Date) => string | undefined;
}

type Toast = 'success' | 'error' | 'info' | 'warning';
const toast = (type: Toast, text: string): ButtonResult => ({ toast: { type, text } });

/** Reminder cards say "blocked" for 有困难. */
function reportStatus(s: z.infer<typeof STATUS>): ReportStatus {
  return s === 'blocked' ? 'difficulty' : s;
}

/** The progress buttons, by action, for createBot's `buttons`. */
export function cardButtons(deps: ProgressButtonDeps = {}): Record<'progress' | 'confirm' | 'return', ButtonRun> {
  const run: ButtonRun = async (press: ButtonPress, { plans, clock, log: baseLog, progress: svc }) => {
    const log = baseLog.child({ component: 'buttons' });
    const now = () => clock.now();
    const fields = { eventId: press.id, messageId: press.messageId, chatId: press.chatId };
    const parsed = CardValue.safeParse(press.value);
    if (!parsed.success) {
      log.warn({ event: 'bad-input', reason: 'unknown-card-value', ...fields }, 'card button not ours');
      return toast('info', '该按钮已失效。');
    }
    if (!svc) return toast('info', '该按钮暂不可用（需要 Redis）。');
    const value = parsed.data;
    const operator = press.senderId;
    const chatId = press.chatId;
    if (!operator || !chatId) {
      log.warn({ event: 'bad-input', reason: 'card-without-operator', ...fields }, 'card action without operator or chat');
      return toast('error', '无法确认操作人，未记录。');
    }
    const hit = taskById(plans, value.taskId);
    if (!hit) {
      log.warn({ event: 'bad-input', reason: 'card-task-gone', taskId: value.taskId, ...fields }, 'task no longer loaded');
      return toast('error', '该任务已不在当前加载的工作要点中（可能已重新导入），未记录。');
    }
    const actor: Actor = { platform: press.platform, tenant: press.tenant, chatId, senderId: operator };
    const messageId = press.messageId;
    const note = [...press.note].slice(0, CARD_NOTE_MAX).join('').trim();
    // The note's length, never its text: it is the user's words, kept in the progress log.
    const ctx = { ...fields, action: value.action, taskId: value.taskId, unit: value.unit, operator, noteChars: note.length };

    if (value.action === 'progress') {
      const status = reportStatus(value.status);
      const result = await submitReport(svc, plans, { actor, hit, unit: value.unit, status, note, at: now() });
      if (!result.ok) {
        log.warn({ event: 'bad-input', reason: `report-${result.reason}`, ...ctx }, 'card report refused');
        return toast('error', result.text);
      }
      log.info({ event: 'progress.reported', via: 'card', status, ...ctx, progressId: result.event.id }, 'progress reported by card');
      // Replies to this card ("/进展 推进中 说明") now know the task without a card ref from delivery.
      if (messageId) await svc.cardRefs.remember(messageId, { taskId: hit.task.id, unit: result.unit }).catch(() => undefined);
      const label = result.before?.state === 'closed' ? `已记录：${REPORT_STATUS_LABEL[status]}（任务已办结，状态不变）` : `已记录：${REPORT_STATUS_LABEL[status]}`;
      if (value.card === CALL_CARD) {
        // The 催报 card lists the unit's open tasks: show them all as they now stand.
        const at = now();
        const summaryDay = deps.summaryDay?.(at);
        try {
          const reply = await callCardFor({ plans, tenant: actor.tenant, store: svc.store, now: at, unit: result.unit, ...(summaryDay ? { summaryDay } : {}) });
          return { ...toast('success', label), update: reply };
        } catch (err) {
          // Recorded already; leave the card as it is rather than shrink it to one task.
          log.error({ event: 'progress.call_card_failed', ...ctx, err: err }, 'could not re-render the 催报 card');
          return toast('success', label);
        }
      }
      return { ...toast('success', label), update: progressCard(hit, result.unit, result.progress) };
    }

    if (value.action === 'return') {
      if (!note) {
        // Who may return is said first, as decide() would; the reason only matters to a supervisor.
        const allowed = svc.roles.isAdmin(actor) || (await svc.roles.isSupervisor(actor));
        log.warn({ event: 'bad-input', reason: allowed ? 'return-no-reason' : 'return-not-supervisor', ...ctx }, 'return clicked without a reason');
        return toast('error', allowed ? '请填写退回原因' : '退回需要督办员权限。');
      }
      const result = await decide(svc, plans, { actor, hit, unit: value.unit, kind: 'return', note, at: now() });
      if (!result.ok) {
        log.warn({ event: 'bad-input', reason: `return-${result.reason}`, ...ctx }, 'card return refused');
        return toast('error', result.text);
      }
      log.info({ event: 'progress.return', via: 'card', ...ctx, progressId: result.event.id }, 'returned by card');
      return { ...toast('success', '已退回'), update: decidedCard(hit, result.unit, result.event) };
    }

    const result = await decide(svc, plans, { actor, hit, unit: value.unit, kind: 'confirm', note: '', at: now() });
    if (!result.ok) {
      log.warn({ event: 'bad-input', reason: `confirm-${result.reason}`, ...ctx }, 'card confirm refused');
      return toast(result.reason === 'already-closed' ? 'info' : 'error', result.text);
    }
    log.info({ event: 'progress.confirm', via: 'card', ...ctx, progressId: result.event.id }, 'confirmed by card');
    return { ...toast('success', '已办结销号'), update: decidedCard(hit, result.unit, result.event) };
  };
  return { progress: run, confirm: run, return: run };
}
