import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WORKER_MODE_ENV } from './process-declarations.ts';

const FIXTURE = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

/** A running `worker-process.ts`. */
export interface ChildWorker {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything it printed on stdout so far. */
  output(): string;
  /** Resolves once it printed `line`; rejects after `timeoutMs` or if it exits first. */
  line(line: string, timeoutMs?: number): Promise<void>;
  /** Its exit: code and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL unless it already exited. */
  kill(): void;
}

export interface WorkerTarget {
  readonly pgUrl: string;
  readonly schema: string;
  readonly redisUrl: string;
  readonly prefix: string;
}

/** Starts a worker process in `mode` (see `process-declarations.ts`). */
export function startChildWorker(target: WorkerTarget, mode: 'block' | 'slow' | 'normal'): ChildWorker {
  const child = spawn(
    process.execPath,
    [FIXTURE, target.pgUrl, target.schema, target.redisUrl, target.prefix],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, [WORKER_MODE_ENV]: mode } },
  );
  let out = '';
  const waiters = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of waiters) w();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
      for (const w of waiters) w();
    });
  });
  const hasLine = (line: string) => out.split('\n').includes(line);
  return {
    child,
    pid: child.pid ?? -1,
    output: () => out,
    exited,
    line(line, timeoutMs = 15_000) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (hasLine(line)) done(() => resolve());
          else if (child.exitCode !== null || child.signalCode !== null) {
            done(() => reject(new Error(`worker exited before printing "${line}"; it printed:\n${out}`)));
          }
        };
        const timer = setTimeout(
          () =>
            done(() => reject(new Error(`worker did not print "${line}" within ${timeoutMs} ms:\n${out}`))),
          timeoutMs,
        );
        const done = (settle: () => void): void => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      });
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
