/**
 * Indexes over several fields (`model(…, { indexes })`): declared in DDL on both dialects, a unique one
 * a constraint (409 on a duplicate pair), and a unique link pair making `links().add` idempotent under
 * concurrency. Declaration mistakes fail when the model is declared.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { useDatabase } from '../support/fixture.ts';
import { type ColumnRef, Conflict, column, model, relation, tableSpecOf } from '../support/internals.ts';

const Shelf = model('ci_shelves', {
  id: column.int().primaryKey().autoIncrement(),
  name: column.string(40),
});
const BookShelf = model(
  'ci_book_shelves',
  {
    id: column.int().primaryKey().autoIncrement(),
    bookId: column.int().references((): ColumnRef => Book.id, { onDelete: 'cascade' }),
    shelfId: column.int().references(() => Shelf.id, { onDelete: 'cascade' }),
    position: column.int().default(0),
  },
  { indexes: [{ fields: ['bookId', 'shelfId'], unique: true }, { fields: ['shelfId', 'position'] }] },
);
const Book = model(
  'ci_books',
  { id: column.int().primaryKey().autoIncrement(), title: column.string(80) },
  {
    relations: {
      shelves: relation.manyToMany(() => Shelf, { through: () => BookShelf, profiles: ['withShelves'] }),
    },
  },
);

describe('composite indexes: declaration', () => {
  it('emits uq_/ix_ indexes named by table and columns, in declared order', () => {
    expect(tableSpecOf(BookShelf).indexes).toEqual([
      { name: 'uq_ci_book_shelves_book_id_shelf_id', columns: ['book_id', 'shelf_id'], unique: true },
      { name: 'ix_ci_book_shelves_shelf_id_position', columns: ['shelf_id', 'position'] },
    ]);
  });

  it('an unknown field or a single field is a declaration error naming it', () => {
    const cols = { id: column.int().primaryKey(), a: column.int(), b: column.int() };
    expect(() => model('ci_bad', cols, { indexes: [{ fields: ['a', 'c' as 'b'] }] })).toThrow(
      'model CiBad: indexes[0] names unknown field "c"',
    );
    expect(() => model('ci_bad', cols, { indexes: [{ fields: ['a'] }] })).toThrow(/two or more fields/);
  });

  it('index fields are type-checked against the columns', () => {
    const cols = { id: column.int().primaryKey(), a: column.int() };
    // @ts-expect-error: "nope" is not a field of the model
    expect(() => model('ci_typed', cols, { indexes: [{ fields: ['a', 'nope'] }] })).toThrow(/nope/);
  });
});

describe.each(DIALECTS)('composite indexes on %s', (dialect) => {
  const fx = useDatabase(dialect, [Shelf, Book, BookShelf]);

  async function indexNames(): Promise<string[]> {
    const ex = fx.db.executor();
    const rows =
      dialect === 'postgres'
        ? await sql<{
            n: string;
          }>`select indexname as n from pg_indexes where tablename = 'ci_book_shelves' and schemaname = current_schema()`.execute(
            ex,
          )
        : await sql<{
            n: string;
          }>`select name as n from sqlite_master where type = 'index' and tbl_name = 'ci_book_shelves'`.execute(
            ex,
          );
    return rows.rows.map((r) => r.n);
  }

  it('creates both indexes; a duplicate pair is a 409 Conflict on the unique one', async () => {
    expect(await indexNames()).toEqual(
      expect.arrayContaining(['uq_ci_book_shelves_book_id_shelf_id', 'ix_ci_book_shelves_shelf_id_position']),
    );
    const book = await fx.repo(Book).create({ title: 'Dune' });
    const shelf = await fx.repo(Shelf).create({ name: 'sf' });
    await fx.repo(BookShelf).create({ bookId: book.id, shelfId: shelf.id });
    const error = await fx
      .repo(BookShelf)
      .create({ bookId: book.id, shelfId: shelf.id })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Conflict);
    expect(error).toMatchObject({ status: 409, kind: 'unique' });
    // The same position on another shelf, or the same shelf twice at one position: the plain index allows it.
    const other = await fx.repo(Book).create({ title: 'Emma' });
    await expect(fx.repo(BookShelf).create({ bookId: other.id, shelfId: shelf.id })).resolves.toMatchObject({
      position: 0,
    });
  });

  it('links().add of the same pair, concurrently and again, keeps one row and counts what it added', async () => {
    const book = await fx.repo(Book).create({ title: 'Ulysses' });
    const shelves = await Promise.all(['a', 'b'].map((name) => fx.repo(Shelf).create({ name })));
    const ids = shelves.map((s) => s.id);
    const added = await Promise.all([
      fx.repo(Book).links('shelves').add(book.id, ids),
      fx.repo(Book).links('shelves').add(book.id, ids),
    ]);
    expect(added.reduce((a, b) => a + b, 0)).toBe(2);
    expect(await fx.repo(Book).links('shelves').add(book.id, ids)).toBe(0);
    const rows = await fx.repo(BookShelf).count();
    expect(rows).toBe(2);
    expect(await fx.repo(Book).links('shelves').list(book.id)).toEqual([...ids].sort((a, b) => a - b));
  });
});
