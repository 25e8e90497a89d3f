import { sql } from 'kysely';
import type { Database } from '../../src/db/database.ts';

/** A table of the connection's own schema and its columns, in declaration order. */
export interface OwnTable {
  readonly name: string;
  readonly columns: readonly string[];
}

/**
 * The tables of the connection's own schema (PostgreSQL: `current_schema()`; SQLite: `main`), sorted
 * by name. Tests read these instead of Kysely's introspector, which reads every schema of the catalog:
 * a schema that a test running beside it drops meanwhile fails that read with 3F000 "schema … does
 * not exist".
 */
export async function ownTables(db: Pick<Database, 'dialect' | 'kysely'>): Promise<OwnTable[]> {
  const rows =
    db.dialect === 'postgres'
      ? await sql<{ table_name: string; column_name: string }>`
          select c.relname as table_name, a.attname as column_name
          from pg_catalog.pg_class c
          join pg_catalog.pg_namespace n on n.oid = c.relnamespace
          join pg_catalog.pg_attribute a on a.attrelid = c.oid
          where n.nspname = current_schema() and c.relkind in ('r', 'p')
            and a.attnum > 0 and not a.attisdropped
          order by c.relname, a.attnum`.execute(db.kysely)
      : await sql<{ table_name: string; column_name: string }>`
          select m.name as table_name, p.name as column_name
          from sqlite_master m join pragma_table_info(m.name) p
          where m.type = 'table' and m.name not like 'sqlite_%'
          order by m.name, p.cid`.execute(db.kysely);
  const tables = new Map<string, string[]>();
  for (const row of rows.rows) {
    const columns = tables.get(row.table_name) ?? [];
    columns.push(row.column_name);
    tables.set(row.table_name, columns);
  }
  return [...tables.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, columns]) => ({ name, columns }));
}
