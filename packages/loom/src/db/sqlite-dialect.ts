import { CompiledQuery, type DatabaseConnection, type Driver, SqliteDialect, SqliteDriver } from 'kysely';

/** Kysely's SQLite driver, with transactions that take the write lock when they begin. */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * Kysely's SQLite dialect with `BEGIN IMMEDIATE` transactions. A deferred transaction that reads, then
 * writes while another process (a `loom serve --workers N` sibling, a worker) committed meanwhile fails
 * at once with "database is locked" (SQLITE_BUSY_SNAPSHOT): the busy timeout cannot help it. Taking the
 * write lock up front makes such a transaction wait its turn (up to the busy timeout) instead.
 *
 * @example
 * ```ts
 * const kysely = new Kysely({ dialect: new ImmediateSqliteDialect({ database: openNodeSqlite(file) }) });
 * ```
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];
  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
