import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { databaseUrl } from './db-url.ts';

/**
 * The data set of dummy-loom's benchmark: 120 users, 1,200 records, 3 notes per record; plus
 * `spareUsers` users who own nothing (ids after the owners'). They keep the unique check of
 * `create_with_rules` an index lookup from its first request: on dummy-loom's 120 users (two pages)
 * PostgreSQL plans `email = $1` as a sequential scan, and the prepared statement keeps that generic
 * plan while the scenario grows the table by thousands of rows a second, until autovacuum's ANALYZE
 * replans it — then the scenario measures that scan, whichever app runs (bench/ANALYSIS.md).
 */
export const DATASET = { users: 120, spareUsers: 10_000, records: 1200, notesPerRecord: 3 } as const;

export interface SeedOptions {
  /** Seed into this schema (created if missing) instead of the connection's default `public`. */
  readonly schema?: string;
}

export interface SeedSummary {
  readonly users: number;
  readonly records: number;
  readonly notes: number;
}

/** Something that runs SQL: a `pg.Pool` or a `pg.Client`. */
export interface Queryable {
  query(text: string): Promise<unknown>;
}

const DDL = `
DROP TABLE IF EXISTS bench_notes, bench_records, bench_users, bench_outbox CASCADE;
CREATE TABLE bench_users (
  id serial PRIMARY KEY,
  full_name varchar(120) NOT NULL,
  email varchar(255) NOT NULL UNIQUE
);
CREATE TABLE bench_records (
  id serial PRIMARY KEY,
  owner_id integer NOT NULL REFERENCES bench_users (id),
  request_id varchar(64) NOT NULL,
  full_name varchar(120) NOT NULL,
  email varchar(255) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bench_records_owner_id_idx ON bench_records (owner_id);
CREATE TABLE bench_notes (
  id serial PRIMARY KEY,
  record_id integer NOT NULL REFERENCES bench_records (id) ON DELETE CASCADE,
  body text NOT NULL
);
CREATE INDEX bench_notes_record_id_idx ON bench_notes (record_id);
CREATE TABLE bench_outbox (
  id varchar(120) PRIMARY KEY,
  queue varchar(120) NOT NULL,
  name varchar(200) NOT NULL,
  message text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bench_outbox_created_at_idx ON bench_outbox (created_at);
`;

/**
 * Drops and recreates the bench tables, then bulk-inserts the data set: ids are 1..N in insertion order,
 * record `i` belongs to user `((i - 1) % 120) + 1` (the spare users follow the owners), and the notes of
 * record `r` have ids `3r-2 .. 3r`.
 * Idempotent: running it twice leaves the same data.
 */
export async function seedBenchData(db: Queryable, options: SeedOptions = {}): Promise<SeedSummary> {
  const { users, spareUsers, records, notesPerRecord } = DATASET;
  const prefix = options.schema === undefined ? '' : schemaPrefix(options.schema);
  await db.query(`BEGIN; ${prefix}${DDL}
INSERT INTO bench_users (full_name, email)
  SELECT 'Bench User ' || u, 'bench-user-' || u || '@example.com' FROM generate_series(1, ${users}) AS u ORDER BY u;
INSERT INTO bench_users (full_name, email)
  SELECT 'Spare User ' || u, 'spare-user-' || u || '@example.com' FROM generate_series(1, ${spareUsers}) AS u ORDER BY u;
INSERT INTO bench_records (owner_id, request_id, full_name, email)
  SELECT ((r - 1) % ${users}) + 1, 'req-' || r, 'Record ' || r, 'record-' || r || '@example.com'
  FROM generate_series(1, ${records}) AS r ORDER BY r;
INSERT INTO bench_notes (record_id, body)
  SELECT r, 'note-' || r || '-' || n
  FROM generate_series(1, ${records}) AS r CROSS JOIN generate_series(1, ${notesPerRecord}) AS n ORDER BY r, n;
ANALYZE bench_users, bench_records, bench_notes;
COMMIT;`);
  return { users, records, notes: records * notesPerRecord };
}

/** Drops a schema created for tests. */
export async function dropSchema(db: Queryable, schema: string): Promise<void> {
  await db.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
}

function schemaPrefix(schema: string): string {
  const ident = quoteIdent(schema);
  return `CREATE SCHEMA IF NOT EXISTS ${ident}; SET LOCAL search_path TO ${ident};`;
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid schema name: ${name}`);
  return `"${name}"`;
}

async function main(): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  try {
    const summary = await seedBenchData(client);
    console.log(`seeded ${summary.users} users, ${summary.records} records, ${summary.notes} notes`);
  } finally {
    await client.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
