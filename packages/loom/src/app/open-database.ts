import { parseDatabaseUrl } from '../config/database-url.ts';
import type { LoomConfig } from '../config/index.ts';
import { type Database, openDatabase } from '../db/database.ts';

/**
 * Opens the configured database: `database.url`, and on PostgreSQL the pool size, how profiles are
 * read and whether statements are prepared. `forSchemaChanges` turns prepared statements off: a
 * statement prepared before a DDL change that alters its result would fail after it.
 *
 * @example
 * ```ts
 * const db = openConfiguredDatabase(config);                                 // serving
 * const admin = openConfiguredDatabase(config, { forSchemaChanges: true });  // loom db migrate
 * ```
 */
export function openConfiguredDatabase(
  config: LoomConfig,
  options: { readonly forSchemaChanges?: boolean } = {},
): Database {
  const { url, poolSize, profileReads, preparedStatements } = config.database;
  const target = parseDatabaseUrl(url);
  return target.dialect === 'postgres'
    ? openDatabase({
        dialect: 'postgres',
        connectionString: target.connectionString,
        poolSize,
        profileReads,
        preparedStatements: preparedStatements && options.forSchemaChanges !== true,
      })
    : openDatabase({ dialect: 'sqlite', filename: target.filename });
}
