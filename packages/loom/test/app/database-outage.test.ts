import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isListening, kill, type LoggedChild, listeningPort, spawnLoom } from '../cli/child-process.ts';
import { REDIS_URL } from '../job/support/targets.ts';
import { createProduct, REPO_ROOT, STORE_API, send, tempDir } from '../observability/store-app.ts';
import { PG_URL } from '../support/dialects.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

// The acceptance of issue 14 (points 1-3) through real processes: `loom serve` and `loom worker` of the
// store on a PostgreSQL database this file creates, its sessions named by an application_name of its
// own (only they are terminated), BullMQ keys under a prefix of its own.
const STORE_CONFIG = resolve(REPO_ROOT, 'examples/store/config');
const tag = randomBytes(4).toString('hex');
const database = `loom_outage_${tag}`;
const appName = `loom-outage-${tag}`;
const prefix = `loomtest-outage-${tag}`;

async function admin<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Terminates every session of this file's database opened by its processes; resolves how many. */
const terminateOurSessions = async (): Promise<number> =>
  (
    await admin<{ ok: boolean }>(
      'select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = $1 and application_name = $2',
      [database, appName],
    )
  ).filter((r) => r.ok).length;

const urlOf = (port?: number): string => {
  const url = new URL(PG_URL);
  url.pathname = `/${database}`;
  if (port !== undefined) url.port = String(port);
  return url.toString();
};

const alive = (p: LoggedChild | undefined): boolean =>
  p !== undefined && p.child.exitCode === null && p.child.signalCode === null;

/** Counts by status, e.g. `{ 201: 180, 503: 6 }`. */
const tally = (statuses: readonly number[]): Record<number, number> => {
  const counts: Record<number, number> = {};
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
};

describe('the store survives a lost database (processes on PostgreSQL + BullMQ)', () => {
  const tmp = tempDir('loom-outage-');
  const children: LoggedChild[] = [];
  let dir = '';
  let proxy: TcpProxy | undefined;

  const overlay = async (name: string, databaseUrl: string, extra = ''): Promise<string> => {
    const file = join(dir, name);
    await writeFile(
      file,
      [
        'database:',
        `  url: "${databaseUrl}"`,
        `  applicationName: ${appName}`,
        '  connectTimeoutMs: 1000',
        '  statementTimeoutMs: 1000',
        'jobs:',
        `  prefix: ${prefix}`,
        'health:',
        '  checkTimeoutMs: 1000',
        extra,
      ].join('\n'),
    );
    return file;
  };
  const start = (args: string[]): LoggedChild => {
    const child = spawnLoom(args, { REDIS_URL });
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    dir = (await tmp).path;
    await admin(`create database ${database}`);
  });
  afterAll(async () => {
    for (const c of children) kill(c);
    await Promise.all(children.map((c) => c.exited()));
    await proxy?.close();
    await admin(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = $2',
      [database, appName],
    );
    await admin(`drop database if exists ${database}`);
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await (await tmp).dispose();
  });

  it('pg_terminate_backend of every session under write load: no process exits, in-flight requests get 503, the next ones succeed (API, relay, worker)', async () => {
    const file = await overlay('terminate.yaml', urlOf(), 'app:\n  shutdown:\n    drainDelayMs: 2000\n');
    const bullmq = resolve(STORE_CONFIG, 'bullmq.yaml');
    const api = start(['serve', '--port', '0', STORE_API, bullmq, file]);
    const base = `http://127.0.0.1:${listeningPort(await api.waitFor(isListening))}`;
    // The API created the tables; the worker starts after it.
    const worker = start(['worker', resolve(STORE_CONFIG, 'worker.yaml'), bullmq, file]);
    await worker.waitFor((l) => l.msg === 'worker started');

    const productId = await createProduct(base, {
      sku: `sku-${tag}`,
      name: 'Lamp',
      category: 'home',
      priceCents: 1000,
      stock: 0,
    });

    // Write load: 8 clients creating users and dispatching jobs until told to stop.
    const statuses: number[] = [];
    let stop = false;
    let n = 0;
    const client = async (): Promise<void> => {
      while (!stop) {
        const i = n++;
        const res =
          i % 3 === 0
            ? await send(base, 'POST', `/products/${productId}/jobs/restock-email`, {
                recipientEmail: `r${i}@example.com`,
              })
            : await send(base, 'POST', '/users', {
                fullName: `User ${i}`,
                email: `u${i}-${tag}@example.com`,
              });
        statuses.push(res.status);
        if (res.status === 503) {
          expect(res.headers.get('retry-after')).toBe('1');
          expect((res.body as { code: string }).code).toBe('LOOM_DATABASE_UNAVAILABLE');
          expect(JSON.stringify(res.body)).not.toMatch(/insert|select|terminat/i);
        }
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, client));
    const responses = (count: number) =>
      new Promise<void>((done) => {
        const target = statuses.length + count;
        const check = (): void => {
          if (statuses.length >= target || stop) done();
          else setImmediate(check);
        };
        check();
      });

    // Terminate every session, round after round, until requests in flight were caught (a 503).
    let terminated = 0;
    let rounds = 0;
    await responses(20);
    while (!statuses.includes(503) && rounds < 50) {
      terminated += await terminateOurSessions();
      rounds++;
      await responses(10);
    }
    await responses(20);
    stop = true;
    await load;
    const counts = tally(statuses);
    console.info('terminate under load', { requests: statuses.length, counts, rounds, terminated });

    expect(alive(api)).toBe(true);
    expect(alive(worker)).toBe(true);
    expect(statuses.filter((s) => ![201, 202, 503].includes(s))).toEqual([]);
    expect(counts[503]).toBeGreaterThan(0);
    expect(terminated).toBeGreaterThan(0);

    // The next requests succeed; a job dispatched now is published by the relay and run by the worker.
    const after = await send(base, 'POST', '/users', {
      fullName: 'After',
      email: `after-${tag}@example.com`,
    });
    expect(after.status).toBe(201);
    const dispatched = await send(base, 'POST', `/products/${productId}/jobs/restock-email`, {
      recipientEmail: 'after@example.com',
    });
    expect(dispatched.status).toBe(202);
    const jobId = (dispatched.body as { jobId: string }).jobId;
    await worker.waitFor((l) => l.msg === 'job' && l.jobId === jobId && l.outcome === 'succeeded');
    expect(alive(api)).toBe(true);
    expect(alive(worker)).toBe(true);

    // SIGTERM: readiness answers 503 while the listener still serves, then the process exits 0.
    expect((await send(base, 'GET', '/health/ready')).status).toBe(200);
    api.child.kill('SIGTERM');
    await api.waitFor((l) => l.msg === 'draining: still serving while readiness is 503');
    const draining = await send(base, 'GET', '/health/ready');
    expect(draining.status).toBe(503);
    expect(draining.body).toMatchObject({ status: 'draining' });
    expect((await send(base, 'GET', '/health/live')).status).toBe(200);
    expect(await api.exited()).toBe(0);
    worker.child.kill('SIGTERM');
    expect(await worker.exited()).toBe(0);
  });

  it('a partition (stalled proxy): 503 within the configured bound, readiness 503, recovery alone after it heals; SIGTERM during it exits within the shutdown deadline', async () => {
    proxy = await startTcpProxy(Number(new URL(PG_URL).port || 5432));
    const file = await overlay(
      'partition.yaml',
      urlOf(proxy.port),
      'app:\n  shutdown:\n    timeoutMs: 4000\n',
    );
    const api = start(['serve', '--port', '0', STORE_API, file]);
    const base = `http://127.0.0.1:${listeningPort(await api.waitFor(isListening))}`;
    const created = await send(base, 'POST', '/users', {
      fullName: 'Before',
      email: `before-${tag}@example.com`,
    });
    expect(created.status).toBe(201);
    expect((await send(base, 'GET', '/health/ready')).body).toMatchObject({
      status: 'ready',
      checks: { database: { ok: true } },
    });

    proxy.stall();
    // Bound: 1 s to get a connection, or 1 s statement timeout + 1 s client grace on one already open.
    const bound = 2_000;
    const timed = async (method: string, path: string, body?: unknown) => {
      const started = performance.now();
      const res = await send(base, method, path, body);
      return { ...res, ms: performance.now() - started };
    };
    const results = await Promise.all([
      timed('GET', '/users'),
      timed('POST', '/users', { fullName: 'During', email: `during-${tag}@example.com` }),
      timed('GET', `/users/${(created.body as { id: number }).id}`),
    ]);
    console.info('partition', {
      statuses: results.map((r) => r.status),
      ms: results.map((r) => Math.round(r.ms)),
    });
    for (const r of results) {
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('1');
      expect(r.body).toMatchObject({ code: 'LOOM_DATABASE_UNAVAILABLE', status: 503 });
      // A generous margin over the bound for a loaded machine; without bounds they hang until the heal.
      expect(r.ms).toBeLessThan(bound + 5_000);
    }
    const ready = await send(base, 'GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'unavailable', checks: { database: { ok: false } } });
    expect((await send(base, 'GET', '/health/live')).status).toBe(200);

    // The partition heals: the app recovers by itself.
    await proxy.restore();
    let recovered = 0;
    for (let i = 0; i < 100 && recovered !== 200; i++) {
      recovered = (await send(base, 'GET', '/health/ready')).status;
    }
    expect(recovered).toBe(200);
    expect(
      (await send(base, 'POST', '/users', { fullName: 'After', email: `healed-${tag}@example.com` })).status,
    ).toBe(201);

    // Partitioned again, with a request in flight: SIGTERM exits within app.shutdown.timeoutMs.
    proxy.stall();
    const inFlight = send(base, 'POST', '/users', {
      fullName: 'Late',
      email: `late-${tag}@example.com`,
    }).catch(() => ({ status: 0 }));
    const signalled = performance.now();
    api.child.kill('SIGTERM');
    const code = await api.exited();
    const exitMs = performance.now() - signalled;
    console.info('SIGTERM during the partition', {
      code,
      exitMs: Math.round(exitMs),
      inFlight: (await inFlight).status,
    });
    expect([0, 1]).toContain(code);
    expect(exitMs).toBeLessThan(4_000 + 5_000);
    await proxy.restore();
  });
});
