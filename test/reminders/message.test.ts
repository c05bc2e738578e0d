import { expect, it } from 'vitest';
import { ReminderJobData, toJobData } from '../../jobs/reminder-queue.js';
import { renderText } from '../../src/adapters/console/render.js';
import { reminderReply } from '../../src/reminders/message.js';
import { planReminders } from '../../src/reminders/plan.js';
import { doc, ledger, task } from './fixtures.js';

it('one card names every duty of the task due at once, and the job carries them to the worker', () => {
  const rs = planReminders(
    ledger(
      doc({
        issuedOn: '2022-01-10',
        tasks: [
          task({
            path: ['二、', '（一）'],
            title: '政务公开考核',
            leads: ['县府办'],
            recurring: [
              { text: '每季度报送', rule: 'quarterly' },
              { text: '每半年自查', rule: 'semiannual' },
            ],
          }),
        ],
      }),
    ),
    { today: '2022-06-30', until: '2022-06-30' },
  );
  expect(rs).toHaveLength(1);
  const job = ReminderJobData.parse(JSON.parse(JSON.stringify(toJobData(rs[0]!))));
  const text = renderText(reminderReply(job, { today: '2022-06-30' }));
  expect(text).toContain('该任务同时有 2 项时限需要办理：');
  expect(text).toContain('每季度报送（2022年6月30日，今日截止）');
  expect(text).toContain('每半年自查（2022年6月30日，今日截止）');
});
