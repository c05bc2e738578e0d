import type { Ledger } from '../plan/schema.js';
import type { ProgressServices } from '../progress/services.js';
import type { PlanIndex } from '../search/index.js';
import type { FileSink } from '../summary/file-sink.js';
import type { UnitDirectory } from '../units/directory.js';
import type { Command } from './command.js';
import type { DeliveryLog } from './deliveries.js';
import type { Via } from './route.js';
import type { Clock, IncomingMessage, Logger, Reply, Role } from './types.js';

/** The loaded plans every handler reads; built once per load, never mutated. */
export interface Plans {
  ledger: Ledger;
  index: PlanIndex;
  units: UnitDirectory;
}

/** What a handler gets. Deliberately no platform client: replies go through `reply`. */
export interface Context {
  message: IncomingMessage;
  /** Everything after the command name (or the topic a natural question asked about), trimmed. */
  args: string;
  /**
   * How the command was asked: typed as a command ('slash', 'text') or as a
   * question ('intent', 'catch-all'). Search handlers give questions to the
   * index whole, since its own analysis reads "什么时候" as asking for a date.
   */
  via: Via;
  reply(reply: Reply | string): Promise<void>;
  plans: Plans;
  clock: Clock;
  /** Child logger already bound to the message and command. */
  log: Logger;
  role: Role;
  /** The registry the bot runs with, so /帮助 describes exactly what is installed. */
  commands: readonly Command[];
  /** Progress log, bindings, roles and audit (issue 5); absent when the bot runs without Redis. */
  progress?: ProgressServices;
  /** Puts a file into the conversation (/台账): Lark uploads it, the console saves it under DATA_DIR. */
  files?: FileSink;
  /** What happened to reminders and their messages (/诊断); absent without Redis. */
  deliveries?: DeliveryLog;
}

export function toReply(reply: Reply | string): Reply {
  return typeof reply === 'string' ? { blocks: [{ kind: 'text', text: reply }] } : reply;
}
