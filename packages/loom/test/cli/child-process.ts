import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { LOOM_BIN, REPO_ROOT } from '../observability/store-app.ts';

/** How long an exited child's pipes may stay open before its exit is reported anyway. */
const PIPE_GRACE_MS = 5_000;

/** A child process whose stdout is read as JSON log lines (other lines are kept as text). */
export interface LoggedChild {
  readonly child: ChildProcess;
  readonly lines: Record<string, unknown>[];
  stderr(): string;
  /** Resolves with the first log line matching `match`, waiting at most `timeoutMs`. */
  waitFor(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /**
   * Resolves with the matching log lines once there are `count` of them, waiting at most `timeoutMs`;
   * on timeout or exit the error carries the last log lines and stderr, so a failure says why.
   */
  waitForCount(
    match: (line: Record<string, unknown>) => boolean,
    count: number,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>[]>;
  /** Resolves with the exit code (or the signal's name). */
  exited(): Promise<number | string>;
}

/**
 * Spawns `node <args>` with the repository root as working directory and collects its log lines.
 *
 * @example
 * ```ts
 * const p = spawnLogged([LOOM_BIN, 'serve', '--port', '0', config], { DATABASE_URL });
 * const line = await p.waitFor((l) => String(l.msg).startsWith('Server listening'));
 * ```
 */
export function spawnLogged(args: readonly string[], env: Record<string, string> = {}): LoggedChild {
  const child = spawn(process.execPath, [...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', LOG_PRETTY: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: {
    match: (l: Record<string, unknown>) => boolean;
    resolve: (l: Record<string, unknown>) => void;
  }[] = [];
  let buffer = '';
  let errors = '';
  // 'exit' may come before the last of stdout and stderr has been read (a test then misses the final
  // log line); the pipes close right after, unless a process the child started still holds them (a
  // cluster worker outliving its primary), so the exit is reported at most a short grace later.
  const piped = [child.stdout, child.stderr].map((stream) =>
    stream ? once(stream, 'close').then(() => undefined) : Promise.resolve(undefined),
  );
  const exit = once(child, 'exit').then(async ([code, signal]) => {
    await Promise.race([Promise.all(piped), delay(PIPE_GRACE_MS)]);
    return (code as number | null) ?? (signal as string);
  });
  const onLine: (() => void)[] = [];
  const tail = () =>
    `last log lines: ${lines
      .slice(-15)
      .map((l) => JSON.stringify(l))
      .join('\n')}\nstderr: ${errors.slice(-2000)}`;
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const text of parts) {
      if (!text.trim()) continue;
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        line = { text };
      }
      lines.push(line);
      for (const notify of [...onLine]) notify();
      for (const w of [...waiters]) {
        if (w.match(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    errors += chunk;
  });
  return {
    child,
    lines,
    stderr: () => errors,
    exited: () => exit,
    waitForCount(match, count, timeoutMs = 40_000) {
      const matching = () => lines.filter(match);
      if (matching().length >= count) return Promise.resolve(matching().slice(0, count));
      return new Promise((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          onLine.splice(onLine.indexOf(check), 1);
        };
        const check = () => {
          if (matching().length < count) return;
          done();
          resolve(matching().slice(0, count));
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(
              `${matching().length} of ${count} matching log lines within ${timeoutMs} ms; ${tail()}`,
            ),
          );
        }, timeoutMs);
        onLine.push(check);
        void exit.then((code) => {
          if (!onLine.includes(check)) return;
          done();
          reject(
            new Error(`process exited (${code}) with ${matching().length} of ${count} log lines; ${tail()}`),
          );
        });
      });
    },
    waitFor(match, timeoutMs = 40_000) {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new Error(`no matching log line within ${timeoutMs} ms; stderr: ${errors.slice(-2000)}`)),
          timeoutMs,
        );
        waiters.push({
          match,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
        void exit.then((code) => {
          clearTimeout(timer);
          reject(new Error(`process exited (${code}) before the log line; stderr: ${errors.slice(-2000)}`));
        });
      });
    },
  };
}

/** `node packages/loom/dist/cli/bin.js <args>`. */
export function spawnLoom(args: readonly string[], env: Record<string, string> = {}): LoggedChild {
  return spawnLogged([LOOM_BIN, ...args], env);
}

/** The port of a "Server listening at http://host:port" line. */
export function listeningPort(line: Record<string, unknown>): number {
  const match = /:(\d+)$/.exec(String(line.msg));
  if (!match) throw new Error(`not a listening line: ${JSON.stringify(line)}`);
  return Number(match[1]);
}

export const isListening = (l: Record<string, unknown>) => String(l.msg).startsWith('Server listening at');

/** Stops a child that is still running (after a failed test). */
export function kill(p: LoggedChild | undefined): void {
  if (p && p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
}
