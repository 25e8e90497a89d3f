import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

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
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let wrapper = wrappers.get(client);
    if (wrapper === undefined) {
      const query = (text: unknown, values?: readonly unknown[]): unknown => {
        if (typeof text === 'string' && values !== undefined && values.length > 0) {
          const name = names.nameOf(text);
          if (name !== undefined) return client.query({ name, text, values: [...values] });
        }
        return client.query(text as string, values === undefined ? undefined : [...values]);
      };
      wrapper = {
        query: query as PostgresPoolClient['query'],
        release: (destroy?: boolean) => client.release(destroy),
      };
      wrappers.set(client, wrapper);
    }
    return wrapper;
  };
  return {
    connect: async () => wrap(await pool.connect()),
    end: () => pool.end(),
  };
}
