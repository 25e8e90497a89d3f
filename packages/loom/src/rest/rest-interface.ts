import { DeclarationError } from '../errors/index.ts';
import type { AnyModel } from '../model/model.ts';
import type { Guard } from '../use-case/guard.ts';
import {
  isRouteDecl,
  type PaginationMode,
  type ProfilePolicy,
  type ProfilesOption,
  type RouteDecl,
} from './route.ts';
import { isUnknownQueryPolicy, type UnknownQueryPolicy } from './unknown-query.ts';

/** Options of {@link restInterface}. Route options override the interface's. */
export interface RestInterfaceOptions {
  /** Path prefix of every route (`/users`); a trailing `/` is dropped. May contain `{params}`. */
  readonly prefix: string;
  /** OpenAPI tags of every operation. */
  readonly tags?: readonly string[];
  /** Default pagination mode of the list routes. Default: `'offset'`. */
  readonly pagination?: PaginationMode;
  /** May clients switch modes with `?pagination=`? Default: true. */
  readonly allowPaginationOverride?: boolean;
  /** Profiles a client may request with `?profile=` on every route. */
  readonly profiles?: ProfilesOption;
  /**
   * Unknown non-filter query parameters on every route: `'reject'` (400) or `'ignore'`. Default:
   * `app.rest.unknownQuery` (itself `'ignore'`). Misspelled filters are a 400 either way.
   */
  readonly unknownQuery?: UnknownQueryPolicy;
  /** Guards of every route (checked before the route's and the use case's own). */
  readonly guards?: readonly Guard[];
  readonly routes: readonly RouteDecl[];
}

/** A compiled-at-boot group of routes over one model (or none, for model-less operations). */
export interface RestInterface<M extends AnyModel | null = AnyModel | null> {
  readonly kind: 'restInterface';
  readonly model: M;
  readonly prefix: string;
  readonly tags: readonly string[];
  readonly pagination: PaginationMode | undefined;
  readonly allowPaginationOverride: boolean | undefined;
  readonly profiles: ProfilePolicy | undefined;
  readonly unknownQuery?: UnknownQueryPolicy | undefined;
  readonly guards: readonly Guard[];
  readonly routes: readonly RouteDecl[];
}

/**
 * Phantom type of an interface: its prefix and routes, read by typed clients (`loom-kernel/client`).
 * Never present at run time.
 */
export interface ClientRoutes<Pfx extends string, R extends RouteDecl> {
  readonly $client?: { readonly prefix: Pfx; readonly routes: R };
}

/**
 * Normalizes the profile shorthand (a list) to a policy.
 *
 * @example
 * ```ts
 * profilePolicyOf(['with_details']); // { allowed: ['with_details'] }
 * ```
 */
export function profilePolicyOf(option: ProfilesOption | undefined): ProfilePolicy | undefined {
  if (option === undefined) return undefined;
  if (Array.isArray(option)) return Object.freeze({ allowed: Object.freeze([...option]) });
  return option as ProfilePolicy;
}

/**
 * Declares the REST interface of a model: a prefix, tags, the pagination and profile policies, and
 * routes (custom ones and {@link autoCrud}'s, mixed in one list). Compiled by `createRestServer`, which
 * reports duplicate routes, undeclared path params and other mistakes at boot.
 *
 * @example
 * ```ts
 * export const UserApi = restInterface(User, {
 *   prefix: '/users',
 *   tags: ['Users'],
 *   pagination: 'cursor',
 *   routes: [
 *     route.post('/', CreateUserUseCase, { status: 201 }),
 *     route.get('/{userId}/addresses', ListUserAddresses),
 *     ...autoCrud(User, { include: ['get', 'list', 'update', 'delete'] }),
 *   ],
 * });
 * ```
 */
export function restInterface<
  M extends AnyModel | null,
  const Pfx extends string,
  const R extends readonly RouteDecl[],
>(
  model: M,
  options: Omit<RestInterfaceOptions, 'prefix' | 'routes'> & { readonly prefix: Pfx; readonly routes: R },
): RestInterface<M> & ClientRoutes<Pfx, R[number]> {
  const label = `restInterface(${options.prefix})`;
  if (typeof options.prefix !== 'string' || !options.prefix.startsWith('/')) {
    throw new DeclarationError(label, 'prefix must start with "/"');
  }
  if (!Array.isArray(options.routes) || options.routes.length === 0) {
    throw new DeclarationError(label, 'an interface needs at least one route');
  }
  for (const [i, r] of options.routes.entries()) {
    if (!isRouteDecl(r))
      throw new DeclarationError(label, `routes[${i}] is not a route (use route.get(...) etc.)`);
  }
  if (options.unknownQuery !== undefined && !isUnknownQueryPolicy(options.unknownQuery))
    throw new DeclarationError(label, 'unknownQuery must be "reject" or "ignore"');
  const prefix = options.prefix.length > 1 ? options.prefix.replace(/\/+$/, '') : options.prefix;
  return Object.freeze({
    kind: 'restInterface',
    model,
    prefix: prefix === '' ? '/' : prefix,
    tags: Object.freeze([...(options.tags ?? [])]),
    pagination: options.pagination,
    allowPaginationOverride: options.allowPaginationOverride,
    profiles: profilePolicyOf(options.profiles),
    ...(options.unknownQuery === undefined ? {} : { unknownQuery: options.unknownQuery }),
    guards: Object.freeze([...(options.guards ?? [])]),
    routes: Object.freeze([...options.routes]),
  });
}

/**
 * True when `value` is an interface built by {@link restInterface} (discovery uses it).
 *
 * @example
 * ```ts
 * isRestInterface(UserApi); // true
 * ```
 */
export function isRestInterface(value: unknown): value is RestInterface {
  return (
    typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'restInterface'
  );
}
