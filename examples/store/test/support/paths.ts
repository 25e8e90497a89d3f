import { fileURLToPath } from 'node:url';

const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

/** The repository root (where `npm start` runs). */
export const REPO_ROOT = here('../../../../');
/** The store example's folder (where `npm run start -w examples/store` runs). */
export const STORE_DIR = here('../../');
export const STORE_MAIN = here('../../src/main.ts');
export const STORE_WORKER = here('../../src/worker.ts');

/** The store's config files. */
export const CONFIG = {
  api: here('../../config/api.yaml'),
  apiManifest: here('../../config/api-manifest.yaml'),
  auth: here('../../config/auth.yaml'),
  bullmq: here('../../config/bullmq.yaml'),
} as const;
