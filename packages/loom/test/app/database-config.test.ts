import { CompiledQuery } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openConfiguredDatabase } from '../../src/app/open-database.ts';
import { resolveConfig } from '../../src/config/resolve-config.ts';
import { PG_URL } from '../support/dialects.ts';
import type { Database } from '../support/internals.ts';

// `database.profileReads` and `database.preparedStatements` reach the PostgreSQL database createApp and
// the CLI open; SQLite accepts and ignores them (one in-process connection, reads always batched).

const configWith = (database: Record<string, unknown>) =>
  resolveConfig({ app: { name: 'db-config' }, database: { poolSize: 1, ...database } });

/** Runs one parameterized statement, then counts the statements prepared on the (only) connection. */
async function preparedAfterOneQuery(db: Database): Promise<number> {
  await db.execute(CompiledQuery.raw('select $1::int as n', [7]));
  const { rows } = await db.execute<{ n: number }>(
    CompiledQuery.raw('select count(*)::int as n from pg_prepared_statements'),
  );
  return rows[0]?.n ?? -1;
}

describe('database config keys', () => {
  let db: Database | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it('postgres defaults (decisions 0040, 0041): joined profile reads, prepared statements', async () => {
    db = openConfiguredDatabase(configWith({ url: PG_URL }));
    expect(db.profileReads).toBe('joined');
    expect(await preparedAfterOneQuery(db)).toBe(1);
  });

  it('postgres: profileReads batched and preparedStatements off are applied (pgbouncer)', async () => {
    db = openConfiguredDatabase(
      configWith({ url: PG_URL, profileReads: 'batched', preparedStatements: false }),
    );
    expect(db.profileReads).toBe('batched');
    expect(await preparedAfterOneQuery(db)).toBe(0);
  });

  it('postgres: a database opened for schema changes (loom db …) prepares nothing', async () => {
    const config = configWith({ url: PG_URL, preparedStatements: true });
    db = openConfiguredDatabase(config, { forSchemaChanges: true });
    expect(await preparedAfterOneQuery(db)).toBe(0);
  });

  it('sqlite accepts the keys and keeps batched reads', async () => {
    db = openConfiguredDatabase(
      configWith({ url: 'sqlite::memory:', profileReads: 'joined', preparedStatements: true }),
    );
    expect(db.dialect).toBe('sqlite');
    expect(db.profileReads).toBe('batched');
  });

  it('rejects an unknown profileReads value naming the key', () => {
    expect(() => configWith({ url: PG_URL, profileReads: 'eager' })).toThrow(/database\.profileReads/);
  });
});
