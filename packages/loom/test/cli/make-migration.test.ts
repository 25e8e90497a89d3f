import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  migrateDown,
  migrateToLatest,
  type SchemaSnapshot,
  SNAPSHOT_FILE,
} from '../../src/db/migrations/index.ts';
import { Conflict } from '../../src/errors/index.ts';
import type { AnyModel } from '../../src/model/model.ts';
import { SqlRepository } from '../../src/repository/sql-repository.ts';
import { tempDir } from '../observability/store-app.ts';
import { DIALECTS, openTestDatabase } from '../support/dialects.ts';
import { ownTables } from '../support/own-tables.ts';
import { cli } from './run-cli.ts';
import { type ShelfVersion, snapshotFolder, writeShelfApp } from './shelf-versions.ts';

type TestDb = Awaited<ReturnType<typeof openTestDatabase>>;

async function columnsOf(db: TestDb, table: string): Promise<string[]> {
  const found = (await ownTables(db)).find((t) => t.name === table);
  return [...(found?.columns ?? [])].sort();
}

async function indexNames(db: TestDb): Promise<string[]> {
  const r =
    db.dialect === 'postgres'
      ? await sql<{
          name: string;
        }>`select indexname as name from pg_indexes where schemaname = current_schema()`.execute(db.kysely)
      : await sql<{ name: string }>`select name from sqlite_master where type = 'index'`.execute(db.kysely);
  return r.rows.map((x) => x.name);
}

describe('loom db make-migration: two versions of a model module', () => {
  const tmp = tempDir('loom-make-migration-');
  let root: string;
  let configs: Record<ShelfVersion, string>;
  let folder: string;
  const stages: string[] = [];
  const models: Partial<Record<ShelfVersion, Record<string, AnyModel>>> = {};
  const outputs: Record<string, Awaited<ReturnType<typeof cli>>> = {};

  beforeAll(async () => {
    root = (await tmp).path;
    configs = await writeShelfApp(root);
    folder = join(root, 'migrations');
    for (const v of ['v1', 'v2', 'v4'] as const)
      models[v] = (await import(join(root, `models-${v}.ts`))) as Record<string, AnyModel>;
    // The history: initial (v1), then v2's additions; v3 and v4 are refused; v4 with --allow-drop.
    outputs.v1 = await cli('db', 'make-migration', configs.v1);
    stages.push(await snapshotFolder(folder, join(root, 'stage-1')));
    outputs.v2 = await cli('db', 'make-migration', configs.v2);
    stages.push(await snapshotFolder(folder, join(root, 'stage-2')));
    outputs.v2again = await cli('db', 'make-migration', configs.v2);
    outputs.v3 = await cli('db', 'make-migration', configs.v3);
    outputs.v4refused = await cli('db', 'make-migration', configs.v4);
    outputs.v4 = await cli(
      'db',
      'make-migration',
      '--allow-drop',
      '--name',
      'Drop pages & reviews',
      configs.v4,
    );
    stages.push(await snapshotFolder(folder, join(root, 'stage-3')));
    outputs.v5 = await cli('db', 'make-migration', configs.v5);
  });
  afterAll(async () => (await tmp).dispose());

  it('writes the initial migration first, next to the config, with the snapshot', async () => {
    expect(outputs.v1!.code).toBe(0);
    expect(outputs.v1!.stdout).toContain(join(folder, '0001_initial.ts'));
    expect(outputs.v1!.stdout).toMatch(/\+ table shelves\n.*\+ table books\n.*\+ table loom_outbox/s);
    expect((await readdir(stages[0]!)).sort()).toEqual(['0001_initial.ts', SNAPSHOT_FILE]);
  });

  it('writes the next migration from the difference and updates the snapshot', async () => {
    expect(outputs.v2!.code).toBe(0);
    const files = (await readdir(stages[1]!)).sort();
    const name = '0002_add_reviews_and_5_more';
    expect(files).toEqual(['0001_initial.ts', `${name}.ts`, SNAPSHOT_FILE]);
    expect(outputs.v2!.stdout.split('\n').slice(1, -1)).toEqual([
      '  + table reviews',
      '  + column shelves.parent_id',
      '  + column books.pages',
      '  + column books.format',
      '  + column books.isbn',
      '  + index ix_books_format on books (format)',
    ]);
    const text = await readFile(join(stages[1]!, `${name}.ts`), 'utf8');
    expect(text).toMatch(/since 0001_initial/);
    expect(text).toMatch(/await loom\.applyChanges\(db, changes\)/);
    const snapshot = JSON.parse(await readFile(join(stages[1]!, SNAPSHOT_FILE), 'utf8')) as SchemaSnapshot;
    expect(snapshot.migration).toBe(name);
    expect(snapshot.tables.map((t) => t.name)).toEqual(['shelves', 'books', 'reviews', 'loom_outbox']);
  });

  it('writes nothing when the models match the snapshot', () => {
    expect(outputs.v2again).toMatchObject({
      code: 0,
      stdout: 'no changes: the models match the schema snapshot\n',
    });
  });

  it('refuses a NOT NULL column without a default, naming it', () => {
    expect(outputs.v3!.code).toBe(1);
    expect(outputs.v3!.stderr).toMatch(
      /books\.weight: a NOT NULL column added to an existing table needs a default/,
    );
  });

  it('refuses drops without --allow-drop and generates them with it', async () => {
    expect(outputs.v4refused!.code).toBe(1);
    expect(outputs.v4refused!.stderr).toMatch(/column books\.pages is no longer in the models.*--allow-drop/);
    expect(outputs.v4refused!.stderr).toMatch(/table reviews is no longer in the models/);
    expect(outputs.v4!.code).toBe(0);
    expect(outputs.v4!.stdout).toMatch(
      /0003_drop_pages_reviews\.ts\n {2}- column books\.pages\n {2}- table reviews\n$/,
    );
  });

  it('refuses a changed column, saying what changed', async () => {
    expect(outputs.v5!.code).toBe(1);
    expect(outputs.v5!.stderr).toMatch(
      /books\.title changed \(length 120 → 200\).*write this migration by hand/,
    );
    // Refusals write nothing: the folder is as the last successful run left it.
    expect((await readdir(folder)).sort()).toEqual((await readdir(stages[2]!)).sort());
  });

  describe.each(DIALECTS)('applied on %s', (dialect) => {
    let db: TestDb;
    beforeAll(async () => {
      db = await openTestDatabase(dialect);
    });
    afterAll(() => db?.dispose());

    it('migrates a database holding v1 rows to v2, then v4, and back down', async () => {
      expect((await migrateToLatest(db, stages[0]!)).applied).toEqual(['0001_initial']);
      const shelf = await db.kysely
        .insertInto('shelves')
        .values({ label: 'A' })
        .returning('id')
        .executeTakeFirstOrThrow();
      const now = dialect === 'sqlite' ? new Date().toISOString() : new Date();
      await db.kysely
        .insertInto('books')
        .values({ shelf_id: shelf.id, title: 'Old', created_at: now, updated_at: now })
        .execute();

      expect((await migrateToLatest(db, stages[1]!)).applied).toEqual(['0002_add_reviews_and_5_more']);
      expect(await columnsOf(db, 'books')).toEqual(
        ['created_at', 'format', 'id', 'isbn', 'pages', 'shelf_id', 'title', 'updated_at'].sort(),
      );
      expect(await columnsOf(db, 'shelves')).toEqual(['id', 'label', 'parent_id']);
      expect(await indexNames(db)).toContain('ix_books_format');
      const old = await db.kysely.selectFrom('books').selectAll().executeTakeFirstOrThrow();
      expect(old).toMatchObject({ title: 'Old', format: 'paperback', pages: null, isbn: null });

      // The v2 models work against the migrated schema: new columns, new table, new constraints.
      const { Book, Review, Shelf } = models.v2!;
      const settings = { cursorSecret: 'make-migration-test' };
      const books = new SqlRepository(Book!, db, settings);
      const book = (await books.create({
        shelfId: shelf.id,
        title: 'New',
        pages: 10,
        isbn: 'X-1',
      } as never)) as {
        id: number;
        format: string;
      };
      expect(book.format).toBe('paperback');
      await expect(
        books.create({ shelfId: shelf.id, title: 'Dup', isbn: 'X-1' } as never),
      ).rejects.toBeInstanceOf(Conflict);
      await new SqlRepository(Review!, db, settings).create({ bookId: book.id, stars: 5 } as never);
      await new SqlRepository(Shelf!, db, settings).create({ label: 'Child', parentId: shelf.id } as never);

      expect((await migrateToLatest(db, stages[2]!)).applied).toEqual(['0003_drop_pages_reviews']);
      expect(await columnsOf(db, 'books')).not.toContain('pages');
      expect(await columnsOf(db, 'reviews')).toEqual([]);
      expect(await new SqlRepository(models.v4!.Book!, db, settings).getById(book.id)).toMatchObject({
        title: 'New',
      });

      // down: 0003 restores the dropped structure, 0002 removes what it added.
      await migrateDown(db, stages[2]!);
      expect(await columnsOf(db, 'books')).toContain('pages');
      expect(await columnsOf(db, 'reviews')).toEqual(['book_id', 'id', 'stars']);
      await db.kysely.deleteFrom('reviews').execute();
      await migrateDown(db, stages[2]!);
      expect(await columnsOf(db, 'books')).toEqual(['created_at', 'id', 'shelf_id', 'title', 'updated_at']);
      expect(await columnsOf(db, 'reviews')).toEqual([]);
    });
  });
});
