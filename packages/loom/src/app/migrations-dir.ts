import { dirname, resolve } from 'node:path';

/**
 * The folder an application's relative paths start from: the first config file's folder.
 *
 * @example
 * ```ts
 * configDir(['examples/store/config/api.yaml']); // '/…/examples/store/config'
 * ```
 */
export function configDir(configPaths: readonly string[]): string {
  const first = configPaths[0];
  if (first === undefined) throw new Error('pass at least one config file');
  return dirname(resolve(first));
}

/**
 * The default migrations folder of an application: `migrations/` next to the first config file. Used
 * by `database.sync: migrate` and by `loom db migrate` / `loom db make-migration` without `--dir`.
 *
 * @example
 * ```ts
 * defaultMigrationsDir(['config/api.yaml']); // '/…/config/migrations'
 * ```
 */
export function defaultMigrationsDir(configPaths: readonly string[]): string {
  return resolve(configDir(configPaths), 'migrations');
}
