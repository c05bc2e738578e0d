import { commands as builtinCommands } from '../../handlers/index.js';
import { hasRequiredArgs, type Command } from './command.js';
import { toReply, type Context, type Plans } from './context.js';
import { usageReply } from './help.js';
import { MAX_INPUT_CHARS, route } from './route.js';
import { ROLE_LABEL, roleAtLeast } from './roles.js';
import type { Bot, Clock, IncomingMessage, Logger, Outbox, Reply, Role } from './types.js';
import type { ProgressServices } from '../progress/services.js';
import type { FileSink } from '../summary/file-sink.js';
import type { DeliveryLog } from './deliveries.js';

export interface BotDeps {
  /** The loaded plans, or a getter when they can be reloaded while running. */
  plans: Plans | (() => Plans);
  clock: Clock;
  log: Logger;
  /** Who the sender is; defaults to admin for the local console, everyone elsewhere. */
  roleOf?(message: IncomingMessage): Promise<Role>;
  /** Defaults to the handlers/ registry; tests pass their own. */
  commands?: readonly Command[];
  /** Stateful features for /进展, /绑定, /提醒…; without them those commands say Redis is needed. */
  progress?: ProgressServices;
  /** Where /台账 puts its Excel file; without it the command explains how to export from the CLI. */
  files?: FileSink;
  /** Reminder and delivery records for /诊断. */
  deliveries?: DeliveryLog;
}

/** A local terminal user owns the machine the bot runs on; remote senders prove nothing by default. */
async function defaultRoleOf(message: IncomingMessage): Promise<Role> {
  return message.platform === 'console' ? 'admin' : 'everyone';
}

const HELP_POINTER = '发送 /帮助 查看全部命令。';

/** Echoed user words are shortened; adapters escape them, this only keeps replies tidy. */
function shortWord(word: string): string {
  const chars = [...word];
  return chars.length > 20 ? chars.slice(0, 20).join('') + '…' : word;
}

export function createBot(deps: BotDeps): Bot {
  const commands = deps.commands ?? builtinCommands;
  const roleOf = deps.roleOf ?? defaultRoleOf;
  const plansNow = typeof deps.plans === 'function' ? deps.plans : () => deps.plans as Plans;

  return {
    async handle(message: IncomingMessage, out: Outbox): Promise<void> {
      const log = deps.log.child({
        platform: message.platform,
        chatId: message.chatId,
        chatType: message.chatType,
        messageId: message.messageId,
      });
      const send = (reply: Reply | string) => out.reply(toReply(reply));
      const r = route(message, commands);

      switch (r.kind) {
        case 'ignore':
          log.debug({ event: 'ignored', reason: r.reason }, 'message not addressed to the bot');
          return;
        case 'too-long':
          log.warn({ event: 'bad-input', reason: 'too-long', length: r.length }, 'input too long');
          return send({
            tone: 'orange',
            blocks: [
              { kind: 'text', text: `抱歉，这条消息有 ${r.length} 字，超过了 ${MAX_INPUT_CHARS} 字的上限，没有处理。` },
              { kind: 'note', text: `请只发送要查询的事项或命令。${HELP_POINTER}` },
            ],
          });
        case 'unknown': {
          log.warn(
            { event: 'bad-input', reason: 'unknown-command', word: shortWord(r.word), suggestion: r.suggestion?.name },
            'unknown command',
          );
          const guess = r.suggestion ? `您要找的是不是 /${r.suggestion.name}？` : '';
          return send({
            tone: 'orange',
            blocks: [
              { kind: 'text', text: `没有“/${shortWord(r.word)}”这个命令。${guess}` },
              { kind: 'note', text: HELP_POINTER },
            ],
          });
        }
        case 'command': {
          const { command, args, via } = r;
          const role = await roleOf(message);
          if (!roleAtLeast(role, command.role)) {
            log.warn({ event: 'bad-input', reason: 'forbidden', command: command.name, role, need: command.role }, 'role too weak');
            return send({
              tone: 'red',
              blocks: [
                {
                  kind: 'text',
                  text: `/${command.name} 需要${ROLE_LABEL[command.role]}权限，您当前的身份是${ROLE_LABEL[role]}。`,
                },
                { kind: 'note', text: '如需开通，请联系督办管理员。' },
              ],
            });
          }
          if (!args && hasRequiredArgs(command)) {
            log.warn({ event: 'bad-input', reason: 'missing-arg', command: command.name, via }, 'missing argument');
            return send(usageReply(command));
          }
          const clog = log.child({ command: command.name });
          clog.info({ event: 'command', via, argsLength: [...args].length }, 'command');
          const ctx: Context = { message, args, via, reply: send, plans: plansNow(), clock: deps.clock, log: clog, role, commands };
          if (deps.progress) ctx.progress = deps.progress;
          if (deps.files) ctx.files = deps.files;
          if (deps.deliveries) ctx.deliveries = deps.deliveries;
          try {
            await command.run(ctx);
          } catch (err) {
            clog.error({ event: 'handler-error', err }, 'handler failed');
            await send({ tone: 'red', blocks: [{ kind: 'text', text: '抱歉，处理这条消息时出错了，请稍后再试。' }] });
          }
          return;
        }
      }
    },
  };
}
