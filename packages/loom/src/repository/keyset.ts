import { type Expression, type SqlBool, sql } from 'kysely';
import { InvalidCursor } from '../errors/index.ts';
import type { FieldMeta } from '../model/model.ts';
import type { CursorCodec } from './cursor-token.ts';
import { coerceFieldValue } from './field-values.ts';
import type { SortDirection } from './query-spec.ts';
import type { RowCodec } from './row-codec.ts';

/** One resolved sort key: the field, its direction, and whether NULLs can occur. */
export interface SortKey {
  readonly field: FieldMeta;
  readonly direction: SortDirection;
}

/**
 * ORDER BY terms. NULLs sort as the smallest value on both dialects (first ascending, last descending),
 * stated explicitly because PostgreSQL and SQLite disagree by default.
 */
export function orderByTerms(keys: readonly SortKey[]) {
  return keys.map(({ field, direction }) => {
    const nulls = field.def.nullable ? (direction === 'asc' ? ' nulls first' : ' nulls last') : '';
    return sql`${sql.ref(field.column)} ${sql.raw(direction)}${sql.raw(nulls)}`;
  });
}

/**
 * The keyset condition "row comes after the row with these values" for any mix of directions:
 * `(k1 > v1) or (k1 = v1 and k2 < v2) or …`, with NULL ordering matching {@link orderByTerms}.
 * `values` are already bound-ready (encoded for the driver).
 *
 * @example
 * ```ts
 * qb.where(keysetAfter([{ field: stock, direction: 'asc' }, { field: id, direction: 'asc' }], [5, 17]));
 * ```
 */
export function keysetAfter(keys: readonly SortKey[], values: readonly unknown[]): Expression<SqlBool> {
  const branches: Expression<SqlBool>[] = [];
  for (let i = 0; i < keys.length; i++) {
    const terms: Expression<SqlBool>[] = [];
    for (let j = 0; j < i; j++) terms.push(equal(keys[j]!, values[j]));
    const after = strictlyAfter(keys[i]!, values[i]);
    if (after === null) continue;
    terms.push(after);
    branches.push(sql<SqlBool>`(${sql.join(terms, sql` and `)})`);
  }
  if (branches.length === 0) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`(${sql.join(branches, sql` or `)})`;
}

function equal(key: SortKey, value: unknown): Expression<SqlBool> {
  const col = sql.ref(key.field.column);
  return value === null ? sql<SqlBool>`${col} is null` : sql<SqlBool>`${col} = ${value}`;
}

/** null when nothing can come after (a NULL at the end of a descending order). */
function strictlyAfter(key: SortKey, value: unknown): Expression<SqlBool> | null {
  const col = sql.ref(key.field.column);
  if (key.direction === 'asc') {
    return value === null ? sql<SqlBool>`${col} is not null` : sql<SqlBool>`${col} > ${value}`;
  }
  if (value === null) return null;
  return key.field.def.nullable
    ? sql<SqlBool>`(${col} < ${value} or ${col} is null)`
    : sql<SqlBool>`${col} < ${value}`;
}

/**
 * The bound values of a cursor token for the sort `keys` (signature `signature`), converted by each
 * field's declared type. A malformed, forged or mismatched token is an {@link InvalidCursor} (400).
 *
 * @example
 * ```ts
 * qb.where(keysetAfter(keys, afterValues(cursors, codec, keys, 'id:asc', token)));
 * ```
 */
export function afterValues(
  cursors: CursorCodec,
  codec: RowCodec,
  keys: readonly SortKey[],
  signature: string,
  token: string,
): unknown[] {
  const raw = cursors.decode(token, signature);
  if (raw.length !== keys.length) throw new InvalidCursor('invalid cursor: malformed', 'after');
  return keys.map((k, i) => {
    const v = raw[i];
    if (v === null) return null;
    try {
      return codec.encodeValue(k.field, coerceFieldValue(k.field.def, v, k.field.name));
    } catch {
      throw new InvalidCursor('invalid cursor: malformed', 'after');
    }
  });
}

/** The token of the position after `last` (an entity) for the sort `keys`. */
export function cursorAfter(
  cursors: CursorCodec,
  keys: readonly SortKey[],
  signature: string,
  last: Readonly<Record<string, unknown>>,
): string {
  return cursors.encode(
    signature,
    keys.map((k) => {
      const v = last[k.field.name];
      return v instanceof Date ? v.toISOString() : v;
    }),
  );
}
