import { expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { MIN_NODE, nodeVersionProblem } from '../src/node-version.js';

it('refuses a Node older than 20.19 with a Chinese line that names both versions', () => {
  expect(nodeVersionProblem('20.11.1')).toBe('督办需要 Node.js 20.19 或更高版本，当前是 20.11.1。请升级 Node.js（例如 nvm install 20 或 22）后重试。');
  expect(nodeVersionProblem('18.20.0')).toMatch(/当前是 18\.20\.0/u);
  expect(nodeVersionProblem('20.18.3')).toBeDefined();
  for (const ok of ['20.19.0', '20.20.2', '22.12.0', '24.1.0']) expect(nodeVersionProblem(ok)).toBeUndefined();
});

it('package.json engines and the README say the same minimum', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
  expect(pkg.engines.node).toBe(`>=${MIN_NODE.replace(/\.0$/u, '')}`);
  expect(readFileSync(new URL('../README.md', import.meta.url), 'utf8')).toContain('Node.js 20.19 或更高版本');
});
