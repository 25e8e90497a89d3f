import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  generateInitialMigration,
  isMigrationFile,
  migrateDown,
  migrateToLatest,
  pendingMigrations,
  type SchemaSnapshot,
  SNAPSHOT_FILE,
  writeInitialMigration,
} from '../../src/db/migrations/index.ts';
import { DIALECTS, openTestDatabase, PG_URL } from '../support/dialects.ts';
import { SqlRepository, tableSpecOf } from '../support/internals.ts';
import { CURSOR_SECRET, Owner, Pet, Toy } from '../support/models.ts';
import { ownTables } from '../support/own-tables.ts';

type TestDb = Awaited<ReturnType<typeof openTestDatabase>>;

async function userTables(db: TestDb): Promise<string[]> {
  return (await ownTables(db)).map((t) => t.name).filter((n) => !n.startsWith('loom_migration'));
}

/** Names of the constraints and indexes of the current schema. */
async function constraintNames(db: TestDb): Promise<string[]> {
  if (db.dialect === 'postgres') {
    const r = await sql<{ name: string }>`
      select conname as name from pg_constraint c join pg_namespace n on n.oid = c.connamespace
      where n.nspname = current_schema()
      union select indexname from pg_indexes where schemaname = current_schema()`.execute(db.kysely);
    return r.rows.map((x) => x.name);
  }
  const r = await sql<{ name: string; sql: string | null }>`select name, sql from sqlite_master`.execute(
    db.kysely,
  );
  const names = r.rows.map((x) => x.name);
  for (const row of r.rows) {
    for (const m of (row.sql ?? '').matchAll(/constraint "([a-z_]+)"/g)) names.push(m[1]!);
  }
  return names;
}

describe.each(DIALECTS)('migrations on %s', (dialect) => {
  let db: TestDb;
  let folder: string;
  beforeEach(async () => {
    db = await openTestDatabase(dialect);
    folder = await mkdtemp(join(tmpdir(), 'loom-migrations-'));
  });
  afterEach(async () => {
    await db.dispose();
    await rm(folder, { recursive: true, force: true });
  });

  it('generates the initial migration with the tables in foreign-key order and a snapshot', async () => {
    const file = await writeInitialMigration(folder, [Toy, Pet, Owner]);
    expect(file.endsWith('0001_initial.ts')).toBe(true);
    expect((await readdir(folder)).sort()).toEqual(['0001_initial.ts', SNAPSHOT_FILE]);
    const text = await readFile(file, 'utf8');
    expect(text).toBe(generateInitialMigration([Toy, Pet, Owner]));
    expect(text).toMatch(/export async function up\(/);
    expect(text).toMatch(/export async function down\(/);
    const snapshot = JSON.parse(await readFile(join(folder, SNAPSHOT_FILE), 'utf8')) as SchemaSnapshot;
    expect(snapshot.formatVersion).toBe(1);
    expect(snapshot.migration).toBe('0001_initial');
    expect(snapshot.tables.map((t) => t.name)).toEqual(['owners', 'pets', 'toys']);
    expect(snapshot.tables).toEqual([tableSpecOf(Owner), tableSpecOf(Pet), tableSpecOf(Toy)]);
    await expect(writeInitialMigration(folder, [Owner])).rejects.toThrow(/already holds migrations/);
  });

  it('only script files are migrations: not the snapshot, declarations or tests', () => {
    for (const f of ['0001_initial.ts', '0002_x.js', '0003_y.mjs', '0004_z.mts'])
      expect(isMigrationFile(f)).toBe(true);
    for (const f of [SNAPSHOT_FILE, 'README.md', '0001_initial.d.ts', '0001_initial.test.ts']) {
      expect(isMigrationFile(f)).toBe(false);
    }
  });

  it('applies pending migrations, creates named constraints, and is a no-op the second time', async () => {
    await writeInitialMigration(folder, [Toy, Pet, Owner]);
    expect(await pendingMigrations(db, folder)).toEqual(['0001_initial']);
    expect(await migrateToLatest(db, folder)).toEqual({ applied: ['0001_initial'] });
    expect(await userTables(db)).toEqual(['owners', 'pets', 'toys']);
    const names = await constraintNames(db);
    expect(names).toEqual(
      expect.arrayContaining(['uq_owners_email', 'uq_pets_tag', 'fk_pets_owner_id', 'fk_toys_pet_id']),
    );
    if (dialect === 'postgres') expect(names).toEqual(expect.arrayContaining(['pk_owners', 'pk_pets']));
    expect(await pendingMigrations(db, folder)).toEqual([]);
    expect(await migrateToLatest(db, folder)).toEqual({ applied: [] });

    // The migrated tables are the models' tables: a repository works on them, constraints included.
    const owners = new SqlRepository(Owner, db, { cursorSecret: CURSOR_SECRET });
    const pets = new SqlRepository(Pet, db, { cursorSecret: CURSOR_SECRET });
    const ada = await owners.create({ fullName: 'Ada', email: 'ada@example.com' });
    await pets.create({ ownerId: ada.id, name: 'Rex' });
    await expect(owners.create({ fullName: 'Ada 2', email: 'ada@example.com' })).rejects.toMatchObject({
      status: 409,
      constraint: 'uq_owners_email',
    });
    await expect(owners.delete(ada.id)).rejects.toMatchObject({ status: 409, kind: 'foreign_key' });
  });

  it('applies a later migration on its own and reverts the last one with down', async () => {
    await writeInitialMigration(folder, [Owner]);
    await migrateToLatest(db, folder);
    await writeFile(
      join(folder, '0002_notes.ts'),
      `import { sql } from 'kysely';
export async function up(db) { await sql\`create table notes (id integer primary key, body text)\`.execute(db); }
export async function down(db) { await sql\`drop table notes\`.execute(db); }
`,
    );
    expect(await pendingMigrations(db, folder)).toEqual(['0002_notes']);
    expect(await migrateToLatest(db, folder)).toEqual({ applied: ['0002_notes'] });
    expect(await userTables(db)).toEqual(['notes', 'owners']);
    expect(await migrateDown(db, folder)).toEqual({ applied: ['0002_notes'] });
    expect(await userTables(db)).toEqual(['owners']);
    expect(await pendingMigrations(db, folder)).toEqual(['0002_notes']);
  });

  it('rolls a failing migration back and names it', async () => {
    await writeFile(
      join(folder, '0001_broken.ts'),
      `import { sql } from 'kysely';
export async function up(db) {
  await sql\`create table half (id integer primary key)\`.execute(db);
  await sql\`create table half (id integer primary key)\`.execute(db);
}
`,
    );
    await expect(migrateToLatest(db, folder)).rejects.toThrow(/migration 0001_broken failed/);
    expect(await userTables(db)).toEqual([]);
    expect(await pendingMigrations(db, folder)).toEqual(['0001_broken']);
  });
});

describe('migrations on postgres, while other clients drop schemas', () => {
  let db: TestDb;
  let folder: string;
  beforeEach(async () => {
    db = await openTestDatabase('postgres');
    folder = await mkdtemp(join(tmpdir(), 'loom-migrations-'));
  });
  afterEach(async () => {
    await db.dispose();
    await rm(folder, { recursive: true, force: true });
  });

  // Kysely's migrator reads every schema of the catalog; one dropped meanwhile (another tenant, another
  // test) used to fail the run with 3F000 "schema … does not exist", and a table dropped meanwhile from
  // a schema that stays with 42P01 "relation … does not exist".
  it('reads and applies migrations without failing on the catalog race', async () => {
    await writeInitialMigration(folder, [Owner]);
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    let churning = true;
    const churn = (async () => {
      for (let i = 0; churning && i < 2_000; i++) {
        const name = `churn_${process.pid}_${i}`;
        await admin.query(`create schema ${name}`);
        await admin.query(`create table ${name}.t (id int)`);
        await admin.query(`create table ${name}.u (id int)`);
        await admin.query(`drop table ${name}.u`);
        await admin.query(`drop schema ${name} cascade`);
      }
    })();
    try {
      for (let round = 0; round < 30; round++) {
        await pendingMigrations(db, folder);
        await migrateToLatest(db, folder);
      }
      expect(await pendingMigrations(db, folder)).toEqual([]);
    } finally {
      churning = false;
      await churn;
      await admin.end();
    }
  });
});
