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
import { Conflict, type Violation } from '../errors/index.ts';
import type { AnyModel } from '../model/model.ts';
import { toCamelCase } from '../model/naming.ts';

type Kind = Conflict['kind'];

/** What the repository was doing when the constraint refused it. */
export type WriteOperation = 'insert' | 'update' | 'delete';

interface PgError {
  code?: string;
  constraint?: string;
  table?: string;
  column?: string;
  detail?: string;
}

const PG_KINDS: Readonly<Record<string, Kind>> = {
  '23505': 'unique',
  '23503': 'foreign_key',
  '23502': 'not_null',
  '23514': 'check',
};

/** The model's field of a SQL column; the camelCase of the column for a table loom does not know. */
function fieldOf(model: AnyModel | undefined, column: string): string {
  return model?.$fields.find((f) => f.column === column)?.name ?? toCamelCase(column);
}

/**
 * The columns of a loom-named constraint (`uq_<table>_<column>`, `fk_<table>_<column>`, `pk_<table>`),
 * or, for a constraint loom did not name, those PostgreSQL lists in its detail (`Key (a, b)=…`, read
 * for the names only: the detail quotes the values and never reaches the client).
 */
function columnsOf(
  model: AnyModel | undefined,
  table: string,
  constraint: string | null,
  detail?: string,
): string[] {
  if (constraint !== null && model !== undefined && model.$table === table) {
    if (constraint === `pk_${table}`) return [model.$primaryKey.column];
    for (const prefix of [`uq_${table}_`, `fk_${table}_`]) {
      if (!constraint.startsWith(prefix)) continue;
      const column = constraint.slice(prefix.length);
      if (model.$fields.some((f) => f.column === column)) return [column];
    }
  }
  const listed = detail === undefined ? null : /^Key \(([^)]*)\)=/.exec(detail);
  return listed?.[1] ? listed[1].split(',').map((c) => c.trim().replace(/^"|"$/g, '')) : [];
}

function entityOf(model: AnyModel | undefined, table: string): string {
  return model?.$table === table ? model.$name : table;
}

/** `a User`, `an Owner`. */
function article(noun: string): string {
  return `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}

function conflict(
  kind: Kind,
  constraint: string | null,
  table: string,
  model: AnyModel | undefined,
  fields: readonly string[],
  operation: WriteOperation,
  referencedBy?: string,
): Conflict {
  const entity = entityOf(model, table);
  let detail: string;
  let message: string;
  switch (kind) {
    case 'unique':
      message = 'already exists';
      detail =
        fields.length > 0
          ? `${article(entity)} with this ${fields.join(' and ')} already exists`
          : `${article(entity)} with the same unique value already exists`;
      break;
    case 'foreign_key':
      if (operation === 'delete') {
        // The referencing rows are in another table: no field of this body is wrong.
        detail = `this ${entity} is still referenced${referencedBy ? ` by ${referencedBy}` : ''}`;
        return new Conflict(constraint, kind, table, detail, []);
      }
      message = 'references a row that does not exist';
      detail =
        fields.length > 0
          ? `${fields.join(' and ')} ${message}`
          : 'a reference points to a row that does not exist';
      break;
    case 'not_null':
      message = 'is required';
      detail = fields.length > 0 ? `${fields.join(' and ')} is required` : 'a required value is missing';
      break;
    case 'check':
      message = 'is not allowed by a check constraint';
      detail = `a check constraint${constraint ? ` (${constraint})` : ''} refused the write`;
      break;
  }
  const violations: Violation[] = fields.map((field) => ({ field, message }));
  return new Conflict(constraint, kind, table, detail, violations);
}

/**
 * Maps a driver's integrity error to {@link Conflict} (409), naming the constraint and the fields it
 * covers (`violations: [{ field: 'email', message: 'already exists' }]`) on both dialects, in loom's
 * words: the database's text, which quotes values, never reaches the client. SQLite does not report
 * constraint names, so the name is rebuilt from loom's deterministic naming (`uq_<table>_<column>`);
 * for its foreign keys it reports nothing, so the model's references stand in. `target` is the model
 * written to (or its table, when only that is known). Returns null for anything that is not an
 * integrity error.
 *
 * @example
 * ```ts
 * try { await repo.create(input); }
 * catch (error) { throw toConflict(error, 'postgres', User) ?? error; }
 * ```
 */
export function toConflict(
  error: unknown,
  dialect: DialectName,
  target: AnyModel | string,
  operation: WriteOperation = 'insert',
): Conflict | null {
  if (typeof error !== 'object' || error === null) return null;
  const model = typeof target === 'string' ? undefined : target;
  const table = typeof target === 'string' ? target : target.$table;
  if (dialect === 'postgres') {
    const e = error as PgError;
    const kind = e.code === undefined ? undefined : PG_KINDS[e.code];
    if (!kind) return null;
    const constraint = e.constraint ?? null;
    // A delete refused by a reference: PostgreSQL reports the referencing table and its constraint.
    if (kind === 'foreign_key' && e.table !== undefined && e.table !== table) {
      return conflict(kind, constraint, table, model, [], 'delete', e.table);
    }
    const where = e.table ?? table;
    const columns =
      kind === 'not_null' && e.column ? [e.column] : columnsOf(model, where, constraint, e.detail);
    const fields = columns.map((c) => fieldOf(model?.$table === where ? model : undefined, c));
    return conflict(kind, constraint, where, model, fields, operation);
  }
  const code = sqliteResultCode(error);
  if (code === undefined || primaryResultCode(code) !== SQLITE_CONSTRAINT) return null;
  const message = (error as { message?: string }).message ?? '';
  // "UNIQUE constraint failed: users.email" / "NOT NULL constraint failed: users.email"
  const qualified = message
    .replace(/^.*failed: /, '')
    .split(',')
    .map((s) => s.trim().split('.'));
  const tbl = qualified[0]?.length === 2 ? (qualified[0][0] as string) : table;
  const columns = qualified.filter((q) => q.length === 2).map((q) => q[1] as string);
  const fieldsOf = (cols: readonly string[]) =>
    cols.map((c) => fieldOf(model?.$table === tbl ? model : undefined, c));
  if (code === SQLITE_CONSTRAINT_UNIQUE || code === SQLITE_CONSTRAINT_PRIMARYKEY) {
    const name = code === SQLITE_CONSTRAINT_PRIMARYKEY ? `pk_${tbl}` : `uq_${tbl}_${columns.join('_')}`;
    return conflict('unique', name, tbl, model, fieldsOf(columns), operation);
  }
  // ON DELETE RESTRICT reports SQLITE_CONSTRAINT_TRIGGER with the same message as other FK failures.
  if (code === SQLITE_CONSTRAINT_FOREIGNKEY || message.startsWith('FOREIGN KEY constraint failed')) {
    const references = model?.$fields.filter((f) => f.def.references !== undefined).map((f) => f.name) ?? [];
    // SQLite names no column: with one reference on the model, it is that one.
    return conflict('foreign_key', null, table, model, references.length === 1 ? references : [], operation);
  }
  if (code === SQLITE_CONSTRAINT_NOTNULL) {
    return conflict('not_null', null, tbl, model, fieldsOf(columns), operation);
  }
  return conflict('check', null, table, model, [], operation);
}
