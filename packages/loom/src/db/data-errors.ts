import { InvalidData } from '../errors/index.ts';
import {
  primaryResultCode,
  SQLITE_MISMATCH,
  SQLITE_TOOBIG,
  sqliteResultCode,
} from './sqlite-result-codes.ts';

// PostgreSQL SQLSTATE class 22 ("data exception"): loom's words for the common ones.
const PG_DATA_MESSAGES: Readonly<Record<string, string>> = {
  '22001': 'a string is longer than its column allows',
  '22003': 'a number is out of range for its column',
  '22007': 'a date or time is malformed',
  '22008': 'a date or time is out of range',
  '22021': 'a string holds a character the database cannot store (NUL)',
  '22P02': 'a value is malformed for its column type',
  '22P05': 'a JSON value holds an escape the database cannot store (\\u0000)',
  '2202E': 'an array subscript is out of range',
  '22012': 'a division by zero',
};

// SQLite result codes that say "this value", not "this database".
const SQLITE_DATA_MESSAGES: Readonly<Record<number, string>> = {
  [SQLITE_MISMATCH]: 'a value does not match its column type',
  [SQLITE_TOOBIG]: 'a value is too large to store',
};

/**
 * The 422 of a driver error that reports a refused value: PostgreSQL SQLSTATE class 22 (numeric out
 * of range, invalid byte sequence, value too long, …) and SQLite's datatype mismatch and too-big
 * errors. A safety net behind validation (which names the field): the database's own text, which may
 * quote the value, never reaches the client. Null for any other error.
 *
 * @example
 * ```ts
 * dataErrorOf({ code: '22003', severity: 'ERROR', message: 'integer out of range' })?.status; // 422
 * dataErrorOf(new Error('boom')); // null
 * ```
 */
export function dataErrorOf(error: unknown): InvalidData | null {
  if (typeof error !== 'object' || error === null) return null;
  const sqliteCode = sqliteResultCode(error);
  if (sqliteCode !== undefined) {
    const sqlite = SQLITE_DATA_MESSAGES[primaryResultCode(sqliteCode)];
    return sqlite === undefined ? null : new InvalidData(`the database refused a value: ${sqlite}`);
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return null;
  // pg's DatabaseError carries `severity`; a 5-character code alone could be anything's.
  if (code.length === 5 && code.startsWith('22') && 'severity' in error) {
    return new InvalidData(`the database refused a value: ${PG_DATA_MESSAGES[code] ?? 'a data exception'}`);
  }
  return null;
}
