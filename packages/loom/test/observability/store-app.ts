import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { expect } from 'vitest';
import { createApp, type LoomApp } from '../../src/app/create-app.ts';

/** The repository root and the store example's config files. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const STORE_API = resolve(REPO_ROOT, 'examples/store/config/api.yaml');
export const STORE_WORKER = resolve(REPO_ROOT, 'examples/store/config/worker.yaml');
export const STORE_API_MANIFEST = resolve(REPO_ROOT, 'examples/store/config/api-manifest.yaml');
export const STORE_MAIN = resolve(REPO_ROOT, 'examples/store/src/main.ts');
export const LOOM_BIN = resolve(REPO_ROOT, 'packages/loom/dist/cli/bin.js');

/** A temporary folder, removed by `dispose`. */
export async function tempDir(prefix = 'loom-test-'): Promise<{ path: string; dispose(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, dispose: () => rm(path, { recursive: true, force: true }) };
}

/**
 * A config overlay for the store: its SQLite database in `dir` (plus any extra YAML), merged after
 * `api.yaml`, so discovery still starts at the store's config folder.
 */
export async function storeOverlay(dir: string, extraYaml = ''): Promise<string> {
  const file = join(dir, 'overlay.yaml');
  await writeFile(file, `database:\n  url: "sqlite:${join(dir, 'store.db')}"\n${extraYaml}`);
  return file;
}

/** A pino logger writing JSON lines to memory. */
export function captureLogger(level = 'debug') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

/** A running store: a real listening server built with createApp on a fresh SQLite file. */
export interface RunningStore {
  readonly app: LoomApp;
  readonly base: string;
  readonly dir: string;
  close(): Promise<void>;
}

/**
 * Starts the store example with createApp on a fresh SQLite database, listening on a free port.
 *
 * @example
 * ```ts
 * const store = await startStore({ logger: captureLogger().logger });
 * await fetch(`${store.base}/users`);
 * ```
 */
export async function startStore(
  options: {
    logger?: pino.Logger;
    extraYaml?: string;
    config?: string;
    prepare?: (app: LoomApp) => void;
  } = {},
): Promise<RunningStore> {
  const tmp = await tempDir('loom-store-');
  const overlay = await storeOverlay(tmp.path, options.extraYaml);
  const app = await createApp({
    config: [options.config ?? STORE_API, overlay],
    logger: options.logger ?? pino({ level: 'silent' }),
  });
  options.prepare?.(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  let closed = false;
  return {
    app,
    base: `http://127.0.0.1:${port}`,
    dir: tmp.path,
    async close() {
      if (!closed) await app.close();
      closed = true;
      await tmp.dispose();
    },
  };
}

/** JSON request helper: parsed body (undefined when not JSON), status, headers. */
export async function send(
  base: string,
  method: string,
  path: string,
  json?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(json === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, body };
}

/** A product as the store's `POST /products` takes it. */
export interface NewProduct {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly priceCents: number;
  readonly stock: number;
}

/** Creates `product` through the store's API (`path`: `/products` or `/products/`), expects 201; its id. */
export async function createProduct(base: string, product: NewProduct, path = '/products'): Promise<number> {
  const created = await send(base, 'POST', path, product);
  expect(created.status).toBe(201);
  return (created.body as { id: number }).id;
}

/** Polls `check` until it returns true (or throws after `timeoutMs`). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
