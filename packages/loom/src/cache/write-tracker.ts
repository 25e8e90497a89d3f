import type { Database } from '../db/database.ts';

/** The tag of "any table": bumped by statements whose target cannot be told from their text. */
export const ANY_TABLE = '*';

const IDENT = String.raw`(?:"(?:[^"]|"")+"|\x60[^\x60]+\x60|[\w$]+)`;
const NAME = new RegExp(String.raw`^\s*(${IDENT}(?:\s*\.\s*${IDENT})?)`);
const DML =
  /^\s*(?:insert\s+(?:or\s+\w+\s+)?into|replace\s+into|update(?:\s+or\s+\w+)?(?:\s+only)?|delete\s+from)\s+/i;
const DDL = /^\s*(?:truncate|drop\s+table|alter\s+table)\b/i;
const CTE_WRITE = /^\s*with\b[\s\S]*\b(?:insert|update|delete)\b/i;

function unquote(part: string): string {
  const p = part.trim();
  if (p.startsWith('"')) return p.slice(1, -1).replace(/""/g, '"');
  if (p.startsWith('`')) return p.slice(1, -1);
  return p.toLowerCase();
}

/**
 * The table a SQL statement writes, `*` when it may write tables its text does not name plainly (CTE
 * writes, TRUNCATE, DROP, ALTER), or null for statements that write nothing (SELECT, BEGIN, DDL that
 * creates). Schema-qualified names give the table name.
 *
 * @example
 * ```ts
 * writtenTable('update "bench_records" set "title" = $1 where "id" = $2'); // 'bench_records'
 * writtenTable('select * from "bench_records"');                           // null
 * ```
 */
export function writtenTable(statement: string): string | null {
  const dml = DML.exec(statement);
  if (dml) {
    const name = NAME.exec(statement.slice(dml[0].length))?.[1];
    if (!name) return ANY_TABLE;
    const parts = name.match(new RegExp(IDENT, 'g')) ?? [name];
    return unquote(parts[parts.length - 1] ?? name);
  }
  if (DDL.test(statement) || CTE_WRITE.test(statement)) return ANY_TABLE;
  return null;
}

/**
 * Watches every statement of a database and reports the tables written, once they are committed:
 * at once for a statement outside a transaction (it is committed when it returns), after commit for
 * statements inside one (`Database.afterCommit`), and never for a transaction that rolls back. It also
 * tells whether the current transaction has written a table yet, so reads inside it can skip the cache
 * (they must see the transaction's own writes, and must not cache uncommitted rows).
 */
export class WriteTracker {
  readonly #db: Database;
  readonly #dirty = new WeakMap<object, Set<string>>();
  readonly #stop: () => void;

  /**
   * @example
   * ```ts
   * const tracker = new WriteTracker(db, (tables) => cache.invalidate(tables));
   * ```
   */
  constructor(db: Database, onCommitted: (tables: readonly string[]) => void | Promise<void>) {
    this.#db = db;
    this.#stop = db.onStatement((statement) => {
      const table = writtenTable(statement);
      if (table === null) return;
      if (!db.inTransaction()) {
        void onCommitted([table]);
        return;
      }
      const trx = db.executor();
      let written = this.#dirty.get(trx);
      if (!written) {
        const tables = new Set<string>();
        written = tables;
        this.#dirty.set(trx, tables);
        // Runs once the transaction commits; dropped when it rolls back.
        db.afterCommit(() => onCommitted([...tables]));
      }
      written.add(table);
    });
  }

  /**
   * How a read of `tables` may use the cache now: `full` outside a transaction; `lookup` (hits only)
   * inside one that has not written them; `bypass` inside one that has (or has written an unknown table).
   */
  readMode(tables: readonly string[]): 'full' | 'lookup' | 'bypass' {
    if (!this.#db.inTransaction()) return 'full';
    const written = this.#dirty.get(this.#db.executor());
    if (!written) return 'lookup';
    if (written.has(ANY_TABLE) || tables.some((t) => written.has(t))) return 'bypass';
    return 'lookup';
  }

  /** Stops watching. */
  stop(): void {
    this.#stop();
  }
}
