import type { Command } from '../src/chat/command.js';
import bind from './bind.js';
import confirm, { returnTask } from './confirm.js';
import diagnose from './diagnose.js';
import documents from './documents.js';
import greet from './greet.js';
import due from './due.js';
import help from './help.js';
import holidays from './holidays.js';
import importPlans from './import.js';
import ledger from './ledger.js';
import progress from './progress.js';
import reminders from './reminders.js';
import unbind from './unbind.js';
import unitTasks from './unit-tasks.js';
import weekly from './weekly.js';
import whoami from './whoami.js';
import whoLeads from './who-leads.js';

/** Every command the bot knows; order is the order /帮助 lists them in. */
export const commands: readonly Command[] = [whoLeads, unitTasks, due, documents, progress, reminders, confirm, returnTask, weekly, ledger, bind, unbind, diagnose, importPlans, holidays, whoami, help, greet];
