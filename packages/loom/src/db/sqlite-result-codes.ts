/**
 * SQLite's result codes that loom acts on (https://sqlite.org/rescode.html). node:sqlite reports the
 * extended code of a failed statement as the error's numeric `errcode`; its `code` is always
 * `ERR_SQLITE_ERROR`.
 */
export const SQLITE_BUSY = 5;
export const SQLITE_TOOBIG = 18;
export const SQLITE_CONSTRAINT = 19;
export const SQLITE_MISMATCH = 20;
export const SQLITE_CONSTRAINT_CHECK = 275;
export const SQLITE_CONSTRAINT_FOREIGNKEY = 787;
export const SQLITE_CONSTRAINT_NOTNULL = 1299;
export const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
export const SQLITE_CONSTRAINT_TRIGGER = 1811;
export const SQLITE_CONSTRAINT_UNIQUE = 2067;

/**
 * The extended result code of a SQLite error, or undefined for any other error.
 *
 * @example
 * ```ts
 * const code = sqliteResultCode(error);
 * if (code !== undefined && primaryResultCode(code) === SQLITE_CONSTRAINT) { … }
 * ```
 */
export function sqliteResultCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('errcode' in error)) return undefined;
  return typeof error.errcode === 'number' ? error.errcode : undefined;
}

/** The primary result code of an extended one (its low byte): SQLITE_CONSTRAINT for all constraint codes. */
export function primaryResultCode(code: number): number {
  return code & 0xff;
}
