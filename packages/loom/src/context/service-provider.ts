/**
 * Service providers: how an application's own services (a mailer, a payment client, a per-call audit
 * trail) are built, scoped and disposed. The typed front (`defineServices`, `ctx.services`) is in
 * `use-case/service-registration.ts`; this file only knows names, scopes and lifecycles.
 */

/**
 * The application's own services, as use cases see them in `ctx.services`. Empty here: an application
 * declares its services once by augmenting this interface (docs/services-and-config.md).
 *
 * @example
 * ```ts
 * declare module 'loom-kernel' {
 *   interface AppServices { mailer: Mailer; audit: AuditTrail }
 * }
 * ```
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by module augmentation.
export interface AppServices {}

/** `app`: one instance for the process, built at boot. `call`: one per use-case invocation, disposed after it. */
export type ServiceScope = 'app' | 'call';

/** What a provider's factory receives: the resolved configuration and the other services. */
export interface ProviderContext<C = unknown, S = unknown> {
  readonly config: C;
  readonly services: S;
}

/** How one service is built, scoped and disposed (see {@link provide}). */
export interface ServiceProvider<T = unknown, C = unknown, S = unknown> {
  readonly kind: 'serviceProvider';
  readonly scope: ServiceScope;
  /** Builds the service. An `app` provider may be async (awaited at boot); a `call` provider may not. */
  create(context: ProviderContext<C, S>): T | Promise<T>;
  /** Releases it: at shutdown (`app`), after the use case settles (`call`). */
  dispose?(value: T): void | Promise<void>;
}

/** Options of a provider. */
export interface ProvideOptions<T> {
  /**
   * Releases the service. Default: `value[Symbol.asyncDispose]()`, else `value[Symbol.dispose]()`, when
   * the value has one.
   */
  readonly dispose?: (value: T) => void | Promise<void>;
}

/**
 * A provider of the given scope. Applications use the typed `provide.app` / `provide.call` of
 * `loom-kernel`, which build on this.
 *
 * @example
 * ```ts
 * const clock = serviceProvider('app', () => systemClock, {});
 * ```
 */
export function serviceProvider<T, C, S>(
  scope: ServiceScope,
  create: (context: ProviderContext<C, S>) => T | Promise<T>,
  options: ProvideOptions<T>,
): ServiceProvider<T, C, S> {
  const dispose = options.dispose;
  return Object.freeze({ kind: 'serviceProvider', scope, create, ...(dispose ? { dispose } : {}) });
}

/** True when `value` is a provider made by {@link provide}. */
export function isServiceProvider(value: unknown): value is ServiceProvider {
  return (
    typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'serviceProvider'
  );
}
