import {
  type AppServices,
  type ProvideOptions,
  type ProviderContext,
  type ServiceProvider,
  serviceProvider,
} from '../context/service-provider.ts';
import type { ContextConfig } from './services.ts';

/** A provider as `defineServices` types it: it sees the typed configuration and the other services. */
export type Provider<T> = ServiceProvider<T, ContextConfig, AppServices>;

/** What a factory receives: the typed configuration and the application's other services. */
export type ProviderArgs = ProviderContext<ContextConfig, AppServices>;

/**
 * Providers for `defineServices`: `provide.app` (one instance per process, built at boot — awaited
 * when async — and disposed at shutdown in reverse order of construction) and `provide.call` (one per
 * use-case invocation that reads it, disposed when the invocation settles, also when it fails). A
 * factory reads the others through `services`; one it needs is built first, a cycle is an error
 * naming its path. Disposal: `options.dispose`, else the value's `Symbol.asyncDispose`/`Symbol.dispose`.
 *
 * @example
 * ```ts
 * provide.app(({ config }) => new SmtpMailer(config.mailer), { dispose: (m) => m.close() });
 * provide.call(({ services }) => new AuditTrail(services.clock));
 * provide.value(systemClock);
 * ```
 */
export const provide = Object.freeze({
  /** One instance per process: built at boot (awaited when async), disposed at shutdown. */
  app<T>(create: (args: ProviderArgs) => T | Promise<T>, options: ProvideOptions<T> = {}): Provider<T> {
    return serviceProvider('app', create, options);
  },
  /** One instance per use-case invocation that reads it (built synchronously), disposed when it settles. */
  call<T>(create: (args: ProviderArgs) => T, options: ProvideOptions<T> = {}): Provider<T> {
    return serviceProvider('call', create, options);
  },
  /** An existing value as an app service (disposed only when `options.dispose` says how). */
  value<T>(value: T, options: ProvideOptions<T> = {}): Provider<T> {
    return serviceProvider('app', () => value, options);
  },
});

/** A name declared in {@link AppServices} must be provided with that type. */
type CheckedAgainstRegistry<S> = {
  readonly [K in keyof S & keyof AppServices]: Provider<AppServices[K]>;
};

/** An application's service registration, shared by `createApp`, `createWorker` and `createTestApp`. */
// biome-ignore lint/suspicious/noExplicitAny: any provider, used only as a constraint.
export interface ServiceRegistration<S = Readonly<Record<string, ServiceProvider<any, any, any>>>> {
  readonly kind: 'serviceRegistration';
  readonly providers: S;
}

/** The service types a registration provides (to declare {@link AppServices} from it when no provider reads another). */
export type ServicesOf<R> =
  R extends ServiceRegistration<infer S>
    ? { readonly [K in keyof S]: S[K] extends ServiceProvider<infer T> ? T : never }
    : never;

/**
 * Declares an application's services once, for every process that runs it: pass the result to
 * `createApp({ services })`, `createWorker({ services })` and the testing kit's `createTestApp`. Each
 * provider receives `{ config, services }` typed from the `AppConfigSections` and {@link AppServices}
 * registries, so it can read its section and the services it needs; use cases read them as
 * `ctx.services.<name>`, with no string tokens.
 *
 * @example
 * ```ts
 * export const services = defineServices({
 *   mailer: provide.app(({ config }) => new SmtpMailer(config.mailer), { dispose: (m) => m.close() }),
 *   audit: provide.call(({ services }) => new AuditTrail(services.mailer), { dispose: (a) => a.flush() }),
 * });
 * declare module 'loom-kernel' {
 *   interface AppServices { mailer: SmtpMailer; audit: AuditTrail }
 * }
 * ```
 */
export function defineServices<S extends Readonly<Record<string, Provider<unknown>>>>(
  providers: S & CheckedAgainstRegistry<S>,
): ServiceRegistration<S> {
  return Object.freeze({ kind: 'serviceRegistration', providers: Object.freeze({ ...providers }) });
}
