/**
 * loom's configuration: YAML files with `includes:`, `${env:…}` interpolation, a closed TypeBox schema
 * with defaults, and errors that name the key and the file it came from.
 */

export {
  type AppConfigSections,
  type ConfigSectionSchemas,
  type ConfigSectionsOf,
  type ConfigWithSections,
  configSchemaWith,
  defineConfigSections,
} from './app-sections.ts';
export { type ConfigPath, formatPath, type PathSegment } from './config-path.ts';
export {
  type AppConfig,
  type AuthConfig,
  type CacheConfig,
  type CorsConfig,
  type DatabaseConfig,
  type HealthConfig,
  type JobOverride,
  type JobsConfig,
  type LoggerConfig,
  type LoomConfig,
  type LoomConfigInput,
  LoomConfigSchema,
  type MetricsConfig,
  type RateLimitConfig,
  type RuntimeConfig,
  type ShutdownConfig,
  type TraceConfig,
} from './config-schema.ts';
export { type ConfigOrigin, ConfigSources } from './config-sources.ts';
export { type DatabaseTarget, parseDatabaseUrl } from './database-url.ts';
export { decodeScalar } from './decode-scalar.ts';
export { type ConfigLayer, deepMerge } from './deep-merge.ts';
export { type InterpolateOptions, interpolate } from './interpolate.ts';
export {
  type LoadConfigOptions,
  loadConfig,
  loadConfigSync,
  loadConfigWithSections,
  loadRawConfig,
  loadRawConfigSync,
} from './load-yaml-config.ts';
export { isSecretKey, REDACTED, redactConfig, redactUrl } from './redact.ts';
export { resolveConfig } from './resolve-config.ts';
export {
  assertSecretsSet,
  environmentOf,
  isDevelopmentEnvironment,
  isPlaceholderSecret,
  placeholderSecrets,
} from './secret-checks.ts';
