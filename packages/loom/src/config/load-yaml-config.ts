import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors/index.ts';
import type { ConfigSectionSchemas, ConfigWithSections } from './app-sections.ts';
import type { LoomConfig } from './config-schema.ts';
import { displayFile } from './config-sources.ts';
import { type ConfigLayer, emptyLayer, mergeLayers } from './deep-merge.ts';
import { interpolate } from './interpolate.ts';
import { parseYamlLayer } from './parse-yaml-layer.ts';
import { resolveConfig } from './resolve-config.ts';

/** Options of {@link loadRawConfig}. */
export interface LoadConfigOptions {
  /** Environment for `${env:…}`; `process.env` when absent. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Loads, merges and validates YAML configuration files into the fully defaulted {@link LoomConfig}.
 *
 * - Several paths merge left to right (a later file wins). Relative paths are relative to the
 *   working directory.
 * - A file may list `includes:` — paths relative to *that file's* directory, interpolations allowed.
 *   Included files load first, in list order (their own includes before them), and the including
 *   file merges last, so it wins. An include cycle is a `ConfigError` showing the chain of files.
 * - Merging is deep for mappings; lists and scalars are replaced.
 * - `${env:…}`, `${oc.env:…}` and `${oc.decode:…}` are resolved after merging, so an override of a
 *   key makes the overridden interpolation harmless (see {@link interpolate}).
 * - Every error names the key path and the file (and line) the key came from.
 *
 * @example
 * ```ts
 * // config/api.yaml:  includes: [base.yaml, jobs.yaml]  +  app: { rest: { port: 8080 } }
 * const config = await loadConfig('config/api.yaml');
 * config.app.rest.port; // 8080
 * config.database.poolSize; // 10 (default)
 * ```
 */
export async function loadConfig(...paths: string[]): Promise<LoomConfig> {
  const raw = await loadRawConfig(paths);
  return resolveConfig(raw.value, raw.sources, undefined, baseDirOf(paths));
}

/**
 * {@link loadConfig} with the application's own top-level sections (`defineConfigSections`) validated
 * beside loom's.
 *
 * @example
 * ```ts
 * const config = await loadConfigWithSections(['config/api.yaml'], { mailer: MailerSection });
 * ```
 */
export async function loadConfigWithSections<S extends ConfigSectionSchemas = {}>(
  paths: readonly string[],
  sections: S | undefined,
): Promise<ConfigWithSections<S>> {
  const raw = await loadRawConfig(paths);
  return resolveConfig(raw.value, raw.sources, sections, baseDirOf(paths));
}

/**
 * Synchronous {@link loadConfig}, for CLIs and scripts that cannot await at the top.
 *
 * @example
 * ```ts
 * const config = loadConfigSync('config/worker.yaml');
 * ```
 */
export function loadConfigSync(...paths: string[]): LoomConfig {
  const raw = loadRawConfigSync(paths);
  return resolveConfig(raw.value, raw.sources, undefined, baseDirOf(paths));
}

/**
 * Loads and merges the files and resolves interpolations, without applying the schema: the tree plus
 * the origin of each key. For tools that show or transform configuration, and for tests.
 *
 * @example
 * ```ts
 * const { value, sources } = await loadRawConfig(['config/api.yaml'], { env: { PORT: '9000' } });
 * sources.locate(['app', 'rest', 'port']); // 'config/api.yaml:6'
 * ```
 */
export async function loadRawConfig(
  paths: readonly string[],
  options: LoadConfigOptions = {},
): Promise<ConfigLayer> {
  const steps = readAll(paths, options);
  let step = steps.next();
  while (!step.done) {
    let text: string;
    try {
      text = await readFile(step.value, 'utf8');
    } catch (error) {
      step = steps.throw(error);
      continue;
    }
    step = steps.next(text);
  }
  return step.value;
}

/**
 * Synchronous {@link loadRawConfig}.
 *
 * @example
 * ```ts
 * const { value } = loadRawConfigSync(['config/api.yaml']);
 * ```
 */
export function loadRawConfigSync(paths: readonly string[], options: LoadConfigOptions = {}): ConfigLayer {
  const steps = readAll(paths, options);
  let step = steps.next();
  while (!step.done) {
    let text: string;
    try {
      text = readFileSync(step.value, 'utf8');
    } catch (error) {
      step = steps.throw(error);
      continue;
    }
    step = steps.next(text);
  }
  return step.value;
}

// The loading logic is written once as a generator that yields the absolute path of each file it needs
// and receives its text (or, through `throw`, the read error); the two drivers above read sync or async.
type FileReads<T> = Generator<string, T, string>;

function* readAll(paths: readonly string[], options: LoadConfigOptions): FileReads<ConfigLayer> {
  if (paths.length === 0) {
    throw new ConfigError('No configuration file given: pass at least one path, e.g. "config/api.yaml"');
  }
  const env = options.env ?? process.env;
  let layer = emptyLayer();
  for (const file of paths) layer = mergeLayers(layer, yield* readLayer(path.resolve(file), [], env));
  const value = interpolate(layer.value, { env, sources: layer.sources }) as Record<string, unknown>;
  return { value, sources: layer.sources };
}

function* readLayer(
  file: string,
  chain: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): FileReads<ConfigLayer> {
  if (chain.includes(file)) {
    throw new ConfigError(`Circular include: ${[...chain, file].map(displayFile).join(' → ')}`);
  }
  let text: string;
  try {
    text = yield file;
  } catch (error) {
    throw unreadable(file, chain, error);
  }
  const own = parseYamlLayer(text, file);
  const includes = includeList(own, env);
  let layer = emptyLayer();
  for (const include of includes) {
    const target = path.resolve(path.dirname(file), include);
    layer = mergeLayers(layer, yield* readLayer(target, [...chain, file], env));
  }
  const { includes: _removed, ...rest } = own.value;
  return mergeLayers(layer, { value: rest, sources: own.sources });
}

/** The validated, interpolated `includes:` list of a file (empty when it has none). */
function includeList(layer: ConfigLayer, env: Readonly<Record<string, string | undefined>>): string[] {
  const declared = layer.value.includes;
  if (declared === undefined || declared === null) return [];
  const list = typeof declared === 'string' ? [declared] : declared;
  if (!Array.isArray(list)) {
    throw new ConfigError(
      `Invalid configuration: includes (${layer.sources.locate(['includes'])}): must be a list of file paths`,
    );
  }
  return list.map((entry: unknown, index) => {
    const resolved = interpolate(entry, { env, sources: layer.sources, path: ['includes', index] });
    if (typeof resolved !== 'string' || resolved.trim() === '') {
      throw new ConfigError(
        `Invalid configuration: includes[${index}] (${layer.sources.locate(['includes', index])}): must be a file path`,
      );
    }
    return resolved;
  });
}

function unreadable(file: string, chain: readonly string[], error: unknown): ConfigError {
  const code = (error as { code?: unknown } | null)?.code;
  const from = chain.length > 0 ? ` (included from ${displayFile(chain[chain.length - 1]!)})` : '';
  if (code === 'ENOENT') return new ConfigError(`Configuration file not found: ${file}${from}`);
  if (code === 'EISDIR')
    return new ConfigError(`Configuration path is a directory, not a file: ${file}${from}`);
  const reason = error instanceof Error ? error.message : String(error);
  return new ConfigError(`Cannot read configuration file ${file}${from}: ${reason}`);
}

/** Relative paths in config (modules, a SQLite file) start at the first file's folder. */
function baseDirOf(paths: readonly string[]): { baseDir?: string } {
  const first = paths[0];
  return first === undefined ? {} : { baseDir: path.dirname(path.resolve(first)) };
}
