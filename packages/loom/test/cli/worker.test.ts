import { randomUUID } from 'node:crypto';
import { type AddressInfo, createServer } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadNodeSqlite } from '../../src/db/node-sqlite.ts';
import { REPO_ROOT, STORE_WORKER, tempDir } from '../observability/store-app.ts';
import { deleteRedisKeys, storeOnBullmq, testPrefix } from '../support/redis-prefix.ts';
import { kill, type LoggedChild, spawnLogged, spawnLoom } from './child-process.ts';

describe('loom worker (child process, store on SQLite, BullMQ queues)', () => {
  const tmp = tempDir('loom-worker-');
  const prefix = testPrefix('worker');
  let file: string;
  let bullmq: { files: string[]; env: Record<string, string> };
  let proc: LoggedChild | undefined;

  beforeAll(async () => {
    file = `${(await tmp).path}/store.db`;
    bullmq = await storeOnBullmq(REPO_ROOT, (await tmp).path, prefix);
  });
  afterEach(() => kill(proc));
  afterAll(async () => {
    await (await tmp).dispose();
    await deleteRedisKeys(prefix);
  });

  it('consumes the queues of its jobs, runs a dispatched job, and stops gracefully on SIGTERM', async () => {
    proc = spawnLoom(['worker', STORE_WORKER, ...bullmq.files], {
      DATABASE_URL: `sqlite:${file}`,
      ...bullmq.env,
    });
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

describe('loom worker refuses to start without a usable queue backend (exit 1, the reason on stderr)', () => {
  const tmp = tempDir('loom-worker-refusal-');
  let proc: LoggedChild | undefined;
  afterEach(() => kill(proc));
  afterAll(async () => (await tmp).dispose());

  it('on the in-process backend: no other process can publish to it', async () => {
    proc = spawnLoom(['worker', STORE_WORKER], { DATABASE_URL: `sqlite:${(await tmp).path}/inprocess.db` });
    expect(await proc.exited()).toBe(1);
    expect(proc.stderr()).toMatch(
      /^loom worker: the worker cannot start: jobs\.backend is "inprocess", a queue inside the process that dispatches/,
    );
    expect(proc.stderr()).toMatch(/Set jobs\.backend: bullmq with jobs\.redisUrl/);
    expect(proc.lines.some((l) => l.msg === 'worker started')).toBe(false);
  });

  it('on BullMQ with Redis unreachable: fails after the connect timeout, naming the Redis', async () => {
    const port = await closedPort();
    const dir = (await tmp).path;
    const bullmq = await storeOnBullmq(REPO_ROOT, dir, testPrefix('worker-down'));
    proc = spawnLoom(['worker', STORE_WORKER, ...bullmq.files], {
      DATABASE_URL: `sqlite:${dir}/down.db`,
      REDIS_URL: `redis://127.0.0.1:${port}`,
    });
    expect(await proc.exited()).toBe(1);
    expect(proc.stderr()).toMatch(
      new RegExp(
        `^loom worker: the worker cannot start: the bullmq queue backend does not answer \\(.*Redis at redis://127\\.0\\.0\\.1:${port} unavailable`,
      ),
    );
    expect(proc.stderr()).toMatch(/Start Redis or fix jobs\.redisUrl/);
    expect(proc.lines.some((l) => l.msg === 'worker started')).toBe(false);
  });

  it("the store's own worker script (npm run worker) without REDIS_URL exits 1 with the same reason", async () => {
    const child = spawnLogged([resolve(REPO_ROOT, 'examples/store/src/worker.ts')], {
      DATABASE_URL: `sqlite:${(await tmp).path}/script.db`,
      REDIS_URL: '',
    });
    proc = child;
    expect(await child.exited()).toBe(1);
    expect(child.stderr()).toMatch(/the worker cannot start: jobs\.backend is "inprocess"/);
  });
});

/** A local port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}
