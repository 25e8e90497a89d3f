import { type RawBuilder, sql } from 'kysely';
import type { DialectName } from '../db/dialect.ts';
import { BadRequest, type FieldError } from '../errors/index.ts';
import type { FieldMeta } from '../model/model.ts';
import { type FieldChange, NUMERIC_KINDS, TEXT_KINDS } from './field-change.ts';
import { coerceFieldValue } from './field-values.ts';

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** One `SET col = <expr>` of an atomic change, and the WHERE guard that keeps its result storable. */
export interface ChangeSql {
  readonly expr: RawBuilder<unknown>;
  /** The parameters of `expr`, in the order the statement binds them. */
  readonly params: readonly unknown[];
  /** A condition the new value must meet (length of a bounded string, range of an int), if any. */
  readonly guard?: { readonly expr: RawBuilder<unknown>; readonly params: readonly unknown[] };
  /** The shape of the statement part (for the statement cache). */
  readonly shape: string;
}

/** The operand converted to the field's type; a change that does not fit the column is a 400. */
function operandOf(f: FieldMeta, change: FieldChange): number | string {
  const numeric = change.op !== 'append';
  const fits = numeric ? NUMERIC_KINDS.has(f.def.kind) : TEXT_KINDS.has(f.def.kind);
  if (!fits) {
    const what = numeric ? 'numeric' : 'text';
    throw new BadRequest(`${change.op} applies to ${what} fields; "${f.name}" is ${f.def.kind}`, f.name);
  }
  if (!numeric) {
    if (typeof change.operand !== 'string')
      throw new BadRequest(`append needs a string for "${f.name}"`, f.name);
    return change.operand;
  }
  // A delta may be any int of the column's range (its result is guarded separately).
  return coerceFieldValue(f.def, change.operand, f.name) as number;
}

/**
 * The SQL of an atomic change of field `f`: computed by the database from the row's current value in
 * the `UPDATE` itself. NULL counts as 0 or '' (and as the bound for atLeast/atMost), the same on both
 * dialects.
 *
 * @example
 * ```ts
 * const { expr, params } = changeSql(stockField, increment(2), 'postgres'); // "stock" + $1, [2]
 * ```
 */
export function changeSql(f: FieldMeta, change: FieldChange, dialect: DialectName): ChangeSql {
  const operand = operandOf(f, change);
  const col = sql.ref(f.column);
  const nullable = f.def.nullable;
  const shape = `${f.column}:${change.op}${change.op === 'append' && change.once ? ':once' : ''}`;
  switch (change.op) {
    case 'add': {
      const current = nullable ? sql`coalesce(${col}, 0)` : col;
      const expr = sql`${current} + ${sql.val(operand)}`;
      if (f.def.kind !== 'int') return { expr, params: [operand], shape };
      // Computed as bigint so an overflow is refused by the guard instead of failing the statement.
      const guard = sql`cast(${current} as bigint) + ${sql.val(operand)} between ${sql.lit(INT_MIN)} and ${sql.lit(INT_MAX)}`;
      return { expr, params: [operand], guard: { expr: guard, params: [operand] }, shape };
    }
    case 'atLeast':
    case 'atMost': {
      const fn =
        dialect === 'postgres'
          ? change.op === 'atLeast'
            ? 'greatest'
            : 'least'
          : change.op === 'atLeast'
            ? 'max'
            : 'min';
      if (!nullable)
        return { expr: sql`${sql.raw(fn)}(${col}, ${sql.val(operand)})`, params: [operand], shape };
      const expr = sql`${sql.raw(fn)}(coalesce(${col}, ${sql.val(operand)}), ${sql.val(operand)})`;
      return { expr, params: [operand, operand], shape };
    }
    case 'append': {
      const current = nullable ? sql`coalesce(${col}, '')` : col;
      const text = operand as string;
      const expr = change.once
        ? sql`case when substr(${current}, length(${current}) - length(cast(${sql.val(text)} as text)) + 1) = ${sql.val(text)} then ${current} else ${current} || ${sql.val(text)} end`
        : sql`${current} || ${sql.val(text)}`;
      const params = change.once ? [text, text, text] : [text];
      if (f.def.kind !== 'string' || f.def.length === undefined) return { expr, params, shape };
      // SQLite does not enforce VARCHAR lengths and PostgreSQL fails the statement: guard on both.
      const guard = sql`length(${expr}) <= ${sql.lit(f.def.length)}`;
      return { expr, params, guard: { expr: guard, params }, shape };
    }
  }
}

/**
 * Why a change cannot be applied to the stored `current` value (its result would not fit the column),
 * or null. Used to explain a guarded update that matched no row.
 */
export function changeViolation(f: FieldMeta, change: FieldChange, current: unknown): FieldError | null {
  if (change.op === 'add' && f.def.kind === 'int') {
    const next = Number(current ?? 0) + change.operand;
    if (next < INT_MIN || next > INT_MAX) {
      return { path: f.name, message: `the result ${next} is outside the 32-bit integer range` };
    }
  }
  if (change.op === 'append' && f.def.kind === 'string' && f.def.length !== undefined) {
    const value = typeof current === 'string' ? current : '';
    if (change.once && value.endsWith(change.operand)) return null;
    // Characters as SQL counts them (code points), not UTF-16 units.
    const length = [...value].length + [...change.operand].length;
    if (length > f.def.length) {
      return { path: f.name, message: `the result would be ${length} characters, more than ${f.def.length}` };
    }
  }
  return null;
}
