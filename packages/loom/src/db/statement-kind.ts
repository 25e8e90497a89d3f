import type { CompiledQuery } from 'kysely';

const SELECT = /^[\s(]*select\b/i;
const WITH = /^[\s(]*with\b/i;
const DATA_WORD = /\b(?:insert|update|delete|merge)\b/i;
// Row locks and transaction-scoped advisory locks only mean something inside the transaction.
const LOCKING = /\bfor\s+(?:no\s+key\s+update|update|key\s+share|share)\b|_xact_lock\b/i;

/**
 * Whether a statement must run inside the unit of work's transaction: anything but a plain read.
 * Reads are `SELECT` (or a `WITH` that names no data-changing verb) without row or transaction-scoped
 * locks; everything else (DML, DDL, `PRAGMA`, locking reads) counts as a write. When in doubt: a write,
 * since a read sent inside the transaction is merely a little slower, a write sent outside it is wrong.
 *
 * @example
 * ```ts
 * needsTransaction('select * from "users" where "id" = $1'); // false
 * needsTransaction('insert into "users" ("email") values ($1)'); // true
 * needsTransaction('select * from "users" for update'); // true
 * ```
 */
export function needsTransaction(statement: string): boolean {
  if (SELECT.test(statement)) return LOCKING.test(statement);
  if (WITH.test(statement)) return DATA_WORD.test(statement) || LOCKING.test(statement);
  return true;
}

/** {@link needsTransaction} of a compiled query. */
export function queryNeedsTransaction(query: CompiledQuery): boolean {
  return needsTransaction(query.sql);
}
