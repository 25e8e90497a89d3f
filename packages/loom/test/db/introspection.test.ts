import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, openTestDatabase, PG_URL } from '../support/dialects.ts';

type TestDb = Awaited<ReturnType<typeof openTestDatabase>>;

describe.each(DIALECTS)('kysely.introspection of a loom database (%s)', (dialect) => {
  let db: TestDb;
  beforeEach(async () => {
    db = await openTestDatabase(dialect);
  });
  afterEach(async () => db.dispose());

  it('describes the own tables: auto-increment, nullability, defaults', async () => {
    const id = dialect === 'postgres' ? 'id serial primary key' : 'id integer primary key autoincrement';
    await sql
      .raw(`create table gadgets (${id}, name text not null, note text default 'x', tag text)`)
      .execute(db.kysely);
    const tables = await db.kysely.introspection.getTables();
    const gadgets = tables.find((t) => t.name === 'gadgets');
    expect(gadgets?.isView).toBe(false);
    // The key column differs by engine (SQLite reports an integer primary key as nullable, without a
    // default); what both say is that it is generated.
    expect(gadgets?.columns[0]).toMatchObject({ name: 'id', isAutoIncrementing: true });
    expect(
      gadgets?.columns.slice(1).map((c) => ({
        name: c.name,
        auto: c.isAutoIncrementing,
        nullable: c.isNullable,
        hasDefault: c.hasDefaultValue,
      })),
    ).toEqual([
      { name: 'name', auto: false, nullable: false, hasDefault: false },
      { name: 'note', auto: false, nullable: true, hasDefault: true },
      { name: 'tag', auto: false, nullable: true, hasDefault: false },
    ]);
  });
});

describe('kysely.introspection on PostgreSQL reads the own schema only', () => {
  let db: TestDb;
  let admin: pg.Client;
  const other = `loom_other_${process.pid}`;
  beforeEach(async () => {
    db = await openTestDatabase('postgres');
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`create schema ${other}`);
  });
  afterEach(async () => {
    await admin.query(`drop schema if exists ${other} cascade`);
    await admin.end();
    await db.dispose();
  });

  it("lists the schema's tables and identity columns, not a same-named table of another schema", async () => {
    await sql`create table things (id int generated always as identity primary key, label text)`.execute(
      db.kysely,
    );
    await admin.query(`create table ${other}.things (id int, other_only text)`);
    await admin.query(`create table ${other}.elsewhere (id int)`);
    const tables = await db.kysely.introspection.getTables();
    const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(db.kysely)).rows[0]?.s;
    expect(tables.map((t) => [t.schema, t.name])).toEqual([[schema, 'things']]);
    expect(tables[0]?.columns.map((c) => [c.name, c.isAutoIncrementing])).toEqual([
      ['id', true],
      ['label', false],
    ]);
  });
});
