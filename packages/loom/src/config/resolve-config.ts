import { Value } from 'typebox/value';
import { type ConfigSectionSchemas, type ConfigWithSections, configSchemaWith } from './app-sections.ts';
import { crossChecks } from './config-checks.ts';
import { isPlainObject } from './config-path.ts';
import { type ConfigProblem, configError } from './config-problem.ts';
import type { LoomConfig, LoomConfigInput } from './config-schema.ts';
import type { ConfigSources } from './config-sources.ts';
import { anchorSqliteUrl } from './database-url.ts';
import { prepareConfig } from './prepare-config.ts';
import { schemaProblems } from './schema-problems.ts';

/**
 * Turns a merged, interpolated configuration tree into a {@link LoomConfig}: drops `null` keys,
 * converts strings that spell numbers or booleans where those are expected, applies every default
 * (`app.rest.title` and `trace.serviceName` default to `app.name`), validates against
 * {@link LoomConfigSchema} and the cross-key rules, and freezes the result.
 *
 * All problems are reported together in one `ConfigError`, each with its key path and — when
 * `sources` is given (as {@link loadConfig} does) — the file and line it came from. Unknown keys are
 * errors, with a "did you mean" when a known key is close. `sections` adds the application's own
 * top-level sections (`defineConfigSections`), validated the same way.
 *
 * @example
 * ```ts
 * const config = resolveConfig({ app: { name: 'store' }, database: { url: 'sqlite::memory:' } });
 * config.database.poolSize; // 10
 * config.app.rest.title; // 'store'
 * resolveConfig({ app: { name: 'store', rest: { prot: 8080 } } });
 * // ConfigError: Invalid configuration: app.rest.prot: unknown key; did you mean "port"?
 * ```
 */
export function resolveConfig<S extends ConfigSectionSchemas = {}>(
  raw: LoomConfigInput | Readonly<Record<string, unknown>> | undefined,
  sources?: ConfigSources,
  sections?: S,
  options: ResolveOptions = {},
): ConfigWithSections<S> {
  const schema = configSchemaWith(sections);
  const problems: ConfigProblem[] = [];
  if (raw !== undefined && !isPlainObject(raw)) {
    throw configError(
      [{ path: [], message: 'must be a mapping of sections (app, database, jobs, …)' }],
      sources,
    );
  }
  const prepared = prepareConfig(schema, raw ?? {}, problems);
  const defaulted = Value.Default(schema, prepared);
  fillDerivedDefaults(defaulted);
  if (options.baseDir !== undefined) anchorPaths(defaulted, options.baseDir);
  problems.push(...schemaProblems(schema, defaulted));
  if (problems.length > 0) throw configError(problems, sources);

  const config = defaulted as ConfigWithSections<S>;
  const inconsistent = crossChecks(config);
  if (inconsistent.length > 0) throw configError(inconsistent, sources);
  return deepFreeze(config);
}

/** Options of {@link resolveConfig}. */
export interface ResolveOptions {
  /** Where relative file paths start (the first config file's folder): SQLite's `database.url`. */
  readonly baseDir?: string;
}

/** A relative SQLite file in `database.url` (given or the default) starts at `baseDir`. */
function anchorPaths(config: unknown, baseDir: string): void {
  if (!isPlainObject(config) || !isPlainObject(config.database)) return;
  const { database } = config;
  if (typeof database.url === 'string') database.url = anchorSqliteUrl(database.url, baseDir);
}

/** Defaults that depend on another key: the OpenAPI title and the trace service name are the app name. */
function fillDerivedDefaults(config: unknown): void {
  if (!isPlainObject(config)) return;
  const { app, trace } = config;
  if (!isPlainObject(app)) return;
  const name = typeof app.name === 'string' && app.name !== '' ? app.name : 'loom';
  if (isPlainObject(app.rest) && app.rest.title === undefined) app.rest.title = name;
  if (isPlainObject(trace) && trace.serviceName === undefined) trace.serviceName = name;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
