import { type MigrationProvider, Migrator, sql } from 'kysely';
import type { Database } from '../database.ts';
import { LoomMigrationProvider } from './migration-provider.ts';
import { migrationToolsFor } from './migration-tools.ts';

/** The table recording applied migrations (and its lock table, `loom_migration_lock`). */
export const MIGRATION_TABLE = 'loom_migration';

/**
 * The provider of a baseline: the folder's migrations by name, each with an `up` that does nothing, so
 * the migrator records them as applied without running them.
 */
function recordOnly(provider: LoomMigrationProvider): MigrationProvider {
  return {
    async getMigrations() {
      const names = Object.keys(await provider.getMigrations());
      return Object.fromEntries(names.map((name) => [name, { up: async () => {} }]));
    },
  };
}

async function migratorFor(db: Database, folder: string, baseline = false): Promise<Migrator> {
  // On PostgreSQL the bookkeeping tables live in the current schema: Kysely would otherwise find a
  // `loom_migration` table of another schema and believe it is ours.
  const schema =
    db.dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db.kysely)).rows[0]?.schema
      : undefined;
  const provider = new LoomMigrationProvider(folder, migrationToolsFor(db.dialect));
  return new Migrator({
    db: db.kysely,
    provider: baseline ? recordOnly(provider) : provider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: `${MIGRATION_TABLE}_lock`,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
}

/** The outcome of a migration run: the names applied (or reverted), in order. */
export interface MigrationRun {
  readonly applied: readonly string[];
}

async function run(
  db: Database,
  folder: string,
  step: (m: Migrator) => ReturnType<Migrator['migrateToLatest']>,
  baseline = false,
): Promise<MigrationRun> {
  // Kysely's setup looks its bookkeeping tables up through `kysely.introspection`, which on PostgreSQL
  // reads the connection's own schema only (own-schema-introspector.ts): a schema or table that another
  // client drops meanwhile cannot fail it.
  const outcome = await step(await migratorFor(db, folder, baseline));
  const { error, results } = outcome;
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(failed ? `migration ${failed} failed: ${reason}` : `migrations failed: ${reason}`, {
      cause: error,
    });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/**
 * Applies every migration of `folder` that has not run yet, in file-name order, each in a transaction.
 * Throws naming the failing migration; migrations before it stay applied.
 *
 * @example
 * ```ts
 * const { applied } = await migrateToLatest(db, 'migrations'); // ['0001_initial']; then []
 * ```
 */
export function migrateToLatest(db: Database, folder: string): Promise<MigrationRun> {
  return run(db, folder, (m) => m.migrateToLatest());
}

/** Reverts the last applied migration (its `down`). */
export function migrateDown(db: Database, folder: string): Promise<MigrationRun> {
  return run(db, folder, (m) => m.migrateDown());
}

/**
 * The names of the migrations of `folder` that have not been applied to `db`, in order.
 *
 * @example
 * ```ts
 * if ((await pendingMigrations(db, 'migrations')).length > 0) throw new Error('run `loom migrate` first');
 * ```
 */
export async function pendingMigrations(db: Database, folder: string): Promise<string[]> {
  const infos = await (await migratorFor(db, folder)).getMigrations();
  return infos.filter((i) => i.executedAt === undefined).map((i) => i.name);
}

/**
 * Adopts a database whose tables exist already (created by `database.sync: create`): records every
 * migration of `folder` as applied without running it. Check first that the tables are what the
 * migrations would create (`loom db migrate --baseline` does). Refuses a database that has applied
 * migrations already.
 *
 * @example
 * ```ts
 * const { applied } = await baselineMigrations(db, 'migrations'); // ['0001_initial'] recorded, not run
 * ```
 */
export async function baselineMigrations(db: Database, folder: string): Promise<MigrationRun> {
  const infos = await (await migratorFor(db, folder)).getMigrations();
  const applied = infos.filter((i) => i.executedAt !== undefined).map((i) => i.name);
  if (applied.length > 0) {
    throw new Error(
      `the database is under migrations already (applied: ${applied.join(', ')}): a baseline adopts a database created by schema sync; run loom db migrate instead`,
    );
  }
  return run(db, folder, (m) => m.migrateToLatest(), true);
}
