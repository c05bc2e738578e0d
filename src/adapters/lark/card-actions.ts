import type { Logger } from 'pino';
import { z } from 'zod';
import type { Plans } from '../../chat/context.js';
import { CARD_NOTE_MAX, decidedCard, progressCard } from '../../progress/card.js';
import { decide, submitReport, type Actor } from '../../progress/report.js';
import { taskById } from '../../progress/resolve-task.js';
import type { ProgressServices } from '../../progress/services.js';
import { REPORT_STATUS_LABEL, type ReportStatus } from '../../progress/types.js';
import { CALL_CARD } from '../../summary/call.js';
import { callCardFor } from '../../summary/gather.js';
import type { CardActionHook } from './dispatch.js';
import type { CardActionEvent } from './events.js';
import { renderCards } from './render-card.js';

/**
 * card.action.trigger for progress buttons (startLark's `onCardAction`). The
 * webhook has already checked the signature and token and deduped the
 * event_id; here the operator is checked exactly as for /进展, /办结:
 * - {action:'progress', taskId, unit, status}: a member of the unit's bound
 *   group (clicking in that group) or an admin; the event is appended and the
 *   card is replaced by one showing the new state (buttons kept while open);
 *   with card:'weekly-call' the button sits on the weekly 催报 card listing
 *   several tasks, which is re-rendered for the unit as it now stands, so the
 *   other tasks keep their buttons;
 * - {action:'confirm', taskId, unit}: a supervisor; the card shows the decision;
 * - {action:'return', …}: a supervisor, with the reason typed into the card's
 *   text box; recorded exactly as "/退回 原因" (the unit's group is told), the
 *   card shows the decision. No reason: an error toast, nothing recorded.
 * The buttons sit in a form (render-card.ts), so the click brings the text
 * box's content in `action.form_value`: a unit's 说明, a supervisor's reason.
 * It is untrusted user text: trimmed, control characters dropped, capped.
 * A refusal is an error toast and records nothing.
 */

const STATUS = z.enum(['done', 'in-progress', 'difficulty', 'not-started', 'blocked']);
export const CardValue = z.discriminatedUnion('action', [
  z.object({ action: z.literal('progress'), taskId: z.string().min(1), unit: z.string().min(1), status: STATUS, card: z.string().optional() }),
  z.object({ action: z.literal('confirm'), taskId: z.string().min(1), unit: z.string().min(1) }),
  z.object({ action: z.literal('return'), taskId: z.string().min(1), unit: z.string().min(1) }),
]);
export type CardValue = z.infer<typeof CardValue>;

/** The form's fields as Lark sends them; anything else counts as no form. */
const FormValue = z.record(z.string(), z.unknown());
const NOTE_FIELD = /^note(?:_\d+)?$/;
// Control characters (C0, DEL, C1) and bidi overrides: nothing a note needs, several that spoof.
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The text typed into the card's box: `note`, or `note_<n>` on a card with
 * several forms (only the submitting form's fields arrive). Whitespace runs
 * (newlines included) become one space; at most CARD_NOTE_MAX characters.
 */
export function noteFromForm(formValue: unknown): string {
  const parsed = FormValue.safeParse(formValue);
  if (!parsed.success) return '';
  const key = Object.keys(parsed.data).find((k) => NOTE_FIELD.test(k) && typeof parsed.data[k] === 'string');
  if (!key) return '';
  const text = (parsed.data[key] as string).replace(/\s+/g, ' ').replace(UNSAFE_CHARS, '').trim();
  return [...text].slice(0, CARD_NOTE_MAX).join('').trim();
}

export interface CardActionDeps {
  services: ProgressServices;
  plans: Plans | (() => Plans);
  log: Logger;
  now?: () => Date;
  /**
   * When this week's summary goes out ("7月4日（周五）16:00"), for the
   * re-rendered 催报 card's "请于…前"; without it the card says "请尽快".
   */
  summaryDay?: (now: Date) => string | undefined;
}

type Toast = 'success' | 'error' | 'info' | 'warning';
const toast = (type: Toast, content: string) => ({ toast: { type, content } });

/** Reminder cards say "blocked" for 有困难. */
function reportStatus(s: z.infer<typeof STATUS>): ReportStatus {
  return s === 'blocked' ? 'difficulty' : s;
}

export function createCardActionHook(deps: CardActionDeps): CardActionHook {
  const log = deps.log.child({ component: 'card-actions' });
  const plansNow = typeof deps.plans === 'function' ? deps.plans : () => deps.plans as Plans;
  const now = deps.now ?? (() => new Date());
  const svc = deps.services;

  return async (evt: CardActionEvent) => {
    const fields = { eventId: evt.event_id, messageId: evt.context?.open_message_id, chatId: evt.context?.open_chat_id };
    const parsed = CardValue.safeParse(evt.action?.value);
    if (!parsed.success) {
      log.warn({ event: 'bad-input', reason: 'unknown-card-value', ...fields }, 'card button not ours');
      return toast('info', '该按钮已失效。');
    }
    const value = parsed.data;
    const operator = evt.operator?.open_id;
    const chatId = evt.context?.open_chat_id;
    if (!operator || !chatId) {
      log.warn({ event: 'bad-input', reason: 'card-without-operator', ...fields }, 'card action without operator or chat');
      return toast('error', '无法确认操作人，未记录。');
    }
    const plans = plansNow();
    const hit = taskById(plans, value.taskId);
    if (!hit) {
      log.warn({ event: 'bad-input', reason: 'card-task-gone', taskId: value.taskId, ...fields }, 'task no longer loaded');
      return toast('error', '该任务已不在当前加载的工作要点中（可能已重新导入），未记录。');
    }
    const actor: Actor = { platform: 'lark', tenant: evt.tenant_key ?? '', chatId, senderId: operator };
    const messageId = evt.context?.open_message_id;
    const note = noteFromForm((evt.action as { form_value?: unknown } | undefined)?.form_value);
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
          return { ...toast('success', label), card: { type: 'raw', data: renderCards(reply)[0] } };
        } catch (err) {
          // Recorded already; leave the card as it is rather than shrink it to one task.
          log.error({ event: 'progress.call_card_failed', ...ctx, err: err }, 'could not re-render the 催报 card');
          return toast('success', label);
        }
      }
      return { ...toast('success', label), card: { type: 'raw', data: renderCards(progressCard(hit, result.unit, result.progress))[0] } };
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
      return { ...toast('success', '已退回'), card: { type: 'raw', data: renderCards(decidedCard(hit, result.unit, result.event))[0] } };
    }

    const result = await decide(svc, plans, { actor, hit, unit: value.unit, kind: 'confirm', note: '', at: now() });
    if (!result.ok) {
      log.warn({ event: 'bad-input', reason: `confirm-${result.reason}`, ...ctx }, 'card confirm refused');
      return toast(result.reason === 'already-closed' ? 'info' : 'error', result.text);
    }
    log.info({ event: 'progress.confirm', via: 'card', ...ctx, progressId: result.event.id }, 'confirmed by card');
    return { ...toast('success', '已办结销号'), card: { type: 'raw', data: renderCards(decidedCard(hit, result.unit, result.event))[0] } };
  };
}
