import type { Role } from './types.js';
import type { Context } from './context.js';

/**
 * A command is declared as data. Help text, near-miss suggestions, usage
 * errors, role checks and natural-question routing are all derived from the
 * declaration, so adding a command means adding one file in handlers/.
 */

export interface ArgDecl {
  name: string;
  description: string;
  required: boolean;
  /** Takes the rest of the line, spaces included. */
  rest?: boolean;
}

/**
 * A natural-language way of asking for a command ("减税降费谁牵头？").
 * `pattern` is tried against the addressed text (mention stripped, trailing
 * punctuation removed). The argument is the named group `arg` when the
 * pattern has one, otherwise the text with the matched phrase cut out, so
 * the question words go and the topic words stay.
 */
export interface Intent {
  pattern: RegExp;
  /** Higher is tried first; narrow patterns outrank broad ones. Default 0. */
  priority?: number;
}

export interface Command {
  /** Canonical Chinese name, used as `/name`. */
  name: string;
  aliases: string[];
  args: ArgDecl[];
  description: string;
  /** Full example invocations, e.g. "/谁牵头 减税降费". The first is shown in usage errors. */
  examples: string[];
  /** Weakest role that may run it. */
  role: Role;
  /** Heading under which `/帮助` lists it. */
  group: string;
  intents?: Intent[];
  /** Free text in a p2p chat or after a mention that nothing else claims goes here. */
  catchAll?: boolean;
  /** An empty addressed message ("@督办" alone) runs this. */
  onEmpty?: boolean;
  /** A file sent to the bot (IncomingMessage.attachment) runs this. */
  onFile?: boolean;
  /**
   * Examples that work where the asker is (a bound group's own tasks); /帮助
   * shows them before the declared ones, which name tasks of some plan.
   */
  localExamples?(ctx: Context): Promise<string[]>;
  run(ctx: Context): Promise<void> | void;
}

/** Identity helper so declarations are type-checked where they are written. */
export function defineCommand(command: Command): Command {
  return command;
}

/** "/谁牵头 <关键词|编号>" from the declaration. */
export function usageLine(command: Command): string {
  const args = command.args.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`));
  return ['/' + command.name, ...args].join(' ');
}

export function hasRequiredArgs(command: Command): boolean {
  return command.args.some((a) => a.required);
}
