import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The acceptance test of "a framework people can install": the package as npm would publish it,
// installed from its tarball into a folder outside the workspace (no workspace links, no tsx), then
// `loom new`, and the new app's own `npm install`, `npm test` and `npm start`, on each supported Node.

const run = promisify(execFile);
const PKG = fileURLToPath(new URL('../../', import.meta.url));
const FETCH_NODE = fileURLToPath(new URL('../../../../.ci/fetch-node.sh', import.meta.url));
const MAJORS = (process.env.LOOM_PACK_NODES ?? '24 22 26').split(/\s+/).filter((m) => m !== '');
const NPM_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

/**
 * A fresh user's environment with `bin` first on PATH: none of the suite's variables (npm's workspace
 * settings, LOOM_TEST_DATABASE_URL, DATABASE_URL, NODE_ENV=test, VITEST…) leaks into the app.
 */
function userEnv(bin: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { PATH = '', HOME = '', TMPDIR, LANG } = process.env;
  return {
    PATH: [bin, ...PATH.split(delimiter)].join(delimiter),
    HOME,
    ...(TMPDIR === undefined ? {} : { TMPDIR }),
    ...(LANG === undefined ? {} : { LANG }),
    ...machineNetworkEnv(),
    ...extra,
  };
}

/**
 * The machine's own network settings, which a user's shell has too: its CA bundle and proxies. Without
 * them npm cannot verify the registry behind a TLS-inspecting proxy and retries until the hook times out.
 */
function machineNetworkEnv(): Record<string, string> {
  const kept =
    /^(NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|(HTTPS?|NO|ALL)_PROXY|(https?|no|all)_proxy)$/;
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => kept.test(entry[0]) && entry[1] !== undefined,
    ),
  );
}

async function sh(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv) {
  try {
    return await run(command, [...args], { cwd, env, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`, {
      cause: error,
    });
  }
}

/** `npm start` in its own process group; resolves the URL from the "Server listening at" log line. */
async function npmStart(
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn('npm', ['start'], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before listening:\n${out}`)));
  });
  return { child, url, output: () => out };
}

describe('loom-kernel from its tarball: install, loom new, npm test, npm start', () => {
  let root = '';
  let tarball = '';
  let host = '';

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'loom-pack-'));
    const node24 = (await sh(FETCH_NODE, ['24'], root, process.env)).stdout.trim();
    // dist/ is current: the suite's global setup rebuilt it if a source changed (prepack would again).
    const packed = await sh(
      'npm',
      ['pack', '--ignore-scripts', '--pack-destination', root, ...NPM_FLAGS],
      PKG,
      userEnv(node24),
    );
    tarball = join(root, packed.stdout.trim().split('\n').at(-1) as string);
    host = join(root, 'host');
    await mkdir(host);
    await writeFile(join(host, 'package.json'), '{ "name": "host", "private": true }\n');
    await sh('npm', ['install', tarball, ...NPM_FLAGS], host, userEnv(node24));
  }, 240_000);

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('the installed package has compiled entry points, templates, no tests and no tsx', async () => {
    const installed = join(host, 'node_modules', 'loom-kernel');
    for (const file of ['dist/index.js', 'dist/app/index.d.ts', 'dist/testing/index.js', 'templates/app']) {
      expect(existsSync(join(installed, file)), file).toBe(true);
    }
    expect(existsSync(join(installed, 'src/app/assemble.test.ts'))).toBe(false);
    const modules = await readdir(join(host, 'node_modules'));
    expect(modules).not.toContain('tsx');
    // Optional peers stay out unless the app asks for them.
    for (const peer of ['pg', 'bullmq', 'ioredis', 'jose', '@bull-board'])
      expect(modules).not.toContain(peer);
  });

  it('loom new refuses a folder that is not empty', async () => {
    const bin = (await sh(FETCH_NODE, ['24'], root, process.env)).stdout.trim();
    await mkdir(join(root, 'taken'));
    await writeFile(join(root, 'taken', 'notes.txt'), 'mine\n');
    const error = await sh('npx', ['loom', 'new', join(root, 'taken')], host, userEnv(bin)).catch(
      (e: unknown) => e as Error,
    );
    expect(String(error)).toContain('is not empty');
  });

  it.concurrent.each(MAJORS)(
    'Node %s: the scaffolded app installs, its tests pass, npm start answers 201 then 200',
    async (major) => {
      const bin = (await sh(FETCH_NODE, [major], root, process.env)).stdout.trim();
      const env = userEnv(bin);
      expect((await sh('node', ['--version'], root, env)).stdout).toMatch(new RegExp(`^v${major}\\.`));
      const app = join(root, `app-${major}`);
      await sh('npx', ['loom', 'new', app, '--loom-spec', tarball], host, env);
      await sh('npm', ['install', ...NPM_FLAGS], app, env);
      const modules = await readdir(join(app, 'node_modules'));
      for (const absent of ['pg', 'bullmq', 'ioredis', 'tsx', 'vitest'])
        expect(modules).not.toContain(absent);

      const tests = await sh('npm', ['test'], app, env);
      expect(tests.stdout).toMatch(/# pass [1-9]|ℹ pass [1-9]/);
      expect(tests.stdout).toMatch(/# fail 0|ℹ fail 0/);

      const { child, url, output } = await npmStart(app, userEnv(bin, { PORT: '0' }));
      try {
        const created = await fetch(`${url}/tasks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ title: `Ship on Node ${major}` }),
        });
        expect(created.status).toBe(201);
        const { id } = (await created.json()) as { id: number };
        const read = await fetch(`${url}/tasks/${id}`);
        expect(read.status).toBe(200);
        expect(await read.json()).toMatchObject({ id, title: `Ship on Node ${major}`, done: false });
      } finally {
        // To the process group, as a terminal or a supervisor does: npm itself does not pass it on.
        // 'close' waits for the server too: it holds the pipes until it exits.
        const exited = once(child, 'close');
        process.kill(-(child.pid as number), 'SIGTERM');
        await exited;
      }
      // The server heard SIGTERM and shut down gracefully (its handler logs, then closes).
      expect(output()).toContain('"msg":"shutting down"');
    },
    240_000,
  );
});
