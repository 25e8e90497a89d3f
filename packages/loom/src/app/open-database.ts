import { parseDatabaseUrl } from '../config/database-url.ts';
import type { LoomConfig } from '../config/index.ts';
import { type Database, openDatabase } from '../db/database.ts';

/** Opens the configured database (`database.url`, pool size). */
export function openConfiguredDatabase(config: LoomConfig): Database {
  const target = parseDatabaseUrl(config.database.url);
  return target.dialect === 'postgres'
    ? openDatabase({
        dialect: 'postgres',
        connectionString: target.connectionString,
        poolSize: config.database.poolSize,
      })
    : openDatabase({ dialect: 'sqlite', filename: target.filename });
}
