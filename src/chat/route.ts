import * as OpenCC from 'opencc-js';
import type { Command } from './command.js';
import { nearestCommand } from './suggest.js';
import type { IncomingMessage } from './types.js';

/**
 * Deciding what a message asks for. Pure: the same message and registry
 * always give the same route, which is what the routing tests pin down.
 */

/** Longer input is refused before any parsing (a pasted document is not a question). */
export const MAX_INPUT_CHARS = 2000;

export type Via = 'slash' | 'text' | 'intent' | 'catch-all' | 'empty' | 'file';

export type Route =
  | { kind: 'ignore'; reason: 'group-not-addressed' | 'blank' | 'file-not-handled' }
  | { kind: 'too-long'; length: number }
  | { kind: 'command'; command: Command; args: string; via: Via }
  | { kind: 'unknown'; word: string; suggestion?: Command };

const TRAILING_PUNCT = /[\s？?。!！~～]+$/u;
const LEADING_MENTIONS = /^(?:[@＠]\S+\s*)+/u;
/** What may separate a command word from its argument when typed without a slash. */
const TEXT_BOUNDARY = /^(?:$|[\s:：,，])/u;
const ARG_EDGES = /^[\s:：,，、;；]+|[\s:：,，、;；]+$/gu;

function cleanArgs(s: string): string {
  return s.replace(/\s+/gu, ' ').replace(ARG_EDGES, '').trim();
}

let t2s: ((s: string) => string) | undefined;

/**
 * Command words and intents are declared in simplified characters; a question
 * typed in traditional ones ("減稅降費誰牽頭") must route the same. Built on first
 * use, since loading the dictionaries costs a few milliseconds.
 */
function simplified(text: string): string {
  return /[^\x00-\x7f]/u.test(text) ? (t2s ??= OpenCC.Converter({ from: 't', to: 'cn' }))(text) : text;
}

/** "你好，减税降费谁牵头": a greeting before a question is politeness, not the question. */
const LEADING_GREETING = /^(?:你好|您好|hi|hello)[\s,，!！。~～]+(?=\S)/iu;

function normalise(text: string): string {
  return simplified(text).replace(/\u3000/gu, ' ').trim().replace(LEADING_MENTIONS, '').replace(LEADING_GREETING, '').replace(TRAILING_PUNCT, '').trim();
}

interface Keyed {
  key: string;
  command: Command;
}

/** Names and aliases, longest first, so "谁负责" wins over a shorter alias it starts with. */
function keys(commands: readonly Command[]): Keyed[] {
  const out: Keyed[] = [];
  for (const command of commands) {
    for (const key of [command.name, ...command.aliases]) out.push({ key: key.toLowerCase(), command });
  }
  return out.sort((a, b) => [...b.key].length - [...a.key].length);
}

function isAsciiWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[a-z0-9]/iu.test(ch);
}

/** `body` starts with a command word: for slash text any continuation is the argument. */
function matchPrefix(body: string, commands: readonly Command[], strictBoundary: boolean): { command: Command; args: string } | undefined {
  const lower = body.toLowerCase();
  for (const { key, command } of keys(commands)) {
    if (!lower.startsWith(key)) continue;
    const rest = body.slice(key.length);
    // "/helpme" is not "/help me"; Chinese needs no space ("/谁牵头IPv6改造").
    if (isAsciiWordChar(key.at(-1)) && isAsciiWordChar(rest[0])) continue;
    if (strictBoundary && !TEXT_BOUNDARY.test(rest)) continue;
    return { command, args: cleanArgs(rest) };
  }
  return undefined;
}

function withGlobal(re: RegExp): RegExp {
  return re.flags.includes('g') ? re : new RegExp(re.source, re.flags + 'g');
}

/** Natural questions, tried by intent priority, then registry order. */
export function matchIntent(text: string, commands: readonly Command[]): { command: Command; args: string } | undefined {
  const candidates = commands
    .flatMap((command, order) => (command.intents ?? []).map((intent) => ({ command, intent, order })))
    .sort((a, b) => (b.intent.priority ?? 0) - (a.intent.priority ?? 0) || a.order - b.order);
  for (const { command, intent } of candidates) {
    const m = intent.pattern.exec(text);
    if (!m) continue;
    const arg = m.groups?.arg ?? text.replace(withGlobal(intent.pattern), ' ');
    return { command, args: cleanArgs(arg) };
  }
  return undefined;
}

export function route(message: IncomingMessage, commands: readonly Command[]): Route {
  // A file sent to the bot goes to the command that takes files (/导入); in a
  // group only when addressed, as with text.
  if (message.attachment) {
    if (message.chatType === 'group' && !message.mentionsBot) return { kind: 'ignore', reason: 'group-not-addressed' };
    const onFile = commands.find((c) => c.onFile);
    return onFile ? { kind: 'command', command: onFile, args: '', via: 'file' } : { kind: 'ignore', reason: 'file-not-handled' };
  }
  const raw = message.text ?? '';
  const text = normalise(raw);
  const slash = /^[/／]/u.test(text);
  if (message.chatType === 'group' && !message.mentionsBot && !slash) {
    return { kind: 'ignore', reason: 'group-not-addressed' };
  }
  if ([...raw].length > MAX_INPUT_CHARS) return { kind: 'too-long', length: [...raw].length };

  if (slash) {
    const body = text.slice(1).trim();
    const onEmpty = commands.find((c) => c.onEmpty);
    if (!body && onEmpty) return { kind: 'command', command: onEmpty, args: '', via: 'empty' };
    const hit = matchPrefix(body, commands, false);
    if (hit) return { kind: 'command', ...hit, via: 'slash' };
    const word = body.split(/\s/u)[0] ?? '';
    return { kind: 'unknown', word, suggestion: nearestCommand(word, commands) };
  }

  if (!text) {
    const onEmpty = commands.find((c) => c.onEmpty);
    return onEmpty ? { kind: 'command', command: onEmpty, args: '', via: 'empty' } : { kind: 'ignore', reason: 'blank' };
  }

  const typed = matchPrefix(text, commands, true);
  if (typed) return { kind: 'command', ...typed, via: 'text' };

  const asked = matchIntent(text, commands);
  if (asked) return { kind: 'command', ...asked, via: 'intent' };

  // "谁签头 IPv6": a near miss typed as a command. Only for longer names; a
  // two-character word is too often ordinary speech ("政务" vs "任务").
  const word = text.split(/\s/u)[0] ?? '';
  const near = nearMissWord(word, commands);
  if (near) return { kind: 'unknown', word, suggestion: near };

  const catchAll = commands.find((c) => c.catchAll);
  if (catchAll) return { kind: 'command', command: catchAll, args: cleanArgs(text), via: 'catch-all' };
  return { kind: 'unknown', word, suggestion: undefined };
}

function nearMissWord(word: string, commands: readonly Command[]): Command | undefined {
  const w = [...word.toLowerCase()];
  if (w.length < 3) return undefined;
  // One substituted character in a whole word of the same length; the prefix
  // leniency of slash commands would turn ordinary sentences into suggestions.
  return commands.find((c) =>
    [c.name, ...c.aliases].some((key) => {
      const k = [...key.toLowerCase()];
      return k.length === w.length && k.filter((ch, i) => ch !== w[i]).length === 1;
    }),
  );
}
