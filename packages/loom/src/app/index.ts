/**
 * `loom-kernel/app`: starting an application — the HTTP server (`createApp`), the job worker
 * (`createWorker`) — and reading its YAML config.
 *
 * @example
 * ```ts
 * import { createApp } from 'loom-kernel/app';
 *
 * const app = await createApp('config/api.yaml');
 * await app.listen({ port: 8000 });
 * ```
 *
 * @packageDocumentation
 */

export {
  type AppConfig,
  type AuthConfig,
  type CacheConfig,
  type DatabaseConfig,
  type JobsConfig,
  type LoggerConfig,
  type LoomConfig,
  type LoomConfigInput,
  loadConfig,
  loadConfigWithSections,
  type MetricsConfig,
  parseDatabaseUrl,
  redactConfig,
  resolveConfig,
  type TraceConfig,
} from '../config/index.ts';
export type { ApiKeyProvider, ApiKeyRecord } from '../rest/auth/api-keys.ts';
export { hashApiKey } from '../rest/auth/api-keys.ts';
export type { Authenticator } from '../rest/auth/authenticator.ts';
export type { CreateAppOptions } from './app-options.ts';
export type { AuthOptions } from './auth-from-config.ts';
export { createApp, type LoomApp } from './create-app.ts';
export { createWorker, type LoomWorker } from './create-worker.ts';
export { type Declarations, declarationsFromManifest, type Manifest } from './declarations.ts';
