import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DialectName } from '../../src/db/dialect.ts';
import { BENCH_MODELS } from '../relations/models.ts';
import { PG_URL } from '../support/dialects.ts';
import { type Database, openDatabase, syncSchema } from '../support/internals.ts';

/** Two handles on one database, as two processes of an application would have, with the bench tables. */
export interface SharedDatabases {
  readonly a: Database;
  readonly b: Database;
  /** One more handle (a third process), closed by `dispose`. */
  another(): Database;
  dispose(): Promise<void>;
}

/** Opens two connections (pools) to one fresh database: a SQLite file, or a new PostgreSQL schema. */
export async function openSharedDatabases(dialect: DialectName): Promise<SharedDatabases> {
  if (dialect === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'loom-cache-'));
    const filename = join(dir, 'shared.db');
    const a = openDatabase({ dialect: 'sqlite', filename });
    await syncSchema(a, BENCH_MODELS);
    const b = openDatabase({ dialect: 'sqlite', filename });
    const more: Database[] = [];
    return {
      a,
      b,
      another() {
        const db = openDatabase({ dialect: 'sqlite', filename });
        more.push(db);
        return db;
      },
      async dispose() {
        for (const db of [a, b, ...more]) await db.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const open = () =>
    openDatabase({ dialect: 'postgres', connectionString: PG_URL, searchPath: schema, poolSize: 4 });
  const a = open();
  await syncSchema(a, BENCH_MODELS);
  const b = open();
  const more: Database[] = [];
  return {
    a,
    b,
    another() {
      const db = open();
      more.push(db);
      return db;
    },
    async dispose() {
      for (const db of [a, b, ...more]) await db.close();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

/** Runs `fn` and returns what it resolved to with the statements it issued on `db`. */
export async function counted<T>(
  db: Database,
  fn: () => Promise<T>,
): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  const stop = db.onStatement((sql) => statements.push(sql));
  try {
    return { result: await fn(), statements };
  } finally {
    stop();
  }
}
