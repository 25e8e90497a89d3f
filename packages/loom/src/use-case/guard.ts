import type { Identity } from '../context/identity.ts';

/**
 * When a guard runs. `identity` guards need nothing but the caller and run first, before params are
 * bound; `call` guards read params and input and run before any load; `loaded` guards read loaded
 * entities (ownership) and run after the loads. No guard before `loaded` can tell a client whether an
 * id exists.
 */
export type GuardStage = 'identity' | 'call' | 'loaded';

/** What a guard predicate sees of a call. */
export interface GuardContext<I, P, L> {
  readonly identity: Identity | undefined;
  readonly params: P;
  readonly input: I;
  readonly load: L;
}

/**
 * A compiled access check. Failing it answers 401 (`LOOM_UNAUTHORIZED`, with `WWW-Authenticate`) when the
 * call has no identity, else 403 (`LOOM_FORBIDDEN`) with the guard's message.
 */
export interface Guard {
  readonly kind: 'guard';
  readonly stage: GuardStage;
  /** What the guard demands, for OpenAPI and messages: `authenticated`, `roles: a|b`, `scopes: x y`, … */
  readonly description: string;
  /** The 403 detail. */
  readonly message: string;
  /** Roles (any of) and scopes (all of) the guard demands; documented per operation in OpenAPI. */
  readonly roles: readonly string[];
  readonly scopes: readonly string[];
  /** @internal */
  check(ctx: GuardContext<unknown, unknown, unknown>): boolean;
}

/** The guard builders a use case's `guards` function receives, typed from its declaration. */
export interface GuardBuilder<I, P, L> {
  /** Any authenticated caller. */
  requireAuth(): Guard;
  /** A caller holding at least one of these roles. */
  requireRoles(...roles: readonly [string, ...string[]]): Guard;
  /** A caller holding every one of these scopes. */
  requireScopes(...scopes: readonly [string, ...string[]]): Guard;
  /**
   * A predicate over the caller, params and input; runs before any load, so it cannot leak whether an id
   * exists. An anonymous caller failing it gets 401, an authenticated one 403.
   */
  allowIf(predicate: (ctx: Omit<GuardContext<I, P, L>, 'load'>) => boolean, message?: string): Guard;
  /**
   * A predicate that also reads the loaded entities (ownership: "only the owner reads an order"). When
   * an entity is missing, the predicate runs without it (reading it throws, which counts as failing):
   * a caller it refuses gets the same 403 as for someone else's entity (no 404 that would tell the two
   * apart); one it lets through without reading the entity (`isAdmin(identity) || …`) gets the 404.
   */
  allowIfLoaded(predicate: (ctx: GuardContext<I, P, L>) => boolean, message?: string): Guard;
}

const FORBIDDEN = 'you may not perform this operation';

function make(
  stage: GuardStage,
  description: string,
  check: Guard['check'],
  message: string,
  roles: readonly string[] = [],
  scopes: readonly string[] = [],
): Guard {
  return Object.freeze({
    kind: 'guard',
    stage,
    description,
    message,
    roles: Object.freeze([...roles]),
    scopes: Object.freeze([...scopes]),
    check,
  });
}

function builder<I, P, L>(): GuardBuilder<I, P, L> {
  return {
    requireAuth: () => make('identity', 'authenticated', (c) => c.identity !== undefined, FORBIDDEN),
    requireRoles: (...roles) =>
      make(
        'identity',
        `roles: ${roles.join(' | ')}`,
        (c) => c.identity !== undefined && roles.some((r) => c.identity?.roles.includes(r)),
        `this operation needs one of the roles ${roles.join(', ')}`,
        roles,
      ),
    requireScopes: (...scopes) =>
      make(
        'identity',
        `scopes: ${scopes.join(' ')}`,
        (c) => c.identity !== undefined && scopes.every((s) => c.identity?.scopes.includes(s)),
        `this operation needs the scopes ${scopes.join(', ')}`,
        [],
        scopes,
      ),
    allowIf: (predicate, message = FORBIDDEN) =>
      make('call', 'predicate', (c) => predicate(c as never) === true, message),
    allowIfLoaded: (predicate, message = FORBIDDEN) =>
      make('loaded', 'predicate over loaded entities', (c) => predicate(c as never) === true, message),
  };
}

/**
 * Guard builders for interfaces and routes (`restInterface(…, { guards })`, `route.get(…, { guards })`),
 * where params and input are untyped. Inside a use case, prefer its typed `guards: (g) => […]`.
 *
 * @example
 * ```ts
 * restInterface(Order, { prefix: '/orders', guards: [guard.requireAuth()], routes: [...] });
 * route.delete('/{orderId}', CancelOrder, { guards: [guard.requireRoles('admin')] });
 * useCase(Order, {
 *   params: { userId: t.Integer() },
 *   guards: (g) => [g.allowIf(({ identity, params }) => identity?.subject === String(params.userId))],
 *   execute: …,
 * });
 * ```
 */
export const guard: GuardBuilder<
  unknown,
  Readonly<Record<string, unknown>>,
  Readonly<Record<string, unknown>>
> = builder();

/**
 * The typed builder handed to a use case's `guards` function.
 *
 * @example
 * ```ts
 * const g = guardBuilder<{ email: string }, { userId: number }, {}>();
 * g.allowIf(({ params }) => params.userId > 0);
 * ```
 */
export function guardBuilder<I, P, L>(): GuardBuilder<I, P, L> {
  return builder<I, P, L>();
}

/** Guards sorted by stage, compiled once per use case or route. */
export interface GuardSet {
  readonly identity: readonly Guard[];
  readonly call: readonly Guard[];
  readonly loaded: readonly Guard[];
  /** Every guard, in declaration order (OpenAPI). */
  readonly all: readonly Guard[];
}

/** A set with no guards. */
export const NO_GUARDS: GuardSet = Object.freeze({
  identity: Object.freeze([]),
  call: Object.freeze([]),
  loaded: Object.freeze([]),
  all: Object.freeze([]),
});

/**
 * Sorts guards by stage; throws a TypeError naming the position of a value that is not a guard.
 *
 * @example
 * ```ts
 * guardSet([guard.requireAuth(), guard.requireRoles('admin')]).identity.length; // 2
 * ```
 */
export function guardSet(guards: readonly unknown[]): GuardSet {
  if (guards.length === 0) return NO_GUARDS;
  for (const [i, g] of guards.entries()) {
    if (typeof g !== 'object' || g === null || (g as { kind?: unknown }).kind !== 'guard')
      throw new TypeError(`guards[${i}] is not a guard (use guard.requireAuth(), …)`);
  }
  const all = guards as readonly Guard[];
  return Object.freeze({
    identity: Object.freeze(all.filter((g) => g.stage === 'identity')),
    call: Object.freeze(all.filter((g) => g.stage === 'call')),
    loaded: Object.freeze(all.filter((g) => g.stage === 'loaded')),
    all: Object.freeze([...all]),
  });
}

/**
 * Both sets' guards (the interface's and route's, then the use case's).
 *
 * @example
 * ```ts
 * mergeGuards(guardSet([guard.requireAuth()]), NO_GUARDS).all.length; // 1
 * ```
 */
export function mergeGuards(a: GuardSet, b: GuardSet): GuardSet {
  if (b.all.length === 0) return a;
  if (a.all.length === 0) return b;
  return guardSet([...a.all, ...b.all]);
}
