import { expect, it } from 'vitest';
import { DeliveryJobData } from '../../jobs/delivery-queue.js';
import type { Reply } from '../../src/chat/types.js';
import { reminderReply } from '../../src/reminders/message.js';

// A delivery job is re-validated when the worker reads it back from Redis:
// whatever the reminder worker built must come out exactly as it went in.

function job(reply: Reply) {
  return { v: 1 as const, tenant: 't', chatId: 'oc_unit', ref: 'rem-1', uuid: 'dub-1', reply };
}

it('keeps the 说明 box of a reminder card through the delivery job', () => {
  const card = reminderReply(
    {
      taskId: 'plan.txt#一、（一）',
      unit: '县财政局',
      path: ['一、', '（一）'],
      title: '深化财政预算信息公开',
      docTitle: '2022年政务公开工作要点',
      file: 'plan.txt',
      dueDate: '2022-06-30',
      deadlineText: '6月底前',
      kind: 'before-3',
      repeat: 0,
      target: { kind: 'unit', unit: '县财政局' },
    },
    { today: '2022-06-27' },
  );
  const actions = card.blocks.find((b) => b.kind === 'actions');
  expect(actions && actions.kind === 'actions' && actions.note?.placeholder).toBe('说明（选填）');
  expect(DeliveryJobData.parse(job(card)).reply).toEqual(card);
});

it('keeps a chart and its fallback, and refuses a block it does not know', () => {
  const card: Reply = {
    title: '周报',
    blocks: [{ kind: 'chart', spec: { type: 'bar', data: [] }, fallback: { kind: 'divider' } }, { kind: 'actions', buttons: [{ label: '好', value: { a: '1' } }], note: { placeholder: '原因', required: true, maxLength: 100 } }],
  };
  expect(DeliveryJobData.parse(job(card)).reply).toEqual(card);
  expect(DeliveryJobData.safeParse(job({ blocks: [{ kind: 'marquee', text: 'x' } as never] })).success).toBe(false);
});
