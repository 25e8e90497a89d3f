import { ConfigError } from '../errors/index.ts';
import { type ConfigPath, formatPath } from './config-path.ts';
import type { ConfigSources } from './config-sources.ts';

/** One thing wrong with a configuration: where (key path) and what. */
export interface ConfigProblem {
  readonly path: ConfigPath;
  readonly message: string;
}

/**
 * `key.path (file:line)`, or just the key path when no file is known (a config built in code).
 *
 * @example
 * ```ts
 * describeKey(['database', 'url'], sources); // 'database.url (config/base.yaml:3)'
 * describeKey(['database', 'url']); // 'database.url'
 * ```
 */
export function describeKey(path: ConfigPath, sources?: ConfigSources): string {
  if (!sources || sources.files.length === 0) return formatPath(path);
  return `${formatPath(path)} (${sources.locate(path)})`;
}

/**
 * Builds the one `ConfigError` reporting every problem found, each with its key path and the file
 * (and line) it came from, so a user fixes them all in one pass.
 *
 * @example
 * ```ts
 * throw configError([{ path: ['app', 'name'], message: 'is required' }], sources);
 * // ConfigError: Invalid configuration: app.name (config/api.yaml): is required
 * ```
 */
export function configError(problems: readonly ConfigProblem[], sources?: ConfigSources): ConfigError {
  const lines = problems.map((p) => `${describeKey(p.path, sources)}: ${p.message}`);
  if (lines.length === 1) return new ConfigError(`Invalid configuration: ${lines[0]}`);
  return new ConfigError(
    `Invalid configuration (${lines.length} problems):\n${lines.map((l) => `  - ${l}`).join('\n')}`,
  );
}
