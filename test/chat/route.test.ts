import { describe, expect, it } from 'vitest';
import { MAX_INPUT_CHARS, route, type Route } from '../../src/chat/route.js';
import { commands } from '../../handlers/index.js';
import { msg } from './fixtures.js';

function cmd(r: Route): { name: string; args: string; via: string } | Route {
  return r.kind === 'command' ? { name: r.command.name, args: r.args, via: r.via } : r;
}

describe('route: how commands arrive', () => {
  it('takes slash commands, half- and full-width, with or without a space', () => {
    expect(cmd(route(msg('/谁牵头 IPv6改造'), commands))).toEqual({ name: '谁牵头', args: 'IPv6改造', via: 'slash' });
    expect(cmd(route(msg('／谁牵头 IPv6改造'), commands))).toEqual({ name: '谁牵头', args: 'IPv6改造', via: 'slash' });
    expect(cmd(route(msg('/谁牵头IPv6改造'), commands))).toEqual({ name: '谁牵头', args: 'IPv6改造', via: 'slash' });
    expect(cmd(route(msg('/任务　县财政局'), commands))).toEqual({ name: '任务', args: '县财政局', via: 'slash' });
  });

  it('resolves aliases to their command', () => {
    expect(cmd(route(msg('/牵头 政府网站'), commands))).toMatchObject({ name: '谁牵头', args: '政府网站' });
    expect(cmd(route(msg('/谁负责 政府网站'), commands))).toMatchObject({ name: '谁牵头', args: '政府网站' });
    expect(cmd(route(msg('/help'), commands))).toMatchObject({ name: '帮助', args: '' });
    expect(cmd(route(msg('/HELP 任务'), commands))).toMatchObject({ name: '帮助', args: '任务' });
  });

  it('takes a group message that mentions the bot (mention already stripped) and ignores the rest', () => {
    const mentioned = msg('谁牵头 IPv6改造', { chatType: 'group', mentionsBot: true });
    expect(cmd(route(mentioned, commands))).toEqual({ name: '谁牵头', args: 'IPv6改造', via: 'text' });
    const chatter = msg('谁牵头 IPv6改造', { chatType: 'group', mentionsBot: false });
    expect(route(chatter, commands)).toEqual({ kind: 'ignore', reason: 'group-not-addressed' });
    const question = msg('减税降费谁牵头？', { chatType: 'group', mentionsBot: false });
    expect(route(question, commands).kind).toBe('ignore');
  });

  it('takes slash commands in a group without a mention', () => {
    const m = msg('/截止 下月', { chatType: 'group', mentionsBot: false });
    expect(cmd(route(m, commands))).toEqual({ name: '截止', args: '下月', via: 'slash' });
  });

  it('takes plain text commands in a one-to-one chat', () => {
    expect(cmd(route(msg('任务 县财政局'), commands))).toEqual({ name: '任务', args: '县财政局', via: 'text' });
    expect(cmd(route(msg('谁牵头：政府网站'), commands))).toEqual({ name: '谁牵头', args: '政府网站', via: 'text' });
    expect(cmd(route(msg('文件'), commands))).toEqual({ name: '文件', args: '', via: 'text' });
  });

  it('skips other people\'s @-mentions in front of the text', () => {
    const m = msg('@张三 减税降费谁牵头', { chatType: 'group', mentionsBot: true });
    expect(cmd(route(m, commands))).toMatchObject({ name: '谁牵头', args: '减税降费' });
  });

  it('an empty addressed message shows help', () => {
    expect(cmd(route(msg('', { chatType: 'group', mentionsBot: true }), commands))).toMatchObject({ name: '帮助', via: 'empty' });
    expect(cmd(route(msg('/'), commands))).toMatchObject({ name: '帮助', via: 'empty' });
  });
});

describe('route: natural questions map to commands by declared intents', () => {
  const cases: Array<[string, string, string]> = [
    ['减税降费谁牵头？', '谁牵头', '减税降费'],
    ['IPv6改造归谁管', '谁牵头', 'IPv6改造'],
    ['庆元 减税降费 哪个单位负责', '谁牵头', '庆元 减税降费'],
    ['牵头单位是谁：政府网站找错留言', '谁牵头', '政府网站找错留言'],
    ['政府网站找错留言，牵头单位是谁', '谁牵头', '政府网站找错留言'],
    ['群众咨询留言要一个工作日内回复，这事谁牵头？', '谁牵头', '群众咨询留言要一个工作日内回复'],
    ['谁负责减税降费', '谁牵头', '减税降费'],
    ['智能客服找哪个单位', '谁牵头', '智能客服'],
    ['网站找错留言谁来办', '谁牵头', '网站找错留言'],
    ['好差评评价渠道 牵头', '谁牵头', '好差评评价渠道'],
    ['先行试点推进情况啥时候报？', '谁牵头', '先行试点推进情况 报'],
    ['县财政局有哪些任务', '任务', '县财政局'],
    ['发改局负责什么工作', '任务', '发改局'],
    ['县财政局的任务', '任务', '县财政局'],
    ['这个月有什么到期', '截止', '这个月'],
    ['7月有哪些任务要到期', '截止', '7月'],
    ['30天内到期的任务', '截止', '30天'],
    ['哪些任务下周截止', '截止', '下周'],
    ['到期的任务有哪些', '截止', ''],
    ['有什么快到期的', '截止', ''],
    ['载入了哪些文件', '文件', ''],
    ['你能做什么', '帮助', ''],
  ];
  it.each(cases)('%s → /%s %s', (text, name, args) => {
    expect(cmd(route(msg(text), commands))).toEqual({ name, args, via: 'intent' });
  });

  it('routes questions and commands typed in traditional characters', () => {
    expect(cmd(route(msg('減稅降費誰牽頭？'), commands))).toEqual({ name: '谁牵头', args: '减税降费', via: 'intent' });
    expect(cmd(route(msg('/幫助 截止'), commands))).toEqual({ name: '帮助', args: '截止', via: 'slash' });
    expect(cmd(route(msg('縣財政局有哪些任務'), commands))).toEqual({ name: '任务', args: '县财政局', via: 'intent' });
  });

  it('free text nothing else claims is looked up', () => {
    expect(cmd(route(msg('政府网站集约化'), commands))).toEqual({ name: '谁牵头', args: '政府网站集约化', via: 'catch-all' });
  });

  it('a plain 截止-time question about one item is a lookup, not the due list', () => {
    expect(cmd(route(msg('规范性文件清理截止时间'), commands))).toMatchObject({ name: '谁牵头', args: '规范性文件清理' });
  });
});

describe('route: bad input', () => {
  it('flags an unknown slash command with the nearest name', () => {
    const r = route(msg('/谁签头 IPv6改造'), commands);
    expect(r).toMatchObject({ kind: 'unknown', word: '谁签头' });
    expect(r.kind === 'unknown' && r.suggestion?.name).toBe('谁牵头');
    const glued = route(msg('/谁签头IPv6改造'), commands);
    expect(glued.kind === 'unknown' && glued.suggestion?.name).toBe('谁牵头');
    const alias = route(msg('/hlep'), commands);
    expect(alias.kind === 'unknown' && alias.suggestion?.name).toBe('帮助');
  });

  it('offers nothing when no command is close', () => {
    const r = route(msg('/天气预报'), commands);
    expect(r).toMatchObject({ kind: 'unknown', word: '天气预报', suggestion: undefined });
  });

  it('treats a one-character typo of a long command word in plain text as a near miss', () => {
    const r = route(msg('谁签头 IPv6改造'), commands);
    expect(r.kind === 'unknown' && r.suggestion?.name).toBe('谁牵头');
  });

  it('does not treat ordinary two-character words as command typos', () => {
    expect(cmd(route(msg('政务 公开'), commands))).toMatchObject({ name: '谁牵头', via: 'catch-all' });
  });

  it('refuses oversized input before parsing, but still ignores it in a group when not addressed', () => {
    const long = '减'.repeat(MAX_INPUT_CHARS + 1);
    expect(route(msg(long), commands)).toEqual({ kind: 'too-long', length: MAX_INPUT_CHARS + 1 });
    expect(route(msg('/谁牵头 ' + long), commands).kind).toBe('too-long');
    expect(route(msg(long, { chatType: 'group' }), commands).kind).toBe('ignore');
    expect(route(msg('减'.repeat(MAX_INPUT_CHARS)), commands).kind).toBe('command');
  });

  it('a command word with no argument still routes (the bot answers with usage)', () => {
    expect(cmd(route(msg('谁牵头？'), commands))).toEqual({ name: '谁牵头', args: '', via: 'text' });
    expect(cmd(route(msg('/任务'), commands))).toEqual({ name: '任务', args: '', via: 'slash' });
  });
});
