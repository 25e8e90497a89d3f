import { BadRequest, InvalidQuery } from '../errors/index.ts';
import {
  and,
  type FilterCondition,
  MAX_LIMIT,
  type QuerySpec,
  type SortSpec,
} from '../repository/query-spec.ts';
import type { ListPolicy } from './compile-routes.ts';
import { fieldByWireName } from './field-lookup.ts';
import { filterOf } from './filter-key.ts';
import type { UnknownKeyGuard } from './unknown-query.ts';

/** A parsed query string: one string per key, or several when the key is repeated. */
export type RawQuery = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Keys of the list grammar that are never filters. */
export const RESERVED_QUERY_KEYS: ReadonlySet<string> = new Set([
  'page',
  'limit',
  'pagination',
  'after',
  'cursor',
  'sort',
  'direction',
  'profile',
]);

/** Items per page when the client sends no `limit`. */
export const DEFAULT_LIMIT = 50;

const INTEGER = /^\d{1,16}$/;

/**
 * The one value of a key; a repeated single-valued key is a 400 naming it.
 *
 * @example
 * ```ts
 * singleValue({ limit: '10' }, 'limit');        // '10'
 * singleValue({ limit: ['1', '2'] }, 'limit');  // throws BadRequest (parameter: 'limit')
 * ```
 */
export function singleValue(raw: RawQuery, key: string): string | undefined {
  const v = raw[key];
  if (v === undefined || typeof v === 'string') return v;
  if (v.length > 1) throw new BadRequest(`query parameter "${key}" may be given only once`, key);
  return v[0];
}

function allValues(raw: RawQuery, key: string): readonly string[] {
  const v = raw[key];
  return v === undefined ? [] : typeof v === 'string' ? [v] : v;
}

function positiveInt(raw: RawQuery, key: string, max: number, why: string): number | undefined {
  const text = singleValue(raw, key);
  if (text === undefined) return undefined;
  const n = INTEGER.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max)
    throw new BadRequest(`${key} must be ${why}, got "${text}"`, key);
  return n;
}

function paginationOf(raw: RawQuery, policy: ListPolicy): QuerySpec['pagination'] {
  const requested = singleValue(raw, 'pagination');
  const mode = requested?.toLowerCase();
  if (mode !== undefined && mode !== 'offset' && mode !== 'cursor') {
    throw new BadRequest(`invalid pagination mode "${requested}": use offset or cursor`, 'pagination');
  }
  const after = singleValue(raw, 'after') || undefined;
  const alias = singleValue(raw, 'cursor') || undefined;
  if (after !== undefined && alias !== undefined && after !== alias) {
    throw new BadRequest('give the cursor once: "after" and its alias "cursor" differ', 'cursor');
  }
  const token = after ?? alias;
  const tokenKey = after !== undefined ? 'after' : 'cursor';
  let effective: 'offset' | 'cursor';
  if (!policy.allowOverride) {
    if (mode !== undefined && mode !== policy.mode) {
      throw new BadRequest(`pagination cannot override this route's mode ("${policy.mode}")`, 'pagination');
    }
    effective = policy.mode;
  } else effective = mode ?? (token !== undefined ? 'cursor' : policy.mode);

  const limit = positiveInt(raw, 'limit', MAX_LIMIT, `an integer from 1 to ${MAX_LIMIT}`) ?? DEFAULT_LIMIT;
  if (effective === 'cursor') {
    if (raw.page !== undefined)
      throw new BadRequest('page is not used in cursor pagination; use after', 'page');
    return token === undefined ? { mode: 'cursor', limit } : { mode: 'cursor', limit, after: token };
  }
  if (token !== undefined) {
    const why = policy.allowOverride
      ? 'needs pagination=cursor'
      : 'is not allowed: this route pages by offset only';
    throw new BadRequest(`${tokenKey} ${why}`, tokenKey);
  }
  const maxPage = Math.floor(Number.MAX_SAFE_INTEGER / limit);
  const page =
    positiveInt(raw, 'page', maxPage, 'an integer ≥ 1 (and page × limit must stay a safe integer)') ?? 1;
  return { mode: 'offset', page, limit };
}

function sortOf(raw: RawQuery, policy: ListPolicy): SortSpec[] | undefined {
  const split = (key: string) =>
    allValues(raw, key)
      .flatMap((v) => v.split(','))
      .map((s) => s.trim());
  const names = split('sort');
  const directions = split('direction').map((d) => {
    const lower = d.toLowerCase();
    if (lower !== 'asc' && lower !== 'desc')
      throw new BadRequest(`direction must be ASC or DESC, got "${d}"`, 'direction');
    return lower;
  });
  const fields: string[] = [];
  for (const name of names) {
    if (name === '') throw new InvalidQuery('sort names an empty field', 'sort');
    const f = fieldByWireName(policy.model, name);
    if (!f) throw new InvalidQuery(`unknown sort field "${name}" on ${policy.model.$name}`, 'sort');
    if (!f.def.filterable) throw new InvalidQuery(`field "${name}" cannot be sorted on`, 'sort');
    if (fields.includes(f.name)) throw new InvalidQuery(`sort names "${name}" twice`, 'sort');
    fields.push(f.name);
  }
  // A direction without a sort orders by the primary key.
  if (fields.length === 0 && directions.length > 0) fields.push(policy.model.$primaryKey.name);
  if (fields.length === 0) return undefined;
  if (directions.length > 1 && directions.length !== fields.length) {
    throw new BadRequest(`give one direction, or one per sort field (${fields.length})`, 'direction');
  }
  return fields.map((field, i) => ({ field, direction: directions[i] ?? directions[0] ?? 'asc' }));
}

function filtersOf(
  raw: RawQuery,
  policy: ListPolicy,
  skip: ReadonlySet<string>,
  guard: UnknownKeyGuard | undefined,
): FilterCondition[] {
  const conditions: FilterCondition[] = [];
  for (const key of Object.keys(raw)) {
    if (RESERVED_QUERY_KEYS.has(key) || skip.has(key)) continue;
    if (guard !== undefined && guard(key) === 'ignore') continue;
    // A repeated filter key adds one condition per value; all conditions are AND-ed.
    for (const value of allValues(raw, key)) conditions.push(filterOf(policy.model, key, value));
  }
  return conditions;
}

/**
 * Parses a list route's query string into a {@link QuerySpec}: `page`, `limit`, `pagination`, `after`
 * (alias `cursor`), `sort` (comma-separated or repeated, camel or snake names), `direction` (one, or one
 * per sort field, any case) and filters `field__op=value`, `relation__field__op=value` and
 * `relation__exists=true|false` (see `filterOf`). Every malformed or unknown parameter is a
 * 400 naming it, unless `guard` (the route's unknown-query policy) lets a non-filter key pass. Filter values are checked against the field's declared type here (so the 400 names the
 * parameter) and passed on as sent: the repository converts them the same way.
 *
 * @example
 * ```ts
 * parseListQuery({ price__gte: '20', sort: 'createdAt', direction: 'desc', limit: '10' },
 *   { model: Product, mode: 'offset', allowOverride: true });
 * // { filter: price gte "20", sort: [{ field: 'createdAt', direction: 'desc' }], pagination: { mode: 'offset', page: 1, limit: 10 } }
 * ```
 */
export function parseListQuery(
  raw: RawQuery,
  policy: ListPolicy,
  skip: ReadonlySet<string> = new Set(),
  guard?: UnknownKeyGuard,
): QuerySpec {
  const pagination = paginationOf(raw, policy);
  const sort = sortOf(raw, policy);
  const conditions = filtersOf(raw, policy, skip, guard);
  const filter =
    conditions.length === 0 ? undefined : conditions.length === 1 ? conditions[0] : and(...conditions);
  return {
    pagination,
    ...(sort === undefined ? {} : { sort }),
    ...(filter === undefined ? {} : { filter }),
  };
}
