import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { STORE_API, send, tempDir } from '../observability/store-app.ts';
import { isListening, kill, type LoggedChild, listeningPort, spawnLoom } from './child-process.ts';

describe('loom serve (child process, store on SQLite)', () => {
  const tmp = tempDir('loom-serve-');
  let env: Record<string, string>;
  let proc: LoggedChild | undefined;

  beforeAll(async () => {
    env = { DATABASE_URL: `sqlite:${(await tmp).path}/store.db` };
  });
  afterEach(() => kill(proc));
  afterAll(async () => (await tmp).dispose());

  it('serves the app and stops gracefully on SIGTERM with exit code 0', async () => {
    proc = spawnLoom(['serve', '--port', '0', STORE_API], env);
    const port = listeningPort(await proc.waitFor(isListening));
    const base = `http://127.0.0.1:${port}`;
    expect((await send(base, 'GET', '/users')).status).toBe(200);
    proc.child.kill('SIGTERM');
    expect(await proc.exited()).toBe(0);
    const messages = proc.lines.map((l) => l.msg);
    expect(messages).toContain('shutting down: finishing in-flight requests and jobs');
    expect(messages.at(-1)).toBe('stopped');
  });

  it('exits 1 with the config error, before forking, when the config is invalid', async () => {
    proc = spawnLoom(['serve', '--workers', '2', '--port', '0', STORE_API], { DATABASE_URL: 'mysql://nope' });
    expect(await proc.exited()).toBe(1);
    expect(proc.stderr()).toMatch(
      /^loom serve: Invalid configuration: database\.url .*Invalid database URL "mysql:\/\/nope"/,
    );
    expect(proc.lines.filter((l) => l.msg === 'cluster starting')).toEqual([]);
  });

  it('refuses --workers 2 on the in-process job backend (each process would run the shared outbox: jobs twice)', async () => {
    proc = spawnLoom(['serve', '--workers', '2', '--port', '0', STORE_API], env);
    expect(await proc.exited()).toBe(2);
    expect(proc.stderr()).toMatch(
      /^--workers 2 needs jobs\.backend: bullmq; with "inprocess" every process would run its own queue over the shared outbox and a job could run twice/,
    );
    expect(proc.lines.filter((l) => l.msg === 'cluster starting')).toEqual([]);
  });
});
