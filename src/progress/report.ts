import { createHash } from 'node:crypto';
import type { Plans } from '../chat/context.js';
import { ROLE_LABEL } from '../chat/roles.js';
import type { Sender } from '../roles/resolve.js';
import { confirmRequestCard, decisionNotice } from './card.js';
import { taskLeads, taskUnits, unitInTask, type TaskHit } from './resolve-task.js';
import type { ProgressServices } from './services.js';
import { REPORT_STATUS_LABEL, TASK_STATE_LABEL, type ProgressEvent, type ReportStatus, type TaskProgress } from './types.js';

/**
 * Reports, confirmations and returns, shared by the commands and the card
 * buttons so both check exactly the same things:
 * - a report for a (task, unit) may come from a member of that unit's bound
 *   group (in the group) or from an admin; the unit must be one the task names;
 * - confirm/return need a supervisor (or admin); a return needs a reason and
 *   something to return (待确认); 已办结 is final, for 办结 and 退回 alike.
 * A refusal changes nothing and says who may. Every change is appended to the
 * log, audit-logged, and followed (in the background) by the cards it calls
 * for: 已完成 -> a confirmation card in the supervisors' chat; a decision -> a
 * notice in the unit's groups. Sends use uuids derived from the event id.
 */

export interface Actor extends Sender {
  senderName?: string;
}

export type RefusalReason =
  | 'no-named-unit'
  | 'not-member'
  | 'other-unit'
  | 'unit-not-in-task'
  | 'need-unit'
  | 'not-supervisor'
  | 'already-closed'
  | 'nothing-to-return'
  | 'no-reason';

export interface Refusal {
  ok: false;
  reason: RefusalReason;
  /** Chinese, for the user. */
  text: string;
}

export interface Done {
  ok: true;
  event: ProgressEvent;
  /** The unit as the task writes it. */
  unit: string;
  progress: TaskProgress | undefined;
  /** State before this event. */
  before: TaskProgress | undefined;
}

const refuse = (reason: RefusalReason, text: string): Refusal => ({ ok: false, reason, text });

/** Lark events carry no names; the member lists fetched for role checks do. */
function byName(svc: ProgressServices, actor: Actor): { byName?: string } {
  const name = actor.senderName || svc.nameOf?.(actor.senderId);
  return name ? { byName: name } : {};
}
const list = (names: string[]) => names.join('、');

function eventUuid(kind: string, event: ProgressEvent, chatId: string): string {
  const h = createHash('sha256').update(JSON.stringify([event.tenant, event.id, chatId])).digest('hex').slice(0, 32);
  return `dub-${kind}-${h}`;
}

/** Which unit a report is for, and whether this sender may make it. */
export async function authorizeReport(svc: ProgressServices, plans: Plans, actor: Actor, hit: TaskHit, requested?: string): Promise<{ ok: true; unit: string } | Refusal> {
  const units = taskUnits(hit.task);
  if (units.length === 0) {
    const generic = [...hit.task.leads, ...hit.task.genericUnits].filter(Boolean);
    return refuse(
      'no-named-unit',
      `该任务没有明确的责任单位${generic.length ? `（由“${list([...new Set(generic)])}”等统称负责）` : ''}，无法按单位记录进展，请联系督办员。`,
    );
  }
  let target: string | undefined;
  if (requested) {
    target = unitInTask(hit.task, requested, plans.units);
    if (!target) return refuse('unit-not-in-task', `“${requested}”不是该任务的责任单位。该任务的责任单位：${list(units)}。`);
  }
  const admin = svc.roles.isAdmin(actor);
  const mine = admin ? undefined : await svc.roles.unitOf(actor);
  if (!admin) {
    if (!mine) {
      let where = '本群尚未绑定单位（管理员可在单位工作群发送“/绑定 单位名称”）。';
      const bound = await svc.bindings.get(actor.tenant, actor.chatId).catch(() => undefined);
      if (bound) where = `本群绑定的是${bound.unit}，但未能确认您是本群成员，请稍后再试。`;
      return refuse('not-member', `只有该任务责任单位（${list(units)}）绑定工作群的成员，或管理员，可以报告进展。${where}`);
    }
    const own = unitInTask(hit.task, mine, plans.units);
    if (!own || (target && target !== own)) {
      return refuse(
        'other-unit',
        own
          ? `本群绑定的是${mine}，只能报告${mine}的进展。`
          : `该任务的责任单位是${list(units)}，本群绑定的是${mine}。只有${list(units)}的工作群成员，或管理员，可以报告这项任务的进展。`,
      );
    }
    return { ok: true, unit: own };
  }
  if (target) return { ok: true, unit: target };
  const bound = await svc.roles.unitOf(actor);
  const own = bound ? unitInTask(hit.task, bound, plans.units) : undefined;
  if (own) return { ok: true, unit: own };
  // Unnamed: the task's one lead, if it has exactly one (co-units are named explicitly).
  const leads = taskLeads(hit.task);
  if (units.length === 1 || leads.length === 1) return { ok: true, unit: (leads.length === 1 ? leads : units)[0]! };
  return refuse('need-unit', `该任务有多个责任单位（${list(units)}），请写明为哪个单位报告，例如：/进展 ${hit.task.path.join('')} ${units[0]} 推进中`);
}

export async function submitReport(
  svc: ProgressServices,
  plans: Plans,
  input: { actor: Actor; hit: TaskHit; unit?: string; status: ReportStatus; note: string; at: Date },
): Promise<Done | Refusal> {
  const auth = await authorizeReport(svc, plans, input.actor, input.hit, input.unit);
  if (!auth.ok) return auth;
  const { actor, hit } = input;
  const before = await svc.store.stateOf(actor.tenant, hit.task.id, auth.unit);
  const event = await svc.store.append({
    tenant: actor.tenant,
    taskId: hit.task.id,
    unit: auth.unit,
    kind: 'report',
    status: input.status,
    note: input.note,
    by: actor.senderId,
    ...byName(svc, actor),
    chatId: actor.chatId,
    at: input.at.toISOString(),
  });
  const progress = await svc.store.stateOf(actor.tenant, hit.task.id, auth.unit);
  await svc.audit.record({
    tenant: actor.tenant,
    action: 'report',
    by: actor.senderId,
    ...byName(svc, actor),
    chatId: actor.chatId,
    subject: hit.task.id,
    detail: { unit: auth.unit, status: input.status, eventId: event.id, ...(input.note ? { note: input.note } : {}) },
  });
  if (input.status === 'done' && before?.state !== 'closed') askSupervisors(svc, hit, auth.unit, event);
  return { ok: true, event, unit: auth.unit, progress, before };
}

function askSupervisors(svc: ProgressServices, hit: TaskHit, unit: string, event: ProgressEvent): void {
  const chat = svc.supervisorChatId;
  const notifier = svc.notifier;
  if (!chat || !notifier) {
    svc.log.info({ event: 'progress.no_supervisor_chat', taskId: hit.task.id, unit }, 'no supervisors chat to ask for confirmation');
    return;
  }
  svc.background.run('confirm-request', async () => {
    const sent = await notifier.sendToChat(chat, confirmRequestCard(hit, unit, event), eventUuid('cf', event, chat));
    for (const m of sent) await svc.cardRefs.remember(m.messageId, { taskId: hit.task.id, unit });
    svc.log.info({ event: 'progress.confirm_requested', taskId: hit.task.id, unit, chatId: chat, eventId: event.id }, 'confirmation card sent');
  });
}

/** Which unit a supervisor's decision is about: named, the only one, or the only one waiting. */
async function decisionUnit(svc: ProgressServices, plans: Plans, actor: Actor, hit: TaskHit, kind: 'confirm' | 'return', requested?: string): Promise<{ ok: true; unit: string } | Refusal> {
  const units = taskUnits(hit.task);
  if (units.length === 0) return refuse('no-named-unit', '该任务没有明确的责任单位，无法按单位办结或退回。');
  if (requested) {
    const u = unitInTask(hit.task, requested, plans.units);
    return u ? { ok: true, unit: u } : refuse('unit-not-in-task', `“${requested}”不是该任务的责任单位。该任务的责任单位：${list(units)}。`);
  }
  if (units.length === 1) return { ok: true, unit: units[0]! };
  const waiting: string[] = [];
  for (const u of units) if ((await svc.store.stateOf(actor.tenant, hit.task.id, u))?.state === 'pending-confirm') waiting.push(u);
  if (waiting.length === 1) return { ok: true, unit: waiting[0]! };
  const cmd = kind === 'confirm' ? `/办结 ${hit.task.path.join('')} ${units[0]}` : `/退回 ${hit.task.path.join('')} ${units[0]} 原因`;
  return refuse('need-unit', `该任务有多个责任单位（${list(units)}），请写明单位，例如：${cmd}`);
}

export async function decide(
  svc: ProgressServices,
  plans: Plans,
  input: { actor: Actor; hit: TaskHit; unit?: string; kind: 'confirm' | 'return'; note: string; at: Date },
): Promise<Done | Refusal> {
  const { actor, hit, kind } = input;
  if (!svc.roles.isAdmin(actor) && !(await svc.roles.isSupervisor(actor))) {
    const role = await svc.roles.roleOf(actor);
    return refuse('not-supervisor', `${kind === 'confirm' ? '办结销号' : '退回'}需要${ROLE_LABEL.supervisor}权限，您当前的身份是${ROLE_LABEL[role]}。`);
  }
  const target = await decisionUnit(svc, plans, actor, hit, kind, input.unit);
  if (!target.ok) return target;
  const unit = target.unit;
  const before = await svc.store.stateOf(actor.tenant, hit.task.id, unit);
  const state = before?.state ?? 'not-started';
  // 办结 is final for both decisions: a second /办结 and a late /退回 are refused alike.
  if (state === 'closed') {
    return refuse('already-closed', kind === 'confirm' ? `${unit}的这项任务已经办结销号，无需重复确认。` : `${unit}的这项任务已经办结销号，不能退回。`);
  }
  if (kind === 'return') {
    if (!input.note.trim()) return refuse('no-reason', `退回需要写明原因，例如：/退回 ${hit.task.path.join('')} ${unit} 请补充佐证材料`);
    if (state !== 'pending-confirm') {
      return refuse('nothing-to-return', `${unit}的这项任务当前为“${TASK_STATE_LABEL[state]}”，没有待确认的完成报告，无需退回。`);
    }
  }
  const event = await svc.store.append({
    tenant: actor.tenant,
    taskId: hit.task.id,
    unit,
    kind,
    note: input.note.trim(),
    by: actor.senderId,
    ...byName(svc, actor),
    chatId: actor.chatId,
    at: input.at.toISOString(),
  });
  const progress = await svc.store.stateOf(actor.tenant, hit.task.id, unit);
  await svc.audit.record({
    tenant: actor.tenant,
    action: kind,
    by: actor.senderId,
    ...byName(svc, actor),
    chatId: actor.chatId,
    subject: hit.task.id,
    detail: { unit, eventId: event.id, from: state, ...(event.note ? { note: event.note } : {}) },
  });
  tellUnit(svc, plans, hit, unit, event);
  return { ok: true, event, unit, progress, before };
}

function tellUnit(svc: ProgressServices, plans: Plans, hit: TaskHit, unit: string, event: ProgressEvent): void {
  const notifier = svc.notifier;
  if (!notifier) return;
  svc.background.run('decision-notice', async () => {
    const chats = (await svc.bindings.list(event.tenant)).filter((b) => !b.flagged && (b.unit === unit || plans.units.sameUnit(b.unit, unit)));
    for (const c of chats) {
      const sent = await notifier.sendToChat(c.chatId, decisionNotice(hit, unit, event), eventUuid('dn', event, c.chatId));
      if (event.kind === 'return') for (const m of sent) await svc.cardRefs.remember(m.messageId, { taskId: hit.task.id, unit });
    }
    svc.log.info({ event: 'progress.unit_notified', taskId: hit.task.id, unit, kind: event.kind, chats: chats.length }, 'unit told of the decision');
  });
}

/** "已记录：推进中" style label of what a report set. */
export function statusLabel(status: ReportStatus): string {
  return REPORT_STATUS_LABEL[status];
}
