/**
 * A small typed DI container owned by the framework: singletons by token, factory or constructor
 * injection, no decorators, no `reflect-metadata`. A dependency cycle is reported at boot with its path.
 */

/** A typed key. Create one with {@link token}, or use a class as its own token. */
export interface TokenObject<T> {
  readonly kind: 'token';
  readonly name: string;
  /** Phantom. */
  readonly $type?: T;
}
// biome-ignore lint/suspicious/noExplicitAny: constructor arguments are resolved from `inject`.
export type ClassToken<T> = abstract new (...args: any[]) => T;
export type Token<T> = TokenObject<T> | ClassToken<T>;

/**
 * A named token for a value that is not a class (a config object, a client).
 *
 * @example
 * ```ts
 * const Clock = token<{ now(): Date }>('Clock');
 * container.register(Clock, { useValue: { now: () => new Date() } });
 * ```
 */
export function token<T>(name: string): TokenObject<T> {
  return Object.freeze({ kind: 'token', name });
}

type Deps<A extends readonly unknown[]> = { readonly [K in keyof A]: Token<A[K]> };

/** How to build a registered service. */
export type Provider<T> =
  | { readonly useValue: T }
  | {
      readonly useFactory: (resolve: <U>(t: Token<U>) => U) => T;
      readonly inject?: readonly Token<unknown>[];
    }
  // biome-ignore lint/suspicious/noExplicitAny: the class's own constructor parameters are checked by `inject`.
  | { readonly useClass: new (...args: any[]) => T; readonly inject?: readonly Token<unknown>[] };

function nameOf(t: Token<unknown>): string {
  return typeof t === 'function' ? t.name : t.name;
}

/** A container's own error (unknown token, cycle, failed build): passed through unchanged. */
class ContainerError extends Error {
  override name = 'ContainerError';
}

/**
 * @example
 * ```ts
 * class Mailer { constructor(readonly clock: Clock) {} }
 * const c = new Container();
 * c.register(Clock, { useValue: systemClock });
 * c.register(Mailer, { useClass: Mailer, inject: [Clock] });
 * c.validate();               // builds everything, reports cycles with their path
 * c.resolve(Mailer);          // the same instance every time
 * ```
 */
export class Container {
  readonly #providers = new Map<Token<unknown>, Provider<unknown>>();
  readonly #instances = new Map<Token<unknown>, unknown>();
  readonly #parent: Container | undefined;

  constructor(parent?: Container) {
    this.#parent = parent;
  }

  /** Registers (or replaces) a provider. Replacing after the service was built is an error. */
  register<T>(key: Token<T>, provider: Provider<T>): this {
    if (this.#instances.has(key))
      throw new ContainerError(`container: ${nameOf(key)} is already built; register before use`);
    this.#providers.set(key, provider as Provider<unknown>);
    return this;
  }

  /** Registers a class built with the given dependencies. */
  registerClass<T, A extends readonly unknown[]>(key: new (...args: A) => T, inject: Deps<A>): this {
    return this.register(key, { useClass: key, inject: inject as readonly Token<unknown>[] });
  }

  has(key: Token<unknown>): boolean {
    return this.#providers.has(key) || (this.#parent?.has(key) ?? false);
  }

  /** The singleton for a token; built on first use. Unknown token → an error naming it. */
  resolve<T>(key: Token<T>): T {
    return this.#resolve(key, []);
  }

  /** Builds every registered service now, so missing bindings and cycles fail at boot. */
  validate(): void {
    for (const key of this.#providers.keys()) this.#resolve(key, []);
  }

  #resolve<T>(key: Token<T>, path: Token<unknown>[]): T {
    if (this.#instances.has(key)) return this.#instances.get(key) as T;
    const provider = this.#providers.get(key) as Provider<T> | undefined;
    if (!provider) {
      if (this.#parent?.has(key)) return this.#parent.resolve(key);
      const via = path.length ? ` (needed by ${path.map(nameOf).join(' → ')})` : '';
      throw new ContainerError(`container: no provider registered for ${nameOf(key)}${via}`);
    }
    if (path.includes(key)) {
      throw new ContainerError(`container: dependency cycle ${[...path, key].map(nameOf).join(' → ')}`);
    }
    const next = [...path, key];
    const dep = <U>(t: Token<U>) => this.#resolve(t, next);
    let value: T;
    if ('useValue' in provider) value = provider.useValue;
    else if ('useFactory' in provider) {
      for (const t of provider.inject ?? []) dep(t);
      value = build(next, () => provider.useFactory(dep));
    } else {
      const args = (provider.inject ?? []).map(dep);
      value = build(next, () => new provider.useClass(...args));
    }
    this.#instances.set(key, value);
    return value;
  }
}

/** Runs a factory or constructor; its failure is reported with the service being built and the path to it. */
function build<T>(path: readonly Token<unknown>[], fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ContainerError) throw error;
    const why = error instanceof Error ? error.message : String(error);
    throw new ContainerError(`container: building ${path.map(nameOf).join(' → ')} failed: ${why}`, {
      cause: error,
    });
  }
}
