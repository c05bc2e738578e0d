/**
 * `npm run bench [-- filter]`: runs every bench/*.bench.ts in name order (only
 * those whose file name contains `filter`, when given). Each module's default
 * export is `async () => void` and prints its own figures; this prints the
 * machine first so figures can be compared across machines.
 */
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));

function machine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown cpu';
  const gib = (os.totalmem() / 1024 ** 3).toFixed(1);
  return `machine: ${model}, ${cpus.length} cores, ${gib} GiB RAM, node ${process.version}, ${os.platform()}-${os.arch()}`;
}

async function main(): Promise<number> {
  const filter = process.argv[2];
  const all = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
  const files = filter ? all.filter((f) => f.includes(filter)) : all;
  if (files.length === 0) {
    console.error(
      filter
        ? `没有文件名包含“${filter}”的基准测试；现有：${all.join('、') || '（无）'}`
        : 'bench/ 下没有 *.bench.ts 文件',
    );
    return 1;
  }
  console.log(machine());
  if (process.env.REDIS_URL) console.log(`redis: ${process.env.REDIS_URL.replace(/\/\/[^@/]*@/, '//***@')}`);
  let failed = 0;
  for (const f of files) {
    console.log(`\n== ${f}`);
    const t0 = performance.now();
    try {
      const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as { default?: unknown };
      if (typeof mod.default !== 'function') throw new Error('default export is not a function');
      await (mod.default as () => Promise<void> | void)();
      console.log(`== ${f} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (err) {
      failed++;
      console.error(`== ${f} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
