import { Redis } from 'ioredis';
import pg from 'pg';

/** The CI machine's PostgreSQL (trust auth) and Redis; override with the usual variables. */
export const PG_ADMIN_URL = process.env.STORE_E2E_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.STORE_E2E_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The prefix loom's BullMQ backend puts before every Redis key (not configurable from YAML). */
const BULLMQ_PREFIX = 'loom';

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty PostgreSQL database for one run; `drop()` removes it (closing leftover sessions). */
export async function createPostgresDatabase(name: string): Promise<{ url: string; drop(): Promise<void> }> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`);
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** Deletes the BullMQ keys of the given queues (and only those). */
export async function deleteQueueKeys(queues: readonly string[]): Promise<number> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    for (const queue of queues) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${BULLMQ_PREFIX}:${queue}:*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) deleted += await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}
