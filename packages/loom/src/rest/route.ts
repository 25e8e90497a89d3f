import type { TSchema } from 'typebox';
import type { Guard } from '../use-case/guard.ts';
import type { AnyUseCase } from '../use-case/use-case.ts';
import type { UnknownQueryPolicy } from './unknown-query.ts';

/** The HTTP methods a route may answer. HEAD is answered for every GET route. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** How a list route pages: `?page=&limit=` or `?after=&limit=`. */
export type PaginationMode = 'offset' | 'cursor';

/**
 * Which read profiles a client may ask for with `?profile=`. The resolved profile reaches a use case
 * that declares a `profile` param; `default` is used when the client sends none.
 */
export interface ProfilePolicy {
  readonly allowed: readonly string[];
  /** The profile used when `?profile=` is absent. Default: `'default'`. */
  readonly default?: string;
}

/** A profile policy, or its shorthand: the list of allowed profiles. */
export type ProfilesOption = readonly string[] | ProfilePolicy;

/** What a route's `response` option accepts (see {@link RouteOptions.response}). */
export type ResponseOption = TSchema | 'entity' | 'page' | 'offset-page' | 'cursor-page' | 'json';

/** What the auto-CRUD routes return; lets the adapter serialize with compiled schemas. */
export type AutoOperation = 'create' | 'get' | 'list' | 'update' | 'delete';

/** Options of one route. Unset options inherit the interface's, then loom's defaults. */
export interface RouteOptions {
  /** Success status. Default 200 (auto-CRUD create: 201). Must be 2xx. */
  readonly status?: number;
  /** OpenAPI summary. Default: the use case's `summary`. */
  readonly summary?: string;
  /** OpenAPI description. Default: the use case's `description`. */
  readonly description?: string;
  /** Default pagination mode of a list route (`query: true`). */
  readonly pagination?: PaginationMode;
  /** May the client switch modes with `?pagination=`? */
  readonly allowPaginationOverride?: boolean;
  /** Profiles a client may request with `?profile=`. */
  readonly profiles?: ProfilesOption;
  /**
   * The success body's shape, serialized by a compiled serializer and documented in OpenAPI:
   * - `'entity'`: the use case's model entity (each allowed profile's, when `?profile=` is exposed);
   * - `'page'`: the list envelope the route's pagination gives (list routes only; derived for them);
   * - `'offset-page'` / `'cursor-page'`: that envelope of the model's entities, on any route;
   * - a TypeBox/JSON Schema (give it a `title` to get a named component);
   * - `'json'`: any JSON value, undocumented on purpose (opts out of the boot warning).
   *
   * Serialization never drops or rejects fields: undeclared properties are still written. Auto-CRUD
   * and list routes know their shapes; any other route without `response` is documented as "any JSON
   * value", warned about at boot and refused by `loom openapi --strict`.
   */
  readonly response?: ResponseOption;
  /** Extra OpenAPI tags for this route (the interface's tags always apply). */
  readonly tags?: readonly string[];
  /**
   * Auto-CRUD update and delete of a versioned model: `'required'` answers a request without
   * `If-Match` with 428. Set through `autoCrud(Model, { ifMatch })`.
   */
  readonly ifMatch?: 'optional' | 'required';
  /**
   * What to do with an unknown query parameter that is neither a filter nor a near miss of a known
   * name: `'reject'` (400) or `'ignore'`. Default: the interface's, then `app.rest.unknownQuery`.
   */
  readonly unknownQuery?: UnknownQueryPolicy;
  /**
   * Who may call this route, checked with the interface's guards and the use case's own (see `guard`).
   * Enforced when authentication is configured (`auth.enabled`).
   */
  readonly guards?: readonly Guard[];
  /**
   * This route's own rate limit (`app.rest.rateLimit` must be enabled), or `false` to exempt it from
   * the app-wide one. Counted per client (IP) and route.
   */
  readonly rateLimit?: RouteRateLimit | false;
}

/** A route's rate limit: at most `max` requests per client in `windowMs`; more → 429 with Retry-After. */
export interface RouteRateLimit {
  readonly max: number;
  readonly windowMs: number;
}

/**
 * A declared route: method, path relative to the interface prefix, use case, options. The type
 * parameters keep the method, path and use case for typed clients (`loom-kernel/client`).
 */
export interface RouteDecl<
  Mth extends HttpMethod = HttpMethod,
  Pth extends string = string,
  U extends AnyUseCase = AnyUseCase,
> {
  readonly kind: 'route';
  readonly method: Mth;
  readonly path: Pth;
  readonly useCase: U;
  readonly options: RouteOptions;
  /** Set by {@link autoCrud}: which auto operation this route is. */
  readonly auto?: AutoOperation;
}

/** The `{name}` params of a path, as a union of names. */
export type PathParamsOf<S extends string> = S extends `${string}{${infer N}}${infer Rest}`
  ? N | PathParamsOf<Rest>
  : never;

/**
 * Constrains a use case to declare every path param: a route `'/{userId}'` on a use case without a
 * `userId` param is a compile error (and a boot error for plain-JS users).
 */
export type DeclaresParams<N extends string> = [N] extends [never]
  ? unknown
  : { readonly $types?: { readonly params: { readonly [K in N]: unknown } } };

function make<const Mth extends HttpMethod>(method: Mth) {
  return <const S extends string, U extends AnyUseCase>(
    path: S,
    useCase: U & DeclaresParams<PathParamsOf<S>>,
    options: RouteOptions = {},
  ): RouteDecl<Mth, S, U> =>
    Object.freeze({
      kind: 'route' as const,
      method,
      path,
      useCase: useCase as U,
      options: Object.freeze({ ...options }),
    });
}

/**
 * Route builders. Paths are relative to the interface prefix and use `{name}` params; a path param binds
 * to the use case's param of the same name (converted and validated by its declared schema, 400 when
 * invalid). Declared params that are not in the path are read from the query string.
 *
 * @example
 * ```ts
 * restInterface(Product, {
 *   prefix: '/products',
 *   routes: [
 *     route.get('/low-stock', ListLowStockProducts, { summary: 'List low stock products' }),
 *     route.post('/{productId}/jobs/restock-email', DispatchRestockEmail, { status: 202 }),
 *     ...autoCrud(Product),
 *   ],
 * });
 * ```
 */
export const route = {
  get: make('GET'),
  post: make('POST'),
  put: make('PUT'),
  patch: make('PATCH'),
  delete: make('DELETE'),
};

/**
 * True when `value` is a route built by {@link route}.
 *
 * @example
 * ```ts
 * isRouteDecl(route.get('/ping', Ping)); // true
 * ```
 */
export function isRouteDecl(value: unknown): value is RouteDecl {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'route';
}
