import { describe, expect, it } from 'vitest';
import { defineCommand, type Command } from '../../src/chat/command.js';
import { editDistance, nearestCommand } from '../../src/chat/suggest.js';

function decl(name: string, aliases: string[] = []): Command {
  return defineCommand({ name, aliases, args: [], description: name, examples: [], role: 'everyone', group: 'g', run() {} });
}

const registry = [decl('谁牵头', ['牵头', '谁负责']), decl('任务', ['tasks']), decl('截止', ['到期']), decl('帮助', ['help'])];

describe('editDistance', () => {
  it('counts Chinese characters as single symbols', () => {
    expect(editDistance('谁牵头', '谁签头')).toBe(1);
    expect(editDistance('谁牵头', '谁牵头')).toBe(0);
    expect(editDistance('', '任务')).toBe(2);
    expect(editDistance('help', 'hlep')).toBe(1);
    expect(editDistance('谁头牵', '谁牵头')).toBe(1);
    expect(editDistance('𠮷野', '吉野')).toBe(1);
  });
});

describe('nearestCommand', () => {
  it('finds the command behind a one-character slip, via its name or an alias', () => {
    expect(nearestCommand('谁签头', registry)?.name).toBe('谁牵头');
    expect(nearestCommand('谁负债', registry)?.name).toBe('谁牵头');
    expect(nearestCommand('到其', registry)?.name).toBe('截止');
    expect(nearestCommand('halp', registry)?.name).toBe('帮助');
  });

  it('compares prefixes, since arguments often follow without a space', () => {
    expect(nearestCommand('谁签头IPv6改造', registry)?.name).toBe('谁牵头');
    expect(nearestCommand('任物县财政局', registry)?.name).toBe('任务');
  });

  it('suggests nothing for unrelated words', () => {
    expect(nearestCommand('天气预报', registry)).toBeUndefined();
    expect(nearestCommand('weather', registry)).toBeUndefined();
  });
});
