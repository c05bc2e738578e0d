import { envSchema, type Config } from '../config.js';
import type { ReminderConfigInput } from './types.js';

/** The reminder settings of the app config, in the planner's terms (REMINDER_TIME as "HH:MM"). */
export function reminderSettings(reminders: Pick<Config['reminders'], 'time' | 'offsetsDays' | 'escalateAfterWorkdays'>): Omit<ReminderConfigInput, 'tenant'> {
  const { hour, minute } = reminders.time;
  return {
    time: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`,
    offsets: reminders.offsetsDays,
    escalateAfterWorkdays: reminders.escalateAfterWorkdays,
  };
}

/** The same, for one tenant. */
export function reminderConfigFrom(reminders: Config['reminders'], tenant: string): ReminderConfigInput {
  return { tenant, ...reminderSettings(reminders) };
}

const reminderEnv = envSchema.pick({ REMINDER_TIME: true, REMINDER_OFFSETS_DAYS: true, ESCALATE_AFTER_WORKDAYS: true });

/**
 * Just the reminder variables (REMINDER_TIME, REMINDER_OFFSETS_DAYS,
 * ESCALATE_AFTER_WORKDAYS), validated with the app's own rules, so the CLI
 * shows the calendar the bot would run without needing the rest of the config.
 * Returns the Chinese problem text when a variable is malformed.
 */
export function reminderConfigFromEnv(env: Readonly<Record<string, string | undefined>>, tenant = 'local'): ReminderConfigInput | string {
  const picked: Record<string, string> = {};
  for (const k of ['REMINDER_TIME', 'REMINDER_OFFSETS_DAYS', 'ESCALATE_AFTER_WORKDAYS'] as const) {
    const v = env[k];
    if (v !== undefined && v.trim() !== '') picked[k] = v;
  }
  const parsed = reminderEnv.safeParse(picked);
  if (!parsed.success) {
    return parsed.error.issues.map((i) => `${String(i.path[0] ?? '')}：${i.message}`).join('；');
  }
  return reminderConfigFrom(
    {
      time: parsed.data.REMINDER_TIME,
      offsetsDays: parsed.data.REMINDER_OFFSETS_DAYS,
      escalateAfterWorkdays: parsed.data.ESCALATE_AFTER_WORKDAYS,
    },
    tenant,
  );
}
