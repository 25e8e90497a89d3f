import { type DatabaseIntrospector, type Kysely, PostgresDialect } from 'kysely';
import { OwnSchemaIntrospector } from './own-schema-introspector.ts';

/**
 * Kysely's PostgreSQL dialect whose introspection (`kysely.introspection`, and the migrator's "does my
 * bookkeeping table exist") sees the connection's own schema only: see own-schema-introspector.ts.
 *
 * @example
 * ```ts
 * const kysely = new Kysely({ dialect: new OwnSchemaPostgresDialect({ pool: new pg.Pool({ connectionString }) }) });
 * ```
 */
export class OwnSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new OwnSchemaIntrospector(db);
  }
}
