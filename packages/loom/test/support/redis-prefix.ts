import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

/** The Redis the tests use (the CI machine's, shared with other runs: keys only under our own prefix). */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A proxy to the tests' Redis that a test can cut, stall and restore (see {@link startTcpProxy}). */
export function startRedisProxy(): Promise<TcpProxy> {
  const url = new URL(TEST_REDIS_URL);
  return startTcpProxy(Number(url.port || 6379), url.hostname);
}

/** A fresh key prefix for one test file, e.g. `loomtest-cluster-1a2b3c4d`. */
export function testPrefix(label: string): string {
  return `loomtest-${label}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every key under `prefix` (SCAN + DEL; never a flush: the Redis is shared). */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * Config files that put the store (examples/store) on BullMQ under its own key prefix: the store's
 * `bullmq.yaml` (REDIS_URL from `env`) and an overlay naming the prefix. Pass both after the store's
 * api.yaml or worker.yaml, with `env` in the child's environment.
 */
export async function storeOnBullmq(
  repoRoot: string,
  dir: string,
  prefix: string,
  extraYaml = '',
): Promise<{ files: string[]; env: Record<string, string> }> {
  const overlay = join(dir, 'bullmq-prefix.yaml');
  // No job dashboard: these tests do not read it, and bull-board is a sizeable import for every boot.
  await writeFile(overlay, `jobs:\n  prefix: ${prefix}\n  dashboard:\n    enabled: false\n${extraYaml}`);
  return {
    files: [resolve(repoRoot, 'examples/store/config/bullmq.yaml'), overlay],
    env: { REDIS_URL: TEST_REDIS_URL },
  };
}
