import { BadRequest, LimitExceeded } from '../errors/index.ts';
import { toSnakeCase } from '../model/naming.ts';
import { canonicalProfile } from '../model/profiles.ts';
import type { QuerySpec } from '../repository/query-spec.ts';
import type { CompiledRoute } from './compile-routes.ts';
import { parseListQuery, type RawQuery, RESERVED_QUERY_KEYS, singleValue } from './query-grammar.ts';
import { DEFAULT_UNKNOWN_QUERY, type UnknownQueryPolicy, unknownKeyGuard } from './unknown-query.ts';

/** What a route takes from the query string: params for the use case and, on list routes, the query. */
export interface RouteQuery {
  readonly params: Record<string, unknown>;
  readonly query: QuerySpec | undefined;
}

/** Reads one request's query string for a route. Throws a 400 naming the offending parameter. */
export type RouteQueryReader = (raw: RawQuery) => RouteQuery;

/** Query parameters a request may send when the server is not told otherwise. */
export const DEFAULT_MAX_QUERY_PARAMETERS = 100;

/** Parameters in a parsed query string, a repeated key once per value. */
function parameterCount(raw: RawQuery): number {
  let n = 0;
  for (const key in raw) {
    const v = raw[key];
    n += typeof v === 'object' && v !== null ? v.length : 1;
  }
  return n;
}

/** No keys, without allocating the key list (this runs on every request). */
function isEmpty(raw: RawQuery): boolean {
  for (const _ in raw) return false;
  return true;
}

/**
 * Compiles the query-string reader of a route: at most `maxParameters` parameters (else a 400
 * {@link LimitExceeded}), `?profile=` checked against the route's profile policy
 * (and bound to a `profile` param when the use case declares one), declared params that are not in the
 * path (camelCase or snake_case: `maxStock` or `max_stock`), the list grammar on list routes, and any
 * other key by the route's unknown-query policy (`unknownQuery`, else `fallbackPolicy`): ignored or a
 * 400; a misspelled filter or a near miss of a known name is a 400 either way (see `unknownKeyGuard`).
 *
 * @example
 * ```ts
 * const read = compileRouteQuery(route);
 * read({ page: '2', price__gte: '20' }); // { params: {}, query: { pagination: { mode: 'offset', page: 2, … }, … } }
 * ```
 */
export function compileRouteQuery(
  route: CompiledRoute,
  maxParameters: number = DEFAULT_MAX_QUERY_PARAMETERS,
  fallbackPolicy: UnknownQueryPolicy = DEFAULT_UNKNOWN_QUERY,
): RouteQueryReader {
  // Each declared param under each spelling it may be sent with.
  const spellings = new Map<string, string>();
  for (const p of route.queryParams) spellings.set(toSnakeCase(p.name), p.name);
  for (const p of route.queryParams) spellings.set(p.name, p.name);
  const names = new Set(spellings.keys());
  const known = new Set([...names, 'profile']);
  const { profiles, list, bindsProfile } = route;
  const guard = unknownKeyGuard(
    route.unknownQuery ?? fallbackPolicy,
    list ? [...known, ...RESERVED_QUERY_KEYS] : [...known],
    list ? list.model : null,
  );
  const defaults: Record<string, unknown> = bindsProfile ? { profile: profiles.default } : {};
  const empty: RouteQuery = Object.freeze({
    params: Object.freeze(defaults),
    query: list ? parseListQuery({}, list) : undefined,
  });

  return (raw) => {
    // Nothing downstream mutates params or the query: the empty reading is shared.
    if (spellings.size === 0 && isEmpty(raw)) return empty;
    // Each filter becomes SQL: a bounded count keeps one request's statement (and its parse) bounded.
    if (parameterCount(raw) > maxParameters) {
      throw new LimitExceeded(
        'queryParameters',
        maxParameters,
        400,
        `the query string has more than ${maxParameters} parameters`,
      );
    }
    const params: Record<string, unknown> = {};
    const requested = singleValue(raw, 'profile');
    let profile: string | undefined;
    if (requested !== undefined) {
      if (!profiles.exposed)
        throw new BadRequest('query parameter "profile" is not allowed on this route', 'profile');
      profile = canonicalProfile(requested);
      if (!profiles.allowed.includes(profile)) {
        throw new BadRequest(
          `unknown profile "${requested}"; allowed: ${profiles.allowed.join(', ')}`,
          'profile',
        );
      }
    }
    if (bindsProfile) params.profile = profile ?? profiles.default;
    for (const [spelled, name] of spellings) {
      const value = singleValue(raw, spelled);
      if (value === undefined) continue;
      if (name in params && spelled !== name)
        throw new BadRequest(`query parameter "${name}" is given twice (also as "${spelled}")`, spelled);
      params[name] = value;
    }
    if (list) return { params, query: parseListQuery(raw, list, names, guard) };
    for (const key in raw) if (!known.has(key)) guard(key);
    return { params, query: undefined };
  };
}
