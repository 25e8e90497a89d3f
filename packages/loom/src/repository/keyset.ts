import { type Expression, type SqlBool, sql } from 'kysely';
import type { FieldMeta } from '../model/model.ts';
import type { SortDirection } from './query-spec.ts';

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
