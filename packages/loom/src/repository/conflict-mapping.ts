import type { DialectName } from '../db/dialect.ts';
import {
  primaryResultCode,
  SQLITE_CONSTRAINT,
  SQLITE_CONSTRAINT_FOREIGNKEY,
  SQLITE_CONSTRAINT_NOTNULL,
  SQLITE_CONSTRAINT_PRIMARYKEY,
  SQLITE_CONSTRAINT_UNIQUE,
  sqliteResultCode,
} from '../db/sqlite-result-codes.ts';
import { Conflict } from '../errors/index.ts';

interface PgError {
  code?: string;
  constraint?: string;
  table?: string;
  detail?: string;
}

/**
 * Maps a driver's integrity error to {@link Conflict} (409), naming the constraint on both dialects.
 * SQLite does not report constraint names, so the name is rebuilt from loom's deterministic naming
 * (`uq_<table>_<column>`). Returns null for anything that is not an integrity error.
 */
export function toConflict(error: unknown, dialect: DialectName, table: string): Conflict | null {
  if (typeof error !== 'object' || error === null) return null;
  if (dialect === 'postgres') {
    const e = error as PgError;
    const kind =
      e.code === '23505'
        ? 'unique'
        : e.code === '23503'
          ? 'foreign_key'
          : e.code === '23502'
            ? 'not_null'
            : e.code === '23514'
              ? 'check'
              : null;
    if (!kind) return null;
    return new Conflict(
      e.constraint ?? null,
      kind,
      e.table ?? table,
      describe(kind, e.constraint ?? null, e.detail),
    );
  }
  const code = sqliteResultCode(error);
  if (code === undefined || primaryResultCode(code) !== SQLITE_CONSTRAINT) return null;
  const message = (error as { message?: string }).message ?? '';
  if (code === SQLITE_CONSTRAINT_UNIQUE || code === SQLITE_CONSTRAINT_PRIMARYKEY) {
    // "UNIQUE constraint failed: users.email"
    const cols = message
      .replace(/^.*failed: /, '')
      .split(',')
      .map((s) => s.trim());
    const first = cols[0]?.split('.') ?? [];
    const tbl = first[0] ?? table;
    const names = cols.map((c) => c.split('.')[1] ?? c);
    const name = code === SQLITE_CONSTRAINT_PRIMARYKEY ? `pk_${tbl}` : `uq_${tbl}_${names.join('_')}`;
    return new Conflict(name, 'unique', tbl, describe('unique', name, undefined));
  }
  // ON DELETE RESTRICT reports SQLITE_CONSTRAINT_TRIGGER with the same message as other FK failures.
  if (code === SQLITE_CONSTRAINT_FOREIGNKEY || message.startsWith('FOREIGN KEY constraint failed')) {
    return new Conflict(null, 'foreign_key', table, 'a foreign key constraint refused the write');
  }
  if (code === SQLITE_CONSTRAINT_NOTNULL) {
    return new Conflict(null, 'not_null', table, message);
  }
  return new Conflict(null, 'check', table, message);
}

function describe(kind: string, constraint: string | null, detail: string | undefined): string {
  const what =
    kind === 'unique'
      ? 'a row with the same unique value already exists'
      : kind === 'foreign_key'
        ? 'a foreign key constraint refused the write'
        : `${kind.replace('_', ' ')} constraint violated`;
  return [what, constraint ? `(${constraint})` : '', detail ? `: ${detail}` : '']
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}
