import { parseDatabaseUrl } from '../config/database-url.ts';
import type { LoomConfig } from '../config/index.ts';
import { type Database, openDatabase } from '../db/database.ts';

/**
 * Opens the configured database: `database.url`, and on PostgreSQL the pool size, how profiles are
 * read, whether statements are prepared, the connections' `application_name` and the
 * bounded waits (pool acquire, statement, idle in transaction). `forSchemaChanges` turns prepared statements off: a
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
  const { url, poolSize, profileReads, preparedStatements, applicationName } = config.database;
  const target = parseDatabaseUrl(url);
  return target.dialect === 'postgres'
    ? openDatabase({
        dialect: 'postgres',
        connectionString: target.connectionString,
        poolSize,
        profileReads,
        preparedStatements: preparedStatements && options.forSchemaChanges !== true,
        applicationName,
        connectTimeoutMs: config.database.connectTimeoutMs,
        // A migration may legitimately run long: schema changes are not bound by the serving timeout.
        statementTimeoutMs: options.forSchemaChanges === true ? 0 : config.database.statementTimeoutMs,
        idleInTransactionTimeoutMs: config.database.idleInTransactionTimeoutMs,
      })
    : openDatabase({ dialect: 'sqlite', filename: target.filename });
}
