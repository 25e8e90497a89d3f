import { Migrator, sql } from 'kysely';
import type { Database } from '../database.ts';
import { LoomMigrationProvider } from './migration-provider.ts';
import { migrationToolsFor } from './migration-tools.ts';

/** The table recording applied migrations (and its lock table, `loom_migration_lock`). */
export const MIGRATION_TABLE = 'loom_migration';

async function migratorFor(db: Database, folder: string): Promise<Migrator> {
  // On PostgreSQL the bookkeeping tables live in the current schema: Kysely would otherwise find a
  // `loom_migration` table of another schema and believe it is ours.
  const schema =
    db.dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db.kysely)).rows[0]?.schema
      : undefined;
  return new Migrator({
    db: db.kysely,
    provider: new LoomMigrationProvider(folder, migrationToolsFor(db.dialect)),
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: `${MIGRATION_TABLE}_lock`,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
}

/** A PostgreSQL "schema does not exist" (3F000) raised while the migrator inspected the catalog. */
function droppedMeanwhile(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '3F000';
}

/** The outcome of a migration run: the names applied (or reverted), in order. */
export interface MigrationRun {
  readonly applied: readonly string[];
}

async function run(
  db: Database,
  folder: string,
  step: (m: Migrator) => ReturnType<Migrator['migrateToLatest']>,
): Promise<MigrationRun> {
  let outcome = await step(await migratorFor(db, folder));
  // Kysely's setup looks its bookkeeping table up across every schema of the database; a schema that
  // another client drops meanwhile makes that lookup fail (3F000) before any migration has run. The
  // setup is idempotent, so it is simply tried again.
  for (
    let attempt = 1;
    attempt < 10 && outcome.results === undefined && droppedMeanwhile(outcome.error);
    attempt++
  ) {
    outcome = await step(await migratorFor(db, folder));
  }
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
  let infos: Awaited<ReturnType<Migrator['getMigrations']>>;
  for (let attempt = 1; ; attempt++) {
    try {
      infos = await (await migratorFor(db, folder)).getMigrations();
      break;
    } catch (error) {
      // The same catalog race as in `run`: reading is idempotent, so read again.
      if (attempt >= 10 || !droppedMeanwhile(error)) throw error;
    }
  }
  return infos.filter((i) => i.executedAt === undefined).map((i) => i.name);
}
