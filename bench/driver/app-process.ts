import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { request } from 'node:http';
import { BENCH_DIR, type BenchApp } from './apps.ts';

export interface RunningApp {
  readonly app: BenchApp;
  readonly pid: number;
  readonly baseUrl: string;
  /** From spawn to the first 200 on the ready path. */
  readonly startupMs: number;
  alive(): boolean;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly databaseUrl: string;
  readonly poolMax: number;
  /** stdout and stderr of the app are appended here. */
  readonly logFile: string;
  readonly timeoutMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface ProbeRequest {
  readonly method?: string;
  readonly body?: string;
}

/**
 * One request on a fresh connection (no keep-alive, so the driver holds no socket open on the server);
 * resolves to the status, or undefined when nothing answered.
 */
export function httpStatus(
  url: string,
  timeoutMs = 1000,
  probe: ProbeRequest = {},
): Promise<number | undefined> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { connection: 'close' };
    if (probe.body !== undefined) headers['content-type'] = 'application/json';
    const req = request(
      url,
      { method: probe.method ?? 'GET', agent: false, headers, timeout: timeoutMs },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end(probe.body);
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts the app and polls its ready path every 10 ms until it answers 200. */
export async function startApp(app: BenchApp, options: StartOptions): Promise<RunningApp> {
  const [command, ...args] = app.command;
  if (command === undefined) throw new Error(`app ${app.name}: empty command`);
  const baseUrl = `http://127.0.0.1:${app.port}`;
  const readyUrl = baseUrl + (app.readyPath ?? '/bench/ping');
  if ((await httpStatus(readyUrl, 500)) !== undefined) {
    throw new Error(`app ${app.name}: port ${app.port} already answers; stop whatever listens there first`);
  }
  // The app writes its logs straight into the file: a pipe through this process would fill under load,
  // and pino's synchronous writes would then sleep on EAGAIN inside the app being measured.
  const log = openSync(options.logFile, 'a');
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: app.cwd ?? BENCH_DIR,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      // Both apps log one info line per request (loom's default), to the log file below.
      LOG_LEVEL: 'info',
      PG_POOL_MAX: String(options.poolMax),
      ...app.env,
      PORT: String(app.port),
      DATABASE_URL: options.databaseUrl,
      BENCH_DATABASE_URL: options.databaseUrl,
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`app ${app.name}: spawn failed (${app.command.join(' ')})`);

  const deadline = started + (options.timeoutMs ?? 60_000);
  const running: RunningApp = {
    app,
    pid,
    baseUrl,
    startupMs: 0,
    alive: () => child.exitCode === null && child.signalCode === null,
    stop: async () => {
      if (running.alive()) {
        child.kill('SIGTERM');
        const killed = await Promise.race([exited(child).then(() => true), sleep(5000).then(() => false)]);
        if (!killed) {
          child.kill('SIGKILL');
          await exited(child);
        }
      }
    },
  };
  for (;;) {
    if (!running.alive()) {
      await running.stop();
      throw new Error(
        `app ${app.name} exited with ${child.exitCode ?? child.signalCode} before ready; see ${options.logFile}`,
      );
    }
    if ((await httpStatus(readyUrl, 500)) === 200) break;
    if (performance.now() > deadline) {
      await running.stop();
      throw new Error(`app ${app.name} not ready on ${readyUrl} within ${options.timeoutMs ?? 60_000} ms`);
    }
    await sleep(10);
  }
  return { ...running, startupMs: performance.now() - started };
}
