import { suggestKey } from '../config/suggest-key.ts';
import { BadRequest, InvalidQuery } from '../errors/index.ts';
import type { AnyModel } from '../model/model.ts';
import { relationNamed, resolveRelations } from '../model/resolve-relations.ts';
import { fieldByWireName } from './field-lookup.ts';

/**
 * What a route does with a query parameter it does not know (neither a declared param, `profile`, the
 * list grammar nor a filter): `'reject'` answers 400 naming it; `'ignore'` lets it pass unread, so
 * cache-busters (`?_=…`) and tracking parameters (`utm_source`) do not break a route. In both modes a
 * near miss of a known name is a 400, and on list routes every other bare key is still an (eq) filter:
 * a misspelled filter must never silently widen a result. See
 * docs/decisions/0018-unknown-query-parameters.md.
 */
export type UnknownQueryPolicy = 'reject' | 'ignore';

/** The policy when neither the route, its interface nor the app sets one. */
export const DEFAULT_UNKNOWN_QUERY: UnknownQueryPolicy = 'ignore';

/** Whether a value is a policy (checked at boot for plain-JS declarations). */
export function isUnknownQueryPolicy(value: unknown): value is UnknownQueryPolicy {
  return value === 'reject' || value === 'ignore';
}

/**
 * Classifies the keys a route does not bind: `'filter'` (a list route parses it, so a wrong one is a
 * 400 from the grammar), `'ignore'` (passes unread), or a thrown 400 naming it.
 */
export type UnknownKeyGuard = (key: string) => 'filter' | 'ignore';

function isNamed(model: AnyModel, key: string): boolean {
  return fieldByWireName(model, key) !== undefined || relationNamed(model, key) !== undefined;
}

/**
 * Keys that are never data on a list route: a leading `_` (`_`, `_t`: cache-busters) and the tracking
 * parameters that links and ad platforms append.
 */
const NON_FILTER = /^(?:_.*|utm_.+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|yclid|igshid)$/;

/** Keys shorter than this are never taken for a near miss: `_`, `v` or `ts` are cache-busters. */
const MIN_NEAR_MISS = 3;

/**
 * Compiles the guard of one route, once at boot. `known` are the names the route binds (params in both
 * spellings, `profile`, the list grammar's keys); `model` is the list model (filters) or null.
 *
 * - on a list route: a key with `__`, or naming a field or relation of the list model → `'filter'`
 * - a key at a small edit distance of a known name, field or relation (`categroy`, `limt`, `max_stok`)
 *   → 400 with the suggestion, whatever the policy
 * - on a list route under `'ignore'`: a cache-buster (`_…`) or a tracking parameter (`utm_…`, `gclid`,
 *   `fbclid`, …) → `'ignore'`; any other key (any key under `'reject'`) → `'filter'` (so `?colour=red`
 *   is a 400, not every row)
 * - on other routes: `'ignore'` under `'ignore'`, else a 400 naming it
 *
 * @example
 * ```ts
 * const guard = unknownKeyGuard('ignore', ['limit', 'page'], Product);
 * guard('_');            // 'ignore'
 * guard('utm_source');   // 'ignore'
 * guard('price__gte');   // 'filter'
 * guard('colour');       // 'filter' (the grammar answers 400: no such field)
 * guard('categroy');     // throws InvalidQuery: did you mean "category"?
 * ```
 */
export function unknownKeyGuard(
  policy: UnknownQueryPolicy,
  known: readonly string[],
  model: AnyModel | null,
): UnknownKeyGuard {
  const names = [...known];
  if (model) {
    for (const f of model.$fields) names.push(f.name);
    for (const r of resolveRelations(model).keys()) names.push(r);
  }
  return (key) => {
    if (model && (key.includes('__') || isNamed(model, key))) return 'filter';
    const near = key.length >= MIN_NEAR_MISS ? suggestKey(key, names) : undefined;
    if (near !== undefined) {
      const message = `unknown query parameter "${key}"; did you mean "${near}"?`;
      throw model ? new InvalidQuery(message, key) : new BadRequest(message, key);
    }
    // Any other key of a list route is parsed as a filter: the grammar's 400 says what is wrong with it.
    if (model) return policy === 'ignore' && NON_FILTER.test(key) ? 'ignore' : 'filter';
    if (policy === 'ignore') return 'ignore';
    throw new BadRequest(`unknown query parameter "${key}"`, key);
  };
}
