/**
 * The oldest Node.js this runs on: 20.19 (vitest 4 and process.loadEnvFile
 * need it, and require(esm) is on by default from there). Checked first
 * thing by `npm start` and the CLI, so an old Node gets one Chinese line
 * instead of a stack from deep inside a dependency.
 */
export const MIN_NODE = '20.19.0';

/** Why this Node is too old, in Chinese; undefined when it will do. */
export function nodeVersionProblem(version: string = process.versions.node): string | undefined {
  const [major = 0, minor = 0] = version.replace(/^v/u, '').split('.').map(Number);
  const [needMajor, needMinor] = MIN_NODE.split('.').map(Number) as [number, number];
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return undefined;
  return `督办需要 Node.js ${MIN_NODE.replace(/\.0$/u, '')} 或更高版本，当前是 ${version}。请升级 Node.js（例如 nvm install 20 或 22）后重试。`;
}
