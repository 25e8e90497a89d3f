import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from 'loom-kernel/app';
import { storeClient } from './http-client.ts';
import { JobLog } from './job-log.ts';
import { captureLogger } from './log-lines.ts';
import { writeOverlay } from './overlay.ts';
import { CONFIG } from './paths.ts';
import { DECLARED_QUEUES, type StoreSetup } from './store-setup.ts';

export interface SqliteStoreOptions {
  /** `manifest` boots from config/api-manifest.yaml instead of config/api.yaml. */
  readonly discovery?: 'modules' | 'manifest';
  /** Turns on the repository read cache (memory backend). */
  readonly cache?: boolean;
  /** Adds config/auth.yaml (auth on); the client sends these headers (an admin's token) by default. */
  readonly auth?: Readonly<Record<string, string>>;
}

/** The embedded defaults: a SQLite file in a temporary folder and in-process jobs, run by this process. */
export async function startSqliteStore(options: SqliteStoreOptions = {}): Promise<StoreSetup> {
  const discovery = options.discovery ?? 'modules';
  const dir = await mkdtemp(join(tmpdir(), 'store-e2e-sqlite-'));
  const overlay = await writeOverlay(dir, {
    databaseUrl: `sqlite:${join(dir, 'store.db')}`,
    ...(options.cache ? { cache: { backend: 'memory' } } : {}),
  });
  const { logger, collector } = captureLogger();
  const base = discovery === 'manifest' ? CONFIG.apiManifest : CONFIG.api;
  const layers = options.auth ? [base, CONFIG.auth, overlay] : [base, overlay];
  const app = await createApp({ config: layers, logger });
  const { host, port } = app.loom.config.app.rest;
  await app.listen({ host, port });
  const address = app.server.address() as AddressInfo;
  return {
    label: `SQLite + in-process jobs (${discovery}${options.cache ? ', memory cache' : ''}${options.auth ? ', auth' : ''})`,
    app,
    api: storeClient(`http://127.0.0.1:${address.port}`, options.auth),
    jobs: new JobLog(collector.lines),
    queueOf: (job) => DECLARED_QUEUES[job],
    async close() {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
