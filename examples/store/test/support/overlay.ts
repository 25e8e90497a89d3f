import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The store's job names, whose retry settings (from base.yaml) the tests keep. */
export const STORE_JOBS = ['SendRestockEmail', 'BuildProductSummary', 'SyncProductToErp'] as const;

/** Retries keep their declared counts; only the backoff is shortened so a failing job finishes fast. */
export const TEST_BACKOFF_MS = 50;

export interface OverlayOptions {
  readonly databaseUrl: string;
  /** BullMQ: the Redis URL and the queue each job uses (isolated per run). */
  readonly bullmq?: { readonly redisUrl: string; readonly queues: Readonly<Record<string, string>> };
  /** Turns the repository read cache on, with this backend (the Redis one uses `redisUrl`). */
  readonly cache?: { readonly backend: 'memory' | 'redis'; readonly redisUrl?: string };
}

/**
 * Writes the test overlay merged after the store's own config files: its database, a random port, the
 * short backoff, optionally the read cache, and for BullMQ a queue name per job that no other run shares. JSON is valid YAML, so the
 * overlay is written as JSON.
 */
export async function writeOverlay(dir: string, options: OverlayOptions): Promise<string> {
  const queueOf: Readonly<Record<string, string>> = options.bullmq?.queues ?? {};
  const queueFor = (job: string) => (job in queueOf ? { queue: queueOf[job] } : {});
  const overrides = Object.fromEntries(
    STORE_JOBS.map((job) => [job, { backoffMs: TEST_BACKOFF_MS, ...queueFor(job) }]),
  );
  const overlay = {
    app: { rest: { host: '127.0.0.1', port: 0 } },
    database: { url: options.databaseUrl },
    ...(options.cache
      ? {
          cache: {
            enabled: true,
            backend: options.cache.backend,
            ...(options.cache.redisUrl ? { redisUrl: options.cache.redisUrl } : {}),
          },
        }
      : {}),
    jobs: {
      overrides,
      ...(options.bullmq
        ? { redisUrl: options.bullmq.redisUrl, queues: [...new Set(Object.values(options.bullmq.queues))] }
        : {}),
    },
  };
  const file = join(dir, 'test-overlay.yaml');
  await writeFile(file, `${JSON.stringify(overlay, null, 2)}\n`);
  return file;
}
