import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  freePort,
  killIfRunning,
  type Spawned,
  spawnCollected,
  waitUntilReady,
} from './support/child-process.ts';
import { storeClient } from './support/http-client.ts';
import { REPO_ROOT, STORE_DIR, STORE_MAIN } from './support/paths.ts';
import type { User } from './support/wire.ts';

/** The environment of a fresh shell: embedded defaults, except a port and a database file of the test's own. */
function storeEnv(port: number, dir: string): NodeJS.ProcessEnv {
  const {
    REDIS_URL: _redis,
    LOOM_DISCOVERY: _discovery,
    STORE_CONFIG_OVERLAYS: _overlays,
    ...env
  } = process.env;
  return { ...env, PORT: String(port), DATABASE_URL: `sqlite:${join(dir, 'store.db')}`, LOG_LEVEL: 'info' };
}

async function answers(baseUrl: string): Promise<boolean> {
  try {
    return (await fetch(`${baseUrl}/openapi.json`)).ok;
  } catch {
    return false;
  }
}

/** The repository's own store.db (left by a developer's `npm start`): a test must not touch it. */
function repositoryDbStamp(): string {
  const file = join(STORE_DIR, 'store.db');
  return existsSync(file) ? `${statSync(file).size}:${statSync(file).mtimeMs}` : 'absent';
}

describe('running the store from a clone', () => {
  let dir = '';
  let proc: Spawned | undefined;
  let group = false;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'store-start-'));
  });
  afterEach(async () => {
    await killIfRunning(proc, group);
    await rm(dir, { recursive: true, force: true });
  });

  it('`npm start` at the repository root serves the store: /openapi.json, /docs, /metrics, POST and GET', async () => {
    const before = repositoryDbStamp();
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    group = true;
    proc = spawnCollected('npm', ['start'], { cwd: REPO_ROOT, env: storeEnv(port, dir), detached: true });
    await waitUntilReady(proc, () => answers(baseUrl), `npm start to serve ${baseUrl}`, 45_000);

    const api = storeClient(baseUrl);
    const docs = await api.get('/docs');
    expect(docs.status).toBe(200);
    expect(docs.contentType).toMatch(/^text\/html/);
    const metrics = await api.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('loom_use_case_duration_seconds');
    const created = await api.post<User>('/users/', {
      full_name: 'From npm start',
      email: 'npm-start@example.com',
    });
    expect(created.status).toBe(201);
    const fetched = await api.get<User>(`/users/${created.body.id}`);
    expect(fetched.body).toEqual(created.body);

    // Like `docker stop` or a supervisor: SIGTERM to npm alone, not to its process group. `npm start`
    // runs node directly (no TypeScript loader, no second npm), so npm's forwarded signal reaches the
    // server, which drains and exits.
    proc.child.kill('SIGTERM');
    await proc.closed; // npm and the server have both exited (they shared its stdout)
    expect(await answers(baseUrl)).toBe(false);
    expect(proc.stdout.lines.some((l) => l.msg === 'shutting down' && l.signal === 'SIGTERM')).toBe(true);
    expect(existsSync(join(dir, 'store.db'))).toBe(true);
    expect(repositoryDbStamp()).toBe(before);
  });

  it('the server process (src/main.ts) exits 0 on SIGTERM after closing', async () => {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    group = false;
    proc = spawnCollected(process.execPath, [STORE_MAIN], {
      cwd: STORE_DIR,
      env: storeEnv(port, dir),
    });
    await waitUntilReady(proc, () => answers(baseUrl), `src/main.ts to serve ${baseUrl}`);
    const created = await storeClient(baseUrl).post<User>('/users', {
      fullName: 'Main',
      email: 'main@example.com',
    });
    expect(created.status).toBe(201);

    proc.child.kill('SIGTERM');
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    expect(await answers(baseUrl)).toBe(false);
  });
});
