import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';

const file = (name: string) => fileURLToPath(new URL(`../config/${name}`, import.meta.url));

/**
 * The config files of a store process: the base file, plus the BullMQ overlay when `REDIS_URL` is set
 * (embedded defaults otherwise: SQLite file and in-process jobs), plus the files listed in
 * `STORE_CONFIG_OVERLAYS` (separated like `PATH`), merged last: local or test overrides such as a short
 * retry backoff, without editing the store's own files.
 *
 * @example
 * ```ts
 * // REDIS_URL=redis://127.0.0.1:6379 STORE_CONFIG_OVERLAYS=/tmp/fast-retries.yaml
 * configPaths('worker.yaml'); // ['…/config/worker.yaml', '…/config/bullmq.yaml', '/tmp/fast-retries.yaml']
 * ```
 */
export function configPaths(base: 'api.yaml' | 'api-manifest.yaml' | 'worker.yaml'): string[] {
  const overlays = (process.env.STORE_CONFIG_OVERLAYS ?? '').split(delimiter).filter((path) => path !== '');
  return [file(base), ...(process.env.REDIS_URL ? [file('bullmq.yaml')] : []), ...overlays];
}
