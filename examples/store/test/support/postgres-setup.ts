import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type LoomApp } from 'loom-kernel/app';
import { killIfRunning, type Spawned, spawnCollected, waitUntilReady } from './child-process.ts';
import { storeClient } from './http-client.ts';
import { JobLog } from './job-log.ts';
import { captureLogger } from './log-lines.ts';
import { STORE_JOBS, writeOverlay } from './overlay.ts';
import { CONFIG, STORE_DIR, STORE_WORKER } from './paths.ts';
import { createPostgresDatabase, deleteQueueKeys, REDIS_URL } from './services.ts';
import { DECLARED_QUEUES, type StoreJob, type StoreSetup } from './store-setup.ts';

/** The PostgreSQL + BullMQ setup also exposes its worker process (the shutdown test signals it). */
export interface PostgresStoreSetup extends StoreSetup {
  readonly worker: Spawned;
}

/**
 * PostgreSQL (a database created for this run), BullMQ on Redis (queues named for this run, keys deleted
 * afterwards), the API in this process (createApp with config/bullmq.yaml) and the jobs in a separate
 * worker process: `node src/worker.ts`, configured only through its environment.
 */
export async function startPostgresStore(): Promise<PostgresStoreSetup> {
  const tag = randomBytes(4).toString('hex');
  const queues = Object.fromEntries(
    STORE_JOBS.map((job) => [job, `${DECLARED_QUEUES[job]}-e2e-${tag}`]),
  ) as Record<StoreJob, string>;
  const dir = await mkdtemp(join(tmpdir(), 'store-e2e-pg-'));
  const database = await createPostgresDatabase(`store_e2e_${tag}`);
  let app: LoomApp | undefined;
  let worker: Spawned | undefined;
  const cleanUp = async () => {
    await killIfRunning(worker);
    await app?.close();
    await database.drop();
    await deleteQueueKeys(Object.values(queues));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const overlay = await writeOverlay(dir, {
      databaseUrl: database.url,
      bullmq: { redisUrl: REDIS_URL, queues },
    });
    const { logger } = captureLogger();
    // The API first: it creates the tables, so the worker does not race it.
    app = await createApp({ config: [CONFIG.api, CONFIG.bullmq, overlay], logger });
    const { host, port } = app.loom.config.app.rest;
    await app.listen({ host, port });
    const address = app.server.address() as AddressInfo;

    worker = spawnCollected(process.execPath, [STORE_WORKER], {
      cwd: STORE_DIR,
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        REDIS_URL,
        STORE_CONFIG_OVERLAYS: overlay,
        LOG_LEVEL: 'info',
        LOG_PRETTY: 'false',
      },
    });
    const started = worker;
    await waitUntilReady(
      started,
      () => started.stdout.lines.some((l) => l.msg === 'worker started'),
      'the worker to start',
    );
    return {
      label: 'PostgreSQL + BullMQ + worker process',
      app,
      worker: started,
      api: storeClient(`http://127.0.0.1:${address.port}`),
      jobs: new JobLog(started.stdout.lines),
      queueOf: (job) => queues[job],
      close: cleanUp,
    };
  } catch (error) {
    await cleanUp().catch(() => {});
    throw error;
  }
}
