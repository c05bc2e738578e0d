import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { PlanError } from '../plan/errors.js';
import { ingest, type Ingested } from './ingest.js';
import { sniff } from './sniff.js';
import type { ParseRequest, ParseResponse } from './parse-worker.js';

/**
 * Reading documents off the event loop. A Word file, a 200-page PDF or a
 * pathological text can take seconds and hundreds of MB; in the bot's own
 * thread that would stop every webhook answer. One worker thread (spawned on
 * demand, ended when idle) takes files one at a time under a memory limit and
 * a time budget; a file that breaks either is refused and the worker replaced.
 * Small plain-text files — every plan typed or pasted — parse in milliseconds
 * and stay in-process.
 */

export interface ParsePoolOptions {
  /** Per file; past it the worker is ended and the file refused. */
  timeoutMs?: number;
  /** The worker's V8 old-space limit. */
  maxMemoryMb?: number;
  /** Text files up to this size parse in-process. */
  inlineBelowBytes?: number;
  /** The worker ends after this long without work. */
  idleMs?: number;
  log?: Logger;
}

export interface ParsePool {
  /** Ledger and notes, or a PlanError (Chinese message) for anything that cannot become a plan. */
  parse(bytes: Uint8Array, file: string): Promise<Ingested>;
  close(): Promise<void>;
}

export const PARSE_DEFAULTS = { timeoutMs: 60_000, maxMemoryMb: 1024, inlineBelowBytes: 256 * 1024, idleMs: 30_000 } as const;

interface Pending {
  id: number;
  bytes: Uint8Array;
  file: string;
  resolve: (r: Ingested) => void;
  reject: (e: unknown) => void;
}

function workerEntry(): { url: URL; execArgv?: string[] } {
  const js = new URL('./parse-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { url: js };
  // Running from source (tsx, vitest): a bootstrap registers tsx in the worker first.
  return { url: new URL('./parse-worker-dev.mjs', import.meta.url), execArgv: [] };
}

export function createParsePool(opts: ParsePoolOptions = {}): ParsePool {
  const o = { ...PARSE_DEFAULTS, ...opts };
  const queue: Pending[] = [];
  let worker: Worker | undefined;
  let busy: Pending | undefined;
  let timer: NodeJS.Timeout | undefined;
  let idle: NodeJS.Timeout | undefined;
  let nextId = 1;
  let closed = false;

  const spawn = (): Worker => {
    const { url, execArgv } = workerEntry();
    const w = new Worker(url, { ...(execArgv ? { execArgv } : {}), resourceLimits: { maxOldGenerationSizeMb: o.maxMemoryMb } });
    w.unref();
    w.on('message', (m: ParseResponse) => {
      if (!busy || m.id !== busy.id) return;
      const job = busy;
      finish();
      if (m.ok) job.resolve(m.result);
      else if (m.planError) job.reject(new PlanError(m.planError.code, m.planError.message, job.file));
      else {
        o.log?.error({ event: 'doc.parse_failed', file: job.file, err: m.internal }, 'document reader failed');
        job.reject(new PlanError('unreadable', `文件 ${job.file} 读取时出错，未导入；请在原程序中另存后重新发送`, job.file));
      }
      next();
    });
    // Out of memory, or a crash inside a library: the file is refused, the next one gets a new worker.
    w.on('error', (e: Error & { code?: string }) => {
      const job = busy;
      worker = undefined;
      finish();
      if (job) {
        const oom = e.code === 'ERR_WORKER_OUT_OF_MEMORY';
        o.log?.warn({ event: 'doc.parse_worker_failed', file: job.file, code: e.code, err: e }, 'parse worker failed');
        job.reject(
          new PlanError(
            oom ? 'too-large' : 'unreadable',
            oom ? `文件 ${job.file} 读取时超出内存限制（${o.maxMemoryMb} MB），不像是一份工作要点，未导入` : `文件 ${job.file} 读取时出错，未导入；请在原程序中另存后重新发送`,
            job.file,
          ),
        );
      }
      next();
    });
    w.on('exit', () => {
      if (worker === w) worker = undefined;
    });
    return w;
  };

  const finish = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    busy = undefined;
  };

  const next = () => {
    if (busy || closed) return;
    const job = queue.shift();
    if (!job) {
      if (worker && !idle) {
        const w = worker;
        idle = setTimeout(() => {
          idle = undefined;
          if (worker === w && !busy) {
            worker = undefined;
            void w.terminate();
          }
        }, o.idleMs);
        idle.unref();
      }
      return;
    }
    if (idle) clearTimeout(idle);
    idle = undefined;
    busy = job;
    worker ??= spawn();
    const w = worker;
    timer = setTimeout(() => {
      if (busy !== job) return;
      o.log?.warn({ event: 'doc.parse_timeout', file: job.file, timeoutMs: o.timeoutMs }, 'document took too long; worker replaced');
      worker = undefined;
      finish();
      void w.terminate();
      job.reject(new PlanError('timeout', `文件 ${job.file} 在 ${Math.round(o.timeoutMs / 1000)} 秒内没有读完，未导入；请拆分后分别导入，或另存为 .docx/.txt 后重试`, job.file));
      next();
    }, o.timeoutMs);
    timer.unref();
    w.postMessage({ id: job.id, bytes: job.bytes, file: job.file } satisfies ParseRequest);
  };

  return {
    parse(bytes, file) {
      if (closed) return Promise.reject(new Error('parse pool closed'));
      if (bytes.byteLength <= o.inlineBelowBytes && sniff(bytes, file) === 'text') return ingest(bytes, file);
      return new Promise<Ingested>((resolve, reject) => {
        queue.push({ id: nextId++, bytes, file, resolve, reject });
        next();
      });
    },
    async close() {
      closed = true;
      if (idle) clearTimeout(idle);
      if (timer) clearTimeout(timer);
      for (const job of queue.splice(0)) job.reject(new Error('parse pool closed'));
      busy?.reject(new Error('parse pool closed'));
      busy = undefined;
      const w = worker;
      worker = undefined;
      if (w) await w.terminate();
    },
  };
}
