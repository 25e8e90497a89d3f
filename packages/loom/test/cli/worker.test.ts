import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadNodeSqlite } from '../../src/db/node-sqlite.ts';
import { REPO_ROOT, tempDir } from '../observability/store-app.ts';
import { kill, type LoggedChild, spawnLoom } from './child-process.ts';

const WORKER_CONFIG = resolve(REPO_ROOT, 'examples/store/config/worker.yaml');

describe('loom worker (child process, store on SQLite, in-process queues)', () => {
  const tmp = tempDir('loom-worker-');
  let file: string;
  let proc: LoggedChild | undefined;

  beforeAll(async () => {
    file = `${(await tmp).path}/store.db`;
  });
  afterEach(() => kill(proc));
  afterAll(async () => (await tmp).dispose());

  it('consumes the queues of its jobs, runs a dispatched job, and stops gracefully on SIGTERM', async () => {
    proc = spawnLoom(['worker', WORKER_CONFIG], { DATABASE_URL: `sqlite:${file}` });
    const started = await proc.waitFor((l) => l.msg === 'worker started');
    expect((started.queues as string[]).sort()).toEqual(['analytics', 'erp', 'notifications']);

    // Another process dispatches: a product and a SendRestockEmail message in the shared outbox.
    const db = new (loadNodeSqlite().DatabaseSync)(file);
    try {
      db.exec('pragma busy_timeout = 5000');
      const now = new Date().toISOString();
      const product = db
        .prepare(
          `insert into products (sku, name, category, price_cents, stock, created_at, updated_at) values ('W-1', 'W', 'c', 1, 0, ?, ?) returning id`,
        )
        .all(now, now)[0] as { id: number };
      const id = randomUUID();
      const message = {
        id,
        name: 'SendRestockEmail',
        queue: 'notifications',
        payload: {
          params: { productId: product.id },
          payload: { recipientEmail: 'a@b.co', forceFail: false },
          traceId: 'from-api',
        },
        attempts: 1,
        backoffMs: 10,
        meta: { traceId: 'from-api' },
      };
      db.prepare(
        'insert into loom_outbox (id, queue, name, message, created_at, publish_attempts) values (?, ?, ?, ?, ?, 0)',
      ).run(id, 'notifications', 'SendRestockEmail', JSON.stringify(message), now);
    } finally {
      db.close();
    }
    const done = await proc.waitFor((l) => l.msg === 'job');
    expect(done).toMatchObject({
      job: 'SendRestockEmail',
      traceId: 'from-api',
      outcome: 'succeeded',
      queue: 'notifications',
    });

    proc.child.kill('SIGTERM');
    expect(await proc.exited()).toBe(0);
    const messages = proc.lines.map((l) => l.msg);
    expect(messages).toContain('shutting down: finishing running jobs');
    expect(messages.at(-1)).toBe('worker stopped');
  });
});
