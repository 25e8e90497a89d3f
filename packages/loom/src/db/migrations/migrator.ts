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

/** A PostgreSQL "schema does not exist" (3F000) raised while the migrator inspected the catalog. */
function droppedMeanwhile(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '3F000';
}

/** Runs idempotent catalog work, again while it fails on {@link droppedMeanwhile} (up to 10 tries). */
async function despiteCatalogRace<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= 10 || !droppedMeanwhile(error)) throw error;
    }
  }
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
  // Kysely's setup looks its bookkeeping table up across every schema of the database; a schema that
  // another client drops meanwhile makes that lookup fail (3F000) before any migration has run. The
  // setup is idempotent, so it is tried again; after the last try the failure is reported as below.
  const outcome = await despiteCatalogRace(async () => {
    const attempt = await step(await migratorFor(db, folder, baseline));
    if (attempt.results === undefined && droppedMeanwhile(attempt.error)) throw attempt.error;
    return attempt;
  }).catch((error: unknown) => {
    if (!droppedMeanwhile(error)) throw error;
    return { error, results: undefined };
  });
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
  // The same catalog race as in `run`: reading is idempotent.
  const infos = await despiteCatalogRace(async () => (await migratorFor(db, folder)).getMigrations());
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
  const infos = await despiteCatalogRace(async () => (await migratorFor(db, folder)).getMigrations());
  const applied = infos.filter((i) => i.executedAt !== undefined).map((i) => i.name);
  if (applied.length > 0) {
    throw new Error(
      `the database is under migrations already (applied: ${applied.join(', ')}): a baseline adopts a database created by schema sync; run loom db migrate instead`,
    );
  }
  return run(db, folder, (m) => m.migrateToLatest(), true);
}
