import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { DialectName } from '../../src/db/dialect.ts';
import { type AnyModel, SqlRepository, syncSchema } from '../support/internals.ts';
import { openTestDatabase } from './dialects.ts';
import { CURSOR_SECRET } from './models.ts';

export type TestDatabase = Awaited<ReturnType<typeof openTestDatabase>>;

/** A database with the tables of `models`, opened per test (`each`) or once per describe block (`all`). */
export interface DatabaseFixture {
  readonly db: TestDatabase;
  repo<M extends AnyModel>(model: M): SqlRepository<M>;
}

/**
 * Registers the hooks that open a fresh database on `dialect` with the tables of `models`, and close it.
 * Call it inside a `describe.each(DIALECTS)` block.
 */
export function useDatabase(
  dialect: DialectName,
  models: readonly AnyModel[],
  scope: 'each' | 'all' = 'each',
): DatabaseFixture {
  let current: TestDatabase | undefined;
  const open = async () => {
    current = await openTestDatabase(dialect);
    await syncSchema(current, models);
  };
  const close = async () => {
    await current?.dispose();
    current = undefined;
  };
  if (scope === 'each') {
    beforeEach(open);
    afterEach(close);
  } else {
    beforeAll(open);
    afterAll(close);
  }
  return {
    get db(): TestDatabase {
      if (!current) throw new Error('the test database is only open inside a test');
      return current;
    },
    repo<M extends AnyModel>(model: M): SqlRepository<M> {
      return new SqlRepository(model, this.db, { cursorSecret: CURSOR_SECRET });
    },
  };
}

/** Waits long enough for `new Date()` to move. */
export function tick(ms = 5): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
