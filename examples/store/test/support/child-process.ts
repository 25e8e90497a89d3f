import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { type LineCollector, lineCollector } from './log-lines.ts';

/** A spawned process whose stdout JSON lines (and stderr text) are collected. */
export interface Spawned {
  readonly child: ChildProcess;
  readonly stdout: LineCollector;
  readonly stderr: LineCollector;
  /** Settles when the process exits. */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
  /** Settles when its stdout and stderr are closed: it and every process that inherited them are gone. */
  readonly closed: Promise<void>;
  /** Everything it printed, for failure messages. */
  output(): string;
}

export interface SpawnOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Own process group, so `signalGroup` reaches every process below it (npm → sh → tsx → node). */
  readonly detached?: boolean;
}

export function spawnCollected(command: string, args: readonly string[], options: SpawnOptions): Spawned {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  const stdout = lineCollector();
  const stderr = lineCollector();
  child.stdout?.on('data', (chunk: Buffer) => stdout.write(chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => stderr.write(chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const closed = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
  });
  return {
    child,
    stdout,
    stderr,
    exited,
    closed,
    output: () =>
      [
        ...stdout.lines.map((l) => JSON.stringify(l)),
        ...stdout.text,
        ...stderr.text,
        ...stderr.lines.map((l) => JSON.stringify(l)),
      ]
        .join('\n')
        .slice(-4_000),
  };
}

/** Sends `signal` to the process group of a `detached` child. */
export function signalGroup(spawned: Spawned, signal: NodeJS.Signals): void {
  const pid = spawned.child.pid;
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Kills a child that is still running (test clean-up); waits for it to exit. */
export async function killIfRunning(spawned: Spawned | undefined, group = false): Promise<void> {
  if (!spawned || spawned.child.exitCode !== null || spawned.child.signalCode !== null) return;
  if (group) signalGroup(spawned, 'SIGKILL');
  else spawned.child.kill('SIGKILL');
  await spawned.exited;
}

/** A TCP port free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Waits until `ready()` holds; fails early (with the process output) if the process exits first. */
export async function waitUntilReady(
  spawned: Spawned,
  ready: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (spawned.child.exitCode !== null || spawned.child.signalCode !== null) {
      throw new Error(`the process exited before ${what}\n${spawned.output()}`);
    }
    if (Date.now() > until)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${spawned.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
