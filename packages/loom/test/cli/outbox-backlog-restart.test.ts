import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadNodeSqlite } from '../../src/db/node-sqlite.ts';
import {
  createProduct,
  REPO_ROOT,
  STORE_API,
  STORE_WORKER,
  send,
  tempDir,
} from '../observability/store-app.ts';
import { deleteRedisKeys, startRedisProxy, storeOnBullmq, testPrefix } from '../support/redis-prefix.ts';
import type { TcpProxy } from '../support/tcp-proxy.ts';
import { isListening, kill, type LoggedChild, listeningPort, spawnLoom } from './child-process.ts';

const BOOT_MS = 120_000;

/** The ids of the rows waiting in the store's outbox. */
function outboxIds(file: string): string[] {
  const db = new (loadNodeSqlite().DatabaseSync)(file);
  try {
    db.exec('pragma busy_timeout = 5000');
    return (db.prepare('select id from loom_outbox order by id').all() as { id: string }[]).map((r) => r.id);
  } finally {
    db.close();
  }
}

describe('an API stopped with jobs still in its outbox (Redis cut, then SIGTERM) loses none of them', () => {
  const tmp = tempDir('loom-outbox-restart-');
  const prefix = testPrefix('outbox-restart');
  let file: string;
  let bullmq: { files: string[]; env: Record<string, string> };
  let proxy: TcpProxy;
  let api: LoggedChild | undefined;
  let worker: LoggedChild | undefined;

  beforeAll(async () => {
    const dir = (await tmp).path;
    file = `${dir}/store.db`;
    bullmq = await storeOnBullmq(REPO_ROOT, dir, prefix);
    proxy = await startRedisProxy();
  });
  afterEach(() => {
    kill(api);
    kill(worker);
  });
  afterAll(async () => {
    await proxy.close();
    await (await tmp).dispose();
    await deleteRedisKeys(prefix);
  });

  it('the accepted dispatches stay in the outbox across the stop, and a worker started later runs each once', async () => {
    // The API reaches Redis only through the proxy; the worker started later goes straight to Redis.
    api = spawnLoom(['serve', '--port', '0', STORE_API, ...bullmq.files], {
      DATABASE_URL: `sqlite:${file}`,
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
    });
    const base = `http://127.0.0.1:${listeningPort(await api.waitFor(isListening, BOOT_MS))}`;
    const productId = await createProduct(base, {
      sku: 'OB-1',
      name: 'Outbox',
      category: 'c',
      priceCents: 100,
      stock: 0,
    });

    await proxy.cut();
    const jobIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const dispatched = await send(base, 'POST', `/products/${productId}/jobs/restock-email`, {
        recipientEmail: `buyer${i}@example.com`,
      });
      // Accepted: the message is committed with the request, whatever the queue's state.
      expect(dispatched.status).toBe(202);
      jobIds.push((dispatched.body as { jobId: string }).jobId);
    }
    expect(outboxIds(file)).toEqual([...jobIds].sort());

    api.child.kill('SIGTERM');
    expect(await api.exited()).toBe(0);
    expect(api.lines.at(-1)).toMatchObject({ msg: 'stopped' });
    // Nothing published, nothing dropped: every accepted message is still waiting.
    expect(outboxIds(file)).toEqual([...jobIds].sort());

    worker = spawnLoom(['worker', STORE_WORKER, ...bullmq.files], {
      DATABASE_URL: `sqlite:${file}`,
      ...bullmq.env,
    });
    const isDone = (l: Record<string, unknown>) => l.msg === 'job' && l.job === 'SendRestockEmail';
    await worker.waitForCount(isDone, jobIds.length, BOOT_MS);
    const runs = worker.lines.filter(isDone);
    expect(runs.map((l) => l.outcome)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(runs.map((l) => l.jobId).sort()).toEqual([...jobIds].sort());
    expect(outboxIds(file)).toEqual([]);
  }, 300_000);
});
