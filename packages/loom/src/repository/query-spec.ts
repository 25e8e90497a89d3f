/**
 * Immutable query value objects: what a list use case asks a repository for. The REST layer builds
 * them from the query string; use cases can build and scope them in code.
 */

/**
 * The filter operators of the query grammar. `exists` applies to a relation (`notes__exists=true`);
 * the others to a column or to a column through a relation (`owner__fullName__eq=Ada` → `owner.fullName`).
 */
export const FILTER_OPERATORS = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'like',
  'ilike',
  'is_null',
  'exists',
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/**
 * One condition: `field op value`. `in` takes an array, `is_null` and `exists` a boolean. The field is a
 * column, a relation (with `exists`) or `relation.column`.
 */
export interface FilterCondition<F extends string = string> {
  readonly kind: 'condition';
  readonly field: F;
  readonly op: FilterOperator;
  readonly value: unknown;
}

/** A group of filters joined by AND or OR; groups nest. */
export interface FilterGroup<F extends string = string> {
  readonly kind: 'and' | 'or';
  readonly items: readonly FilterNode<F>[];
}

export type FilterNode<F extends string = string> = FilterCondition<F> | FilterGroup<F>;

export type SortDirection = 'asc' | 'desc';

export interface SortSpec<F extends string = string> {
  readonly field: F;
  readonly direction: SortDirection;
}

export interface OffsetPagination {
  readonly mode: 'offset';
  /** 1-based page. */
  readonly page: number;
  /** 1..1000 */
  readonly limit: number;
  /** Compute `totalCount` (one extra COUNT query). Default true. */
  readonly withCount?: boolean;
}

export interface CursorPagination {
  readonly mode: 'cursor';
  readonly limit: number;
  /** The `nextCursor` of the previous page; absent for the first page. */
  readonly after?: string;
}

/**
 * A list query: filters, sort and one of the two pagination modes.
 *
 * @example
 * ```ts
 * const q: QuerySpec<'category' | 'stock'> = {
 *   filter: and(where('category', 'eq', 'books'), where('stock', 'lte', 5)),
 *   sort: [{ field: 'stock', direction: 'asc' }],
 *   pagination: { mode: 'cursor', limit: 20 },
 * };
 * ```
 */
export interface QuerySpec<F extends string = string, S extends string = F> {
  /** Filters may also name relations and `relation.column` paths. */
  readonly filter?: FilterNode<F>;
  /** Sorts name columns only. */
  readonly sort?: readonly SortSpec<S>[];
  readonly pagination: OffsetPagination | CursorPagination;
}

/** The offset envelope. `totalCount` is the real total, also past the last page. */
export interface OffsetPage<T> {
  readonly items: T[];
  readonly totalCount: number;
  readonly page: number;
  readonly limit: number;
  readonly hasNext: boolean;
}

/** The cursor envelope. `nextCursor` is null on the last page. */
export interface CursorPage<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
  readonly hasNext: boolean;
}

export type Page<T> = OffsetPage<T> | CursorPage<T>;

/**
 * One filter condition.
 *
 * @example
 * ```ts
 * where('priceCents', 'gte', 1000)
 * ```
 */
export function where<F extends string>(field: F, op: FilterOperator, value: unknown): FilterCondition<F> {
  return Object.freeze({ kind: 'condition', field, op, value });
}

/** All of the filters. */
export function and<F extends string>(...items: FilterNode<F>[]): FilterGroup<F> {
  return Object.freeze({ kind: 'and', items: Object.freeze(items) });
}

/** Any of the filters. */
export function or<F extends string>(...items: FilterNode<F>[]): FilterGroup<F> {
  return Object.freeze({ kind: 'or', items: Object.freeze(items) });
}

/** Offset pages and cursor pages accept 1..MAX_LIMIT items. */
export const MAX_LIMIT = 1000;
