import { commands as builtinCommands } from '../../handlers/index.js';
import { hasRequiredArgs, type Command } from './command.js';
import { toReply, type Context, type Plans } from './context.js';
import { usageReply } from './help.js';
import { MAX_INPUT_CHARS, route } from './route.js';
import { ROLE_LABEL, roleAtLeast } from './roles.js';
import type { Bot, ButtonPress, ButtonResult, Clock, InboundEvent, IncomingMessage, Logger, Outbox, Reply, Role } from './types.js';
import type { ProgressServices } from '../progress/services.js';
import { onceScoped } from '../progress/store.js';
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
  /** What pressing a button does, by the button's `action` (see src/progress/buttons.ts). */
  buttons?: Readonly<Record<string, ButtonRun>>;
  /** Reminder and delivery records for /诊断. */
  deliveries?: DeliveryLog;
}

/** One button action: the press (already verified by the adapter), the plans now, the services. */
export type ButtonRun = (press: ButtonPress, ctx: { plans: Plans; clock: Clock; log: Logger; progress?: ProgressServices }) => Promise<ButtonResult>;

export const NON_TEXT_NOTE = '目前只能识别文字消息，请直接输入文字，例如“/帮助”。';

const STALE_BUTTON: ButtonResult = { toast: { type: 'info', text: '该按钮已失效。' } };

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

  async function press(e: ButtonPress): Promise<ButtonResult> {
    const action = typeof e.value.action === 'string' ? e.value.action : '';
    const run = deps.buttons && Object.hasOwn(deps.buttons, action) ? deps.buttons[action] : undefined;
    const log = deps.log.child({ platform: e.platform, chatId: e.chatId, eventId: e.id, button: action });
    if (!run) {
      log.warn({ event: 'bad-input', reason: 'unknown-button' }, 'button not ours');
      return STALE_BUTTON;
    }
    try {
      // A press may be handled again after a crash: what it records is keyed by the press.
      const progress = deps.progress && { ...deps.progress, store: onceScoped(deps.progress.store, `${e.platform}:${e.id}`) };
      return await run(e, { plans: plansNow(), clock: deps.clock, log, ...(progress ? { progress } : {}) });
    } catch (err) {
      log.error({ event: 'handler-error', err }, 'button failed');
      return { toast: { type: 'error', text: '抱歉，处理这条消息时出错了，请稍后再试。' } };
    }
  }

  const bot: Bot = {
    press,

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
          if (deps.progress) ctx.progress = out.idempotencyKey ? { ...deps.progress, store: onceScoped(deps.progress.store, out.idempotencyKey) } : deps.progress;
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
  return bot;
}

/**
 * The one entry for every inbound event, whatever the platform: a menu click
 * is the command it stands for in the user's p2p chat, joining a chat is
 * "/帮助" there, a button goes to the bot's `press`. Returns a button's answer.
 */
export async function handleEvent(bot: Bot, e: InboundEvent, out: Outbox): Promise<ButtonResult | undefined> {
  switch (e.kind) {
    case 'message':
      if (e.message.unsupported) await out.reply({ blocks: [{ kind: 'text', text: NON_TEXT_NOTE }] });
      else await bot.handle(e.message, out);
      return undefined;
    case 'menu': {
      const m: IncomingMessage = { platform: e.platform, tenant: e.tenant, chatId: e.senderId, chatType: 'p2p', senderId: e.senderId, text: e.command, mentionsBot: true, messageId: e.id };
      if (e.senderName) m.senderName = e.senderName;
      await bot.handle(m, out);
      return undefined;
    }
    case 'joined':
      // The greeting is the bot's own answer to "/帮助" in that chat, so it never drifts from the help text.
      await bot.handle({ platform: e.platform, tenant: e.tenant, chatId: e.chatId, chatType: 'group', senderId: e.operatorId, text: '/帮助', mentionsBot: true, messageId: e.id }, out);
      return undefined;
    case 'button':
      return bot.press ? bot.press(e) : STALE_BUTTON;
  }
}
