import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { importAppModule } from '../../config/import-module.ts';
import type { MigrationTools } from './migration-tools.ts';

/** A migration module: `up` (and optionally `down`), each given Kysely and loom's {@link MigrationTools}. */
export interface MigrationModule {
  up(db: Kysely<unknown>, loom: MigrationTools): Promise<void>;
  down?(db: Kysely<unknown>, loom: MigrationTools): Promise<void>;
}

const MIGRATION_FILE = /^(?!.*\.(d|test|spec)\.[cm]?[jt]s$).+\.[cm]?[jt]s$/;

/** True for the files of a migrations folder that are migrations (not snapshots, declarations or tests). */
export function isMigrationFile(fileName: string): boolean {
  return MIGRATION_FILE.test(fileName);
}

/** `0001_initial.ts` → `0001_initial`: the name recorded in the migration table. */
export function migrationNameOf(fileName: string): string {
  return fileName.slice(0, fileName.lastIndexOf('.'));
}

function isMigrationModule(value: unknown): value is MigrationModule {
  return typeof value === 'object' && value !== null && typeof (value as { up?: unknown }).up === 'function';
}

/**
 * Reads the migrations of a folder, ordered by file name, for Kysely's `Migrator`. Each file is imported
 * as an ES module (`.ts` files need Node's type stripping, Node ≥ 22.18, or a loader such as vitest's).
 * Every `up`/`down` runs in a transaction of its own, also on SQLite where Kysely does not open one.
 *
 * @example
 * ```ts
 * new Migrator({ db: db.kysely, provider: new LoomMigrationProvider('migrations', migrationToolsFor('sqlite')) });
 * ```
 */
export class LoomMigrationProvider implements MigrationProvider {
  readonly folder: string;
  readonly tools: MigrationTools;

  constructor(folder: string, tools: MigrationTools) {
    this.folder = folder;
    this.tools = tools;
  }

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(this.folder)).filter(isMigrationFile).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const imported: unknown = await importAppModule(join(this.folder, file));
      const mod = isMigrationModule((imported as { default?: unknown }).default)
        ? (imported as { default: MigrationModule }).default
        : imported;
      if (!isMigrationModule(mod)) {
        throw new Error(`migration ${file} in ${this.folder} does not export an up(db) function`);
      }
      const down = mod.down;
      migrations[migrationNameOf(file)] = {
        up: (db) => this.#inTransaction(db, (trx) => mod.up(trx, this.tools)),
        ...(down
          ? { down: (db: Kysely<unknown>) => this.#inTransaction(db, (trx) => down(trx, this.tools)) }
          : {}),
      };
    }
    return migrations;
  }

  async #inTransaction(db: Kysely<unknown>, fn: (db: Kysely<unknown>) => Promise<void>): Promise<void> {
    if (db.isTransaction) return fn(db);
    await db.transaction().execute(fn);
  }
}
