import { fileURLToPath } from 'node:url';

const file = (name: string) => fileURLToPath(new URL(`../config/${name}`, import.meta.url));

/**
 * The config files of a store process: the base file, plus the BullMQ overlay when `REDIS_URL` is set
 * (embedded defaults otherwise: SQLite file and in-process jobs).
 */
export function configPaths(base: 'api.yaml' | 'api-manifest.yaml' | 'worker.yaml'): string[] {
  return [file(base), ...(process.env.REDIS_URL ? [file('bullmq.yaml')] : [])];
}
