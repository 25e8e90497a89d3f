import type { PostgresPool } from 'kysely';
import type pg from 'pg';
import { guardedPool } from './guarded-pool.ts';

/** Distinct statement texts named at most; past it, new texts run unnamed (parsed every time). */
export const MAX_NAMED_STATEMENTS = 2000;

/** Names statement texts `loom_1`, `loom_2`, … in order of first use, up to a bound. */
export class StatementNames {
  readonly #names = new Map<string, string>();
  readonly #max: number;

  constructor(max = MAX_NAMED_STATEMENTS) {
    this.#max = max;
  }

  /** The name of `text`, or undefined once the bound is reached for a new text. */
  nameOf(text: string): string | undefined {
    let name = this.#names.get(text);
    if (name === undefined && this.#names.size < this.#max) {
      name = `loom_${this.#names.size + 1}`;
      this.#names.set(text, name);
    }
    return name;
  }

  get size(): number {
    return this.#names.size;
  }
}

/**
 * A pool for Kysely's PostgreSQL dialect whose clients send every statement that has parameters as a
 * named prepared statement: `pg` parses it once per connection and then only binds and executes it,
 * which spares PostgreSQL the parse and plan of each call. Statements without parameters (`begin`,
 * `commit`, DDL) go as they are.
 *
 * @example
 * ```ts
 * new Kysely({ dialect: new PostgresDialect({ pool: preparingPool(new pg.Pool({ connectionString })) }) });
 * ```
 */
export function preparingPool(pool: pg.Pool, names = new StatementNames()): PostgresPool {
  return guardedPool(pool, names);
}
