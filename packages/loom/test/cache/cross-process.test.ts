import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isListening, kill, type LoggedChild, listeningPort, spawnLoom } from '../cli/child-process.ts';
import { createProduct, REPO_ROOT, STORE_API, send, tempDir } from '../observability/store-app.ts';
import { DIALECTS, PG_URL } from '../support/dialects.ts';
import { deleteRedisKeys, storeOnBullmq, testPrefix } from '../support/redis-prefix.ts';

// Issue 20, point 5: the read cache of one process is invalidated by the writes of another. The store
// with REDIS_URL set (config/bullmq.yaml) and CACHE_ENABLED=true leaves cache.backend at its default,
// `auto`, which picks the Redis store: generations are shared, so a write in process A is seen by the
// next read in process B. Process C is the control: the same store with a memory cache (what the
// default was before) serves the value it cached before the write.

/** A PostgreSQL database of its own for this file (the serve processes share it). */
async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `loomtest_cache_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

const metric = (text: string, entity: string, event: string): number =>
  Number(
    new RegExp(`^loom_cache_events_total\\{entity="${entity}",event="${event}"\\} (\\d+)`, 'm').exec(
      text,
    )?.[1] ?? 0,
  );

describe.each(DIALECTS)('read cache across two loom serve processes (%s, Redis by default)', (dialect) => {
  const tmp = tempDir('loom-cache-xproc-');
  const prefix = testPrefix('cachexp');
  const procs: LoggedChild[] = [];
  let database: { url: string; drop(): Promise<void> } | undefined;
  let files: string[];
  let env: Record<string, string>;

  beforeAll(async () => {
    const dir = (await tmp).path;
    database = dialect === 'postgres' ? await createDatabase() : undefined;
    // Cache keys under this file's prefix too: other runs of the store share the Redis.
    const bullmq = await storeOnBullmq(REPO_ROOT, dir, prefix);
    const cacheOverlay = `${dir}/cache.yaml`;
    await writeFile(cacheOverlay, `cache:\n  keyPrefix: "${prefix}:cache:"\n  ttlSeconds: 600\n`);
    files = [STORE_API, ...bullmq.files, cacheOverlay];
    env = {
      ...bullmq.env,
      DATABASE_URL: database?.url ?? `sqlite:${dir}/store.db`,
      CACHE_ENABLED: 'true',
    };
  });
  afterEach(() => {
    for (const p of procs.splice(0)) kill(p);
  });
  afterAll(async () => {
    await database?.drop();
    await (await tmp).dispose();
    await deleteRedisKeys(prefix);
  });

  async function serve(extraEnv: Record<string, string> = {}): Promise<string> {
    const proc = spawnLoom(['serve', '--port', '0', ...files], { ...env, ...extraEnv });
    procs.push(proc);
    return `http://127.0.0.1:${listeningPort(await proc.waitFor(isListening))}`;
  }

  it("an update through process A is seen by process B's next read; a memory cache (C) would not see it", async () => {
    // One after the other: the first creates the tables.
    const a = await serve();
    const b = await serve();
    const c = await serve({ CACHE_BACKEND: 'memory' });

    const id = await createProduct(
      a,
      {
        sku: `X-${dialect}`,
        name: 'Kettle',
        category: 'kitchen',
        priceCents: 2500,
        stock: 3,
      },
      '/products/',
    );

    // B and C cache the product: their second read is a hit.
    for (const base of [b, c]) {
      for (let i = 0; i < 2; i++) {
        const read = await send(base, 'GET', `/products/${id}`);
        expect(read.status).toBe(200);
        expect((read.body as { stock: number }).stock).toBe(3);
      }
      expect(metric(await (await fetch(`${base}/metrics`)).text(), 'Product', 'hit')).toBeGreaterThanOrEqual(
        1,
      );
    }

    const patched = await send(a, 'PATCH', `/products/${id}`, { stock: 11 });
    expect(patched.status).toBe(200);

    // No waiting: A answered after its invalidation reached Redis.
    const fromB = await send(b, 'GET', `/products/${id}`);
    expect(fromB.status).toBe(200);
    expect((fromB.body as { stock: number }).stock).toBe(11);
    // The control: a per-process memory cache keeps serving what it cached before A's write.
    const fromC = await send(c, 'GET', `/products/${id}`);
    expect((fromC.body as { stock: number }).stock).toBe(3);
  }, 120_000);
});

describe('read cache on an unreachable Redis, through a real server: fail-open', () => {
  const tmp = tempDir('loom-cache-down-');
  let proc: LoggedChild | undefined;
  afterEach(() => kill(proc));
  afterAll(async () => (await tmp).dispose());

  it('reads and writes answer 2xx from the database, and the outage is logged', async () => {
    const dir = (await tmp).path;
    const overlay = `${dir}/cache-down.yaml`;
    // A port nothing listens on: every cache command fails.
    await writeFile(
      overlay,
      `database:\n  url: "sqlite:${dir}/store.db"\ncache:\n  enabled: true\n  redisUrl: redis://127.0.0.1:1/0\n  keyPrefix: "loomtest-down:"\n`,
    );
    proc = spawnLoom(['serve', '--port', '0', STORE_API, overlay]);
    const base = `http://127.0.0.1:${listeningPort(await proc.waitFor(isListening))}`;
    const id = await createProduct(
      base,
      {
        sku: 'D-1',
        name: 'Lamp',
        category: 'home',
        priceCents: 900,
        stock: 1,
      },
      '/products/',
    );
    expect((await send(base, 'GET', `/products/${id}`)).status).toBe(200);
    expect((await send(base, 'PATCH', `/products/${id}`, { stock: 5 })).status).toBe(200);
    const read = await send(base, 'GET', `/products/${id}`);
    expect(read.status).toBe(200);
    expect((read.body as { stock: number }).stock).toBe(5);
    await proc.waitFor((l) => String(l.msg).startsWith('cache: the store is unavailable'));
  }, 60_000);
});
