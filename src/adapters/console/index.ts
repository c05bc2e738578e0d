import { createInterface } from 'node:readline';
import { handleEvent } from '../../chat/bot.js';
import type { Bot, ButtonResult, IncomingMessage, Logger, Reply } from '../../chat/types.js';
import { buttonsOf, parsePress, renderText } from './render.js';

export { renderText } from './render.js';

export interface ConsoleOptions {
  bot: Bot;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Keep it off `output` (stderr or a file), or JSON lines interleave with the chat. */
  log: Logger;
  /** Sender id of the local user. */
  user?: string;
  /** First line at an interactive prompt (never when piped); false for none. */
  banner?: string | false;
  /** Where the last buttons shown are kept; pass one to share it across sessions (transcript tests). */
  memory?: ConsoleMemory;
}

export interface ConsoleMemory {
  buttons: Array<{ label: string; value: Record<string, string> }>;
}

const BANNER = '督办终端对话：直接提问，或输入 /帮助 查看命令；Ctrl-D 或 exit 退出。';

const PROMPT = '督办> ';
const QUIT = /^(?:exit|quit|退出)$/iu;

function isTty(stream: unknown): boolean {
  return Boolean((stream as { isTTY?: boolean }).isTTY);
}

/**
 * A terminal chat in the manner of Hubot's shell adapter: every line is a
 * one-to-one message from the local user; replies are printed as text.
 * Resolves when input ends (EOF, Ctrl-D, Ctrl-C — readline closes on it — or "exit" at a prompt),
 * after the last line has been answered, so `echo … | npm start` prints and exits.
 */
export async function startConsole(opts: ConsoleOptions): Promise<void> {
  const { bot, input, output, log } = opts;
  const tty = isTty(input) && isTty(output);
  const rl = createInterface({ input, ...(tty ? { output, terminal: true } : { terminal: false }) });
  const user = opts.user ?? 'console';
  let printed = false;
  // The buttons of the last reply that had any: "按 2" presses the second.
  const memory: ConsoleMemory = opts.memory ?? { buttons: [] };
  const print = (reply: Reply) => {
    output.write((printed ? '\n' : '') + renderText(reply) + '\n');
    printed = true;
    const b = buttonsOf(reply);
    if (b.length > 0) memory.buttons = b;
  };
  const TOAST: Record<NonNullable<ButtonResult['toast']>['type'], string> = { success: '✓', info: 'ℹ', warning: '!', error: '✗' };

  log.info({ event: 'console-start', tty }, 'console chat started');
  if (tty) {
    const banner = opts.banner ?? BANNER;
    if (banner) output.write(banner + '\n');
    rl.setPrompt(PROMPT);
    rl.prompt();
  }

  let count = 0;
  // Lines are answered one at a time, in order; readline buffers the rest meanwhile.
  for await (const line of rl) {
    const text = line.trim();
    if (tty && QUIT.test(text)) break;
    const press = text ? parsePress(text) : undefined;
    if (press) {
      count += 1;
      const { buttons } = memory;
      const button = buttons[press.n - 1];
      if (!button) {
        print({ tone: 'orange', blocks: [{ kind: 'text', text: buttons.length ? `没有第 ${press.n} 个按钮（可选 1–${buttons.length}）。` : '上一条回复没有可以按的按钮。' }] });
      } else {
        try {
          const result = await handleEvent(
            bot,
            { kind: 'button', id: `console-${Date.now()}-${count}`, platform: 'console', tenant: 'local', chatId: 'console', senderId: user, value: button.value, note: [...press.note].slice(0, 500).join('') },
            { reply: async (reply) => print(reply) },
          );
          if (result?.toast) print({ blocks: [{ kind: 'text', text: `${TOAST[result.toast.type]} ${result.toast.text}` }] });
          if (result?.update) print(result.update);
        } catch (err) {
          log.error({ event: 'console-error', err }, 'button failed');
          print({ tone: 'red', blocks: [{ kind: 'text', text: '抱歉，处理这条消息时出错了。' }] });
        }
      }
    } else if (text) {
      count += 1;
      const message: IncomingMessage = {
        platform: 'console',
        tenant: 'local',
        chatId: 'console',
        chatType: 'p2p',
        senderId: user,
        text,
        mentionsBot: false,
        messageId: `console-${count}`,
      };
      try {
        await bot.handle(message, { reply: async (reply) => print(reply) });
      } catch (err) {
        log.error({ event: 'console-error', err, messageId: message.messageId }, 'message failed');
        print({ tone: 'red', blocks: [{ kind: 'text', text: '抱歉，处理这条消息时出错了。' }] });
      }
    }
    if (tty) rl.prompt();
  }
  rl.close();
  if (tty) output.write('\n');
  log.info({ event: 'console-end', messages: count }, 'console chat ended');
}
