import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assemble } from '../../src/app/assemble.ts';
import { SchemaDrift } from '../../src/errors/index.ts';
import { openTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import { cli } from '../cli/run-cli.ts';
import { type ShelfVersion, writeShelfApp } from '../cli/shelf-versions.ts';
import { tempDir } from '../observability/store-app.ts';
import { DIALECTS, PG_URL } from '../support/dialects.ts';

const silent = pino({ level: 'silent' });

/** Boots (assemble) a shelf version on the test database and closes it again. */
async function boot(config: string, overlay: string): Promise<void> {
  const assembly = await assemble([config, overlay], { logger: silent });
  await assembly.close();
}

async function drift(config: string, overlay: string): Promise<SchemaDrift> {
  const error = await assemble([config, overlay], { logger: silent }).then(
    async (a) => {
      await a.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SchemaDrift);
  return error as SchemaDrift;
}

describe.each(DIALECTS)('schema drift and baselines (%s)', (dialect) => {
  const tmp = tempDir('loom-drift-');
  let root: string;
  let configs: Record<ShelfVersion, string>;
  let pgSchema: TestDatabase | undefined;
  /** Overlays pointing a config at a database of its own (a SQLite file, a PostgreSQL schema). */
  let overlayCount = 0;
  const newDatabase = async (): Promise<string> => {
    overlayCount++;
    let url: string;
    if (dialect === 'sqlite') {
      url = `sqlite:${join(root, `db-${overlayCount}.db`)}`;
    } else {
      // A fresh schema, reached by every connection of the app (and of the CLI) through search_path.
      const schema = `${pgSchema!.schema!}_${overlayCount}`;
      await pgSchema!.db.kysely.schema.createSchema(schema).execute();
      url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    }
    const file = join(root, `overlay-${overlayCount}.yaml`);
    await writeFile(file, `database:\n  url: "${url}"\n`);
    return file;
  };

  beforeAll(async () => {
    root = (await tmp).path;
    configs = await writeShelfApp(root);
    if (dialect === 'postgres') pgSchema = await openTestDatabase(PG_URL);
  });
  afterAll(async () => {
    if (pgSchema) {
      for (let i = 1; i <= overlayCount; i++) {
        await pgSchema.db.kysely.schema.dropSchema(`${pgSchema.schema!}_${i}`).ifExists().cascade().execute();
      }
      await pgSchema.dispose();
    }
    await (await tmp).dispose();
  });

  it('database.sync: create refuses to boot models that gained columns, naming each table and column', async () => {
    const db = await newDatabase();
    await boot(configs.v1, db);
    // The same models boot again: no false differences on tables loom created itself.
    await boot(configs.v1, db);

    const error = await drift(configs.v2, db);
    expect(error.code).toBe('LOOM_SCHEMA_DRIFT');
    expect(error.differences).toEqual(
      expect.arrayContaining([
        { table: 'books', column: 'pages', problem: 'missing from the table (the model declares it)' },
        { table: 'books', column: 'format', problem: 'missing from the table (the model declares it)' },
        { table: 'books', column: 'isbn', problem: 'missing from the table (the model declares it)' },
        { table: 'shelves', column: 'parent_id', problem: 'missing from the table (the model declares it)' },
      ]),
    );
    expect(error.differences).toHaveLength(4);
    expect(error.message).toContain('books.pages: missing from the table');
    expect(error.message).toContain('loom db migrate --baseline');

    // loom db sync reports the same differences and changes nothing.
    const synced = await cli('db', 'sync', configs.v2, db);
    expect(synced.code).toBe(1);
    expect(synced.stderr).toContain('books.pages: missing from the table');
    await boot(configs.v1, db);
  });

  // PostgreSQL's race. Three SQLite connections in one thread would wait on each other synchronously (a
  // busy handler blocks the event loop); booting SQLite processes together is cluster.test.ts.
  it.skipIf(dialect === 'sqlite')(
    'processes booting together on an empty database create the tables once, without a catalogue race',
    async () => {
      const db = await newDatabase();
      // As `loom serve --workers N` does: every process runs schema sync at the same moment.
      await Promise.all([boot(configs.v2, db), boot(configs.v2, db), boot(configs.v2, db)]);
      await boot(configs.v2, db);
    },
  );

  it('names a NOT NULL column the models lost, a changed type and a changed nullability', async () => {
    const db = await newDatabase();
    await boot(configs.v2, db);
    // v4 drops books.pages (nullable: tolerated) and reviews (an extra table: tolerated).
    await boot(configs.v4, db);
    const assembly = await assemble([configs.v4, db], { logger: silent });
    try {
      const ex = assembly.db.kysely;
      await ex.schema
        .alterTable('books')
        .addColumn('legacy_code', 'integer', (c) => c.notNull())
        .execute();
      if (dialect === 'postgres') {
        await ex.schema
          .alterTable('books')
          .alterColumn('isbn', (c) => c.setNotNull())
          .execute();
      }
    } finally {
      await assembly.close();
    }
    const error = await drift(configs.v5, db);
    const named = error.differences.map((d) => `${d.table}.${d.column}: ${d.problem}`);
    expect(named).toContain(
      'books.legacy_code: NOT NULL without a default in the table but not in the model (every insert fails)',
    );
    if (dialect === 'postgres') {
      // SQLite stores any string as text: a wider varchar is no difference there.
      expect(named).toContain('books.title: type is varchar(120), the model wants varchar(200)');
      expect(named).toContain(
        'books.isbn: NOT NULL in the table, nullable in the model (writing null fails)',
      );
      expect(named).toHaveLength(3);
    } else {
      expect(named).toHaveLength(1);
    }
  });

  it('loom db migrate --baseline adopts a synced database; later migrations then apply', async () => {
    const db = await newDatabase();
    await boot(configs.v1, db);
    const dir = join(root, `migrations-${dialect}`);
    expect((await cli('db', 'make-migration', '--dir', dir, configs.v1)).code).toBe(0);

    // Without a baseline the first migration collides with the synced tables.
    const collide = await cli('db', 'migrate', '--dir', dir, configs.v1, db);
    expect(collide.code).toBe(1);

    const adopted = await cli('db', 'migrate', '--baseline', '--dir', dir, configs.v1, db);
    expect(adopted.stdout).toBe('baseline: recorded as applied (not run): 0001_initial\n');
    expect(adopted.code).toBe(0);
    expect((await cli('db', 'migrate', '--dir', dir, configs.v1, db)).stdout).toBe('no pending migrations\n');
    const again = await cli('db', 'migrate', '--baseline', '--dir', dir, configs.v1, db);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('under migrations already (applied: 0001_initial)');

    // The models change: a migration, applied on top of the adopted database; v2 then boots.
    expect((await cli('db', 'make-migration', '--dir', dir, configs.v2)).code).toBe(0);
    const applied = await cli('db', 'migrate', '--dir', dir, configs.v2, db);
    expect(applied.stdout).toMatch(/^applied: 0002_/);
    await boot(configs.v2, db);
  });

  it('--baseline refuses a database whose tables differ from what the migrations create', async () => {
    const db = await newDatabase();
    await boot(configs.v1, db);
    const dir = join(root, `migrations-refused-${dialect}`);
    expect((await cli('db', 'make-migration', '--dir', dir, configs.v1)).code).toBe(0);
    expect((await cli('db', 'make-migration', '--dir', dir, configs.v2)).code).toBe(0);
    const refused = await cli('db', 'migrate', '--baseline', '--dir', dir, configs.v2, db);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('baseline refused');
    expect(refused.stderr).toContain('books.pages: missing from the table');
    expect(refused.stderr).toContain('reviews.(table): the table does not exist');
    // Nothing was recorded: the real migrations still apply from the start.
    const pending = await cli('db', 'migrate', '--dir', dir, configs.v2, db);
    expect(pending.code).toBe(1);
    expect(pending.stderr + pending.stdout).toMatch(/0001_initial/);
  });
});
