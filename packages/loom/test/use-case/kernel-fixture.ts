import { afterEach, beforeEach } from 'vitest';
import type { DialectName } from '../../src/db/dialect.ts';
import { openTestDatabase } from '../support/dialects.ts';
import { type AnyModel, Kernel, type KernelOptions, syncSchema } from '../support/internals.ts';

export type TestDatabase = Awaited<ReturnType<typeof openTestDatabase>>;

export const CURSOR_SECRET = 'use-case-test-secret';

/** A fresh database (with the tables of `models`) and a kernel over it, per test. */
export interface KernelFixture {
  readonly db: TestDatabase;
  readonly kernel: Kernel;
}

/**
 * Registers hooks that open a fresh database on `dialect` before each test, create the tables of `models`,
 * build a kernel with `options`, and dispose of the database afterwards. Call inside `describe.each(DIALECTS)`.
 */
export function useKernel(
  dialect: DialectName,
  models: readonly AnyModel[],
  options: Omit<KernelOptions, 'db' | 'cursorSecret'> = {},
): KernelFixture {
  let db: TestDatabase | undefined;
  let kernel: Kernel | undefined;
  beforeEach(async () => {
    db = await openTestDatabase(dialect);
    await syncSchema(db, models);
    kernel = new Kernel({ ...options, db, cursorSecret: CURSOR_SECRET });
  });
  afterEach(async () => {
    await db?.dispose();
    db = undefined;
    kernel = undefined;
  });
  return {
    get db(): TestDatabase {
      if (!db) throw new Error('the test database is only open inside a test');
      return db;
    },
    get kernel(): Kernel {
      if (!kernel) throw new Error('the kernel only exists inside a test');
      return kernel;
    },
  };
}

/** Runs `fn` and returns what it threw (fails the test when it does not throw). */
export async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
