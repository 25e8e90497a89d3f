import type { Column, ColumnKind } from '../model/column.ts';
import type { AnyModel, ColumnsOf, ValueOf } from '../model/model.ts';

const CHANGE: unique symbol = Symbol('loom.fieldChange');

/**
 * An atomic change of a numeric field, computed by the database from the row's current value in the
 * `UPDATE` itself (`stock = stock + $1`), so concurrent changes never overwrite each other.
 */
export interface NumericChange {
  readonly [CHANGE]: true;
  readonly op: 'add' | 'atLeast' | 'atMost';
  readonly operand: number;
}

/** An atomic change of a text field (`name = name || $1`). */
export interface TextChange {
  readonly [CHANGE]: true;
  readonly op: 'append';
  readonly operand: string;
  /** Append only when the value does not already end with the operand. */
  readonly once: boolean;
}

/** Any atomic change. */
export type FieldChange = NumericChange | TextChange;

/** The column kinds that take numeric changes, and text changes. */
export const NUMERIC_KINDS: ReadonlySet<ColumnKind> = new Set(['int', 'bigint', 'float']);
export const TEXT_KINDS: ReadonlySet<ColumnKind> = new Set(['string', 'text']);

/**
 * Adds `by` (default 1) to a numeric field, atomically: `stock = stock + 1`. A NULL counts as 0.
 *
 * @example
 * ```ts
 * await repo.update(productId, { stock: increment(5) });
 * ```
 */
export function increment(by = 1): NumericChange {
  return Object.freeze({ [CHANGE]: true as const, op: 'add' as const, operand: by });
}

/**
 * Subtracts `by` (default 1) from a numeric field, atomically: `stock = stock - 1`. A NULL counts as 0.
 *
 * @example
 * ```ts
 * await repo.update(productId, { stock: decrement() });
 * ```
 */
export function decrement(by = 1): NumericChange {
  return Object.freeze({ [CHANGE]: true as const, op: 'add' as const, operand: -by });
}

/**
 * Raises a numeric field to at least `floor` (keeps it when larger), atomically. A NULL becomes `floor`.
 *
 * @example
 * ```ts
 * await repo.update(id, { highScore: atLeast(score) });
 * ```
 */
export function atLeast(floor: number): NumericChange {
  return Object.freeze({ [CHANGE]: true as const, op: 'atLeast' as const, operand: floor });
}

/**
 * Lowers a numeric field to at most `ceiling` (keeps it when smaller), atomically. A NULL becomes
 * `ceiling`.
 *
 * @example
 * ```ts
 * await repo.update(id, { stock: atMost(100) });
 * ```
 */
export function atMost(ceiling: number): NumericChange {
  return Object.freeze({ [CHANGE]: true as const, op: 'atMost' as const, operand: ceiling });
}

/**
 * Appends `suffix` to a text field, atomically: `name = name || $1`. With `once`, only when the value
 * does not already end with it, which makes a retried or repeated write harmless. A NULL counts as ''.
 *
 * @example
 * ```ts
 * await repo.update(productId, { category: append('-restock-notified', { once: true }) });
 * ```
 */
export function append(suffix: string, options: { readonly once?: boolean } = {}): TextChange {
  return Object.freeze({
    [CHANGE]: true as const,
    op: 'append' as const,
    operand: suffix,
    once: options.once === true,
  });
}

/**
 * True when `value` is an atomic change built by {@link increment}, {@link append} and the like.
 *
 * @example
 * ```ts
 * isFieldChange(increment()); // true
 * isFieldChange(3);           // false
 * ```
 */
export function isFieldChange(value: unknown): value is FieldChange {
  return typeof value === 'object' && value !== null && (value as { [CHANGE]?: unknown })[CHANGE] === true;
}

type KindOf<Col> = Col extends Column<infer S> ? (S extends { readonly kind: infer K } ? K : never) : never;
type Writable<C> = {
  [K in keyof C]: C[K] extends Column<infer S> ? (S['generated'] extends true ? never : K) : never;
}[keyof C];
type ChangeOf<Col> =
  | ValueOf<Col>
  | (KindOf<Col> extends 'int' | 'bigint' | 'float' ? NumericChange : never)
  | (KindOf<Col> extends 'string' | 'text' ? TextChange : never);

/**
 * What an update accepts: any subset of the writable fields, each a new value or, for numeric and text
 * columns, an atomic change ({@link increment}, {@link decrement}, {@link atLeast}, {@link atMost} on
 * numbers; {@link append} on text). A change on a column of another kind does not compile.
 *
 * @example
 * ```ts
 * const Product = model('products', { id: column.int().primaryKey(), name: column.string(120), stock: column.int() });
 * const changes: UpdateChanges<typeof Product> = { stock: increment(1), name: append(' (2nd)') };
 * ```
 */
export type UpdateChanges<M extends AnyModel> = {
  [K in Writable<ColumnsOf<M>> & string]?: ChangeOf<ColumnsOf<M>[K]>;
} & {};
