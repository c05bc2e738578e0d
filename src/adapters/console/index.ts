import { createInterface } from 'node:readline';
import type { Bot, IncomingMessage, Logger, Reply } from '../../chat/types.js';
import { renderText } from './render.js';

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
  const print = (reply: Reply) => {
    output.write((printed ? '\n' : '') + renderText(reply) + '\n');
    printed = true;
  };

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
    if (text) {
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
