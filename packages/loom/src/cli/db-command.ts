import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import { loadApp } from '../app/inspect-app.ts';
import { defaultMigrationsDir } from '../app/migrations-dir.ts';
import { openConfiguredDatabase } from '../app/open-database.ts';
import type { Database } from '../db/database.ts';
import {
  baselineMigrations,
  describeChange,
  makeMigration,
  migrateToLatest,
  readSchemaSnapshot,
} from '../db/migrations/index.ts';
import { schemaDifferences } from '../db/schema-check.ts';
import { syncSchema } from '../db/schema-sync.ts';
import { tableSpecOf } from '../db/table-spec.ts';
import { SchemaDrift } from '../errors/index.ts';
import { type CliContext, configPathsOf, EXIT, parseCommand, UsageError } from './cli-context.ts';
import { DB_HELP } from './help.ts';

const SUBCOMMANDS = ['sync', 'migrate', 'make-migration'];

async function withDatabase<T>(
  configPaths: readonly string[],
  fn: (db: Database, app: Awaited<ReturnType<typeof loadApp>>) => Promise<T>,
) {
  const app = await loadApp(configPaths);
  const db = openConfiguredDatabase(app.config, { forSchemaChanges: true });
  try {
    return await fn(db, app);
  } finally {
    await db.close();
  }
}

/**
 * The tables of the app's own schema. Not Kysely's introspection: it lists every schema's tables (a
 * same-named table elsewhere would read as "exists already") and fails when another client drops a
 * schema meanwhile.
 */
async function tableNames(db: Database): Promise<Set<string>> {
  const query =
    db.dialect === 'postgres'
      ? sql<{
          name: string;
        }>`select table_name as name from information_schema.tables where table_schema = current_schema()`
      : sql<{ name: string }>`select name from sqlite_master where type = 'table'`;
  return new Set((await query.execute(db.kysely)).rows.map((row) => row.name));
}

async function isFolder(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/** `loom db sync|migrate|make-migration [options] <config.yaml>...` */
export async function dbCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    ctx.stdout(DB_HELP);
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  if (!SUBCOMMANDS.includes(sub)) {
    throw new UsageError(`loom db: unknown subcommand "${sub}" (sync, migrate or make-migration)`);
  }
  const { values, positionals } = parseCommand(rest, {
    dir: { type: 'string' },
    name: { type: 'string' },
    'allow-drop': { type: 'boolean' },
    baseline: { type: 'boolean' },
  });
  if (values.help) {
    ctx.stdout(DB_HELP);
    return EXIT.ok;
  }
  const unsupported = (option: string) => {
    throw new UsageError(`loom db ${sub}: ${option} is not an option of this command`);
  };
  const configPaths = configPathsOf(positionals, `db ${sub}`);
  const dir = values.dir === undefined ? defaultMigrationsDir(configPaths) : resolve(values.dir);

  switch (sub) {
    case 'sync': {
      if (values.dir !== undefined) unsupported('--dir');
      if (values.name !== undefined) unsupported('--name');
      if (values['allow-drop']) unsupported('--allow-drop');
      if (values.baseline) unsupported('--baseline');
      return withDatabase(configPaths, async (db, app) => {
        const before = await tableNames(db);
        // As at boot: existing tables that differ from their models are reported, not papered over.
        const drift = await schemaDifferences(db, app.models.map(tableSpecOf), { missingTablesOk: true });
        if (drift.length > 0) {
          ctx.stderr(`${new SchemaDrift(drift).message}\n`);
          return EXIT.failure;
        }
        await syncSchema(db, app.models);
        const created = app.models.map((m) => tableSpecOf(m).name).filter((t) => !before.has(t));
        ctx.stdout(
          created.length > 0 ? `created tables: ${created.join(', ')}\n` : 'every table exists already\n',
        );
        return EXIT.ok;
      });
    }
    case 'migrate': {
      if (values.name !== undefined) unsupported('--name');
      if (values['allow-drop']) unsupported('--allow-drop');
      if (!(await isFolder(dir))) {
        ctx.stderr(`no migrations folder at ${dir}: write the first migration with loom db make-migration\n`);
        return EXIT.failure;
      }
      if (values.baseline) return baseline(configPaths, dir, ctx);
      return withDatabase(configPaths, async (db) => {
        const { applied } = await migrateToLatest(db, dir);
        ctx.stdout(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'no pending migrations\n');
        return EXIT.ok;
      });
    }
    case 'make-migration': {
      if (values.baseline) unsupported('--baseline');
      const app = await loadApp(configPaths);
      const made = await makeMigration(dir, app.models, {
        ...(values.name === undefined ? {} : { name: values.name }),
        allowDrop: values['allow-drop'] === true,
      });
      for (const warning of made.warnings) ctx.stderr(`warning: ${warning}\n`);
      if (made.file === null) {
        ctx.stdout('no changes: the models match the schema snapshot\n');
        return EXIT.ok;
      }
      ctx.stdout(`wrote ${made.file}\n${made.changes.map((c) => `  ${describeChange(c)}\n`).join('')}`);
      return EXIT.ok;
    }
  }
  return EXIT.usage;
}

/**
 * `loom db migrate --baseline`: adopts a database created by schema sync. The live tables must be what
 * the migrations create (the folder's snapshot); then every migration is recorded as applied, unrun.
 */
async function baseline(configPaths: readonly string[], dir: string, ctx: CliContext): Promise<number> {
  const { tables } = await readSchemaSnapshot(dir);
  return withDatabase(configPaths, async (db) => {
    const differences = await schemaDifferences(db, tables);
    if (differences.length > 0) {
      ctx.stderr(
        `baseline refused: the database does not match the tables the migrations of ${dir} create:\n${differences
          .map((d) => `  - ${d.table}.${d.column}: ${d.problem}`)
          .join('\n')}\n`,
      );
      return EXIT.failure;
    }
    const { applied } = await baselineMigrations(db, dir);
    ctx.stdout(
      applied.length > 0
        ? `baseline: recorded as applied (not run): ${applied.join(', ')}\n`
        : 'baseline: no migrations to record\n',
    );
    return EXIT.ok;
  });
}
