import { ServiceError } from '../errors/index.ts';
import { isServiceProvider, type ServiceProvider } from './service-provider.ts';

/** The services one use-case invocation sees, plus the call-scoped ones it built (disposed after it). */
export interface CallServices {
  readonly view: object;
  /** Disposes the call-scoped services built for this call, newest first. */
  dispose(): Promise<void>;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isPromise(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Disposes one value: the provider's `dispose`, else the value's own `Symbol.asyncDispose`/`Symbol.dispose`. */
async function disposeOne(provider: ServiceProvider, value: unknown): Promise<void> {
  if (provider.dispose) return void (await provider.dispose(value));
  const v = value as { [Symbol.asyncDispose]?: unknown; [Symbol.dispose]?: unknown } | null;
  const asyncDispose = v?.[Symbol.asyncDispose];
  const syncDispose = v?.[Symbol.dispose];
  if (typeof asyncDispose === 'function') await asyncDispose.call(v);
  else if (typeof syncDispose === 'function') syncDispose.call(v);
}

/** Reads of a name nobody registered fail loudly instead of handing `undefined` to a use case. */
function unknownNameGuard(): object {
  return new Proxy(Object.create(null) as object, {
    get(_target, key) {
      // `then` (await), symbols and inspection must not throw.
      if (typeof key !== 'string' || key === 'then' || key === 'toJSON' || key === 'constructor')
        return undefined;
      throw new ServiceError(`services: no provider registered for "${key}" (createApp({ services }))`);
    },
  });
}

/**
 * Builds and disposes an application's registered services. App-scoped services are built by
 * {@link ServiceRuntime.start} in registration order (a dependency is built first when a factory reads it);
 * call-scoped ones per invocation, by {@link ServiceRuntime.forCall}. {@link ServiceRuntime.close} disposes
 * the app-scoped ones in reverse order of construction.
 *
 * @example
 * ```ts
 * const runtime = new ServiceRuntime({ clock: provide.app(() => systemClock) }, config);
 * await runtime.start();
 * const call = runtime.forCall();
 * (call.view as { clock: Clock }).clock.now();
 * await call.dispose();
 * await runtime.close();
 * ```
 */
export class ServiceRuntime {
  readonly #providers: ReadonlyMap<string, ServiceProvider>;
  readonly #config: unknown;
  readonly #app = new Map<string, unknown>();
  readonly #building: string[] = [];
  readonly #appView: object;
  /** True when some provider is call-scoped: only then does an invocation get a scope of its own. */
  readonly hasCallScoped: boolean;

  constructor(providers: Readonly<Record<string, unknown>>, config: unknown) {
    const map = new Map<string, ServiceProvider>();
    for (const [name, p] of Object.entries(providers)) {
      if (!isServiceProvider(p))
        throw new ServiceError(`services: "${name}" is not a provider (use provide.app, provide.call)`);
      map.set(name, p);
    }
    this.#providers = map;
    this.#config = config;
    this.hasCallScoped = [...map.values()].some((p) => p.scope === 'call');
    this.#appView = this.#view(undefined);
  }

  /** The registered names. */
  get names(): readonly string[] {
    return [...this.#providers.keys()];
  }

  /** The services outside any invocation: app-scoped ones only (a call-scoped read is an error). */
  get appView(): object {
    return this.#appView;
  }

  /** Builds every app-scoped service now, in registration order, so a failing factory fails the boot. */
  async start(): Promise<void> {
    for (const [name, p] of this.#providers) {
      if (p.scope !== 'app' || this.#app.has(name)) continue;
      const built = this.#create(name, p, this.#appView);
      this.#app.set(name, isPromise(built) ? await this.#settle(name, built) : built);
    }
  }

  /** A scope for one invocation. */
  forCall(): CallServices {
    const built: [string, unknown][] = [];
    const view = this.#view(built);
    return {
      view,
      dispose: async () => {
        const errors: unknown[] = [];
        for (const [name, value] of built.reverse()) {
          try {
            await disposeOne(this.#providers.get(name) as ServiceProvider, value);
          } catch (error) {
            errors.push(new ServiceError(`services: disposing "${name}" failed: ${describe(error)}`));
          }
        }
        built.length = 0;
        if (errors.length === 1) throw errors[0];
        if (errors.length > 1) throw new AggregateError(errors, 'services: disposing call services failed');
      },
    };
  }

  /** Disposes the app-scoped services, newest first; every one is tried, the first failure is rethrown. */
  async close(): Promise<void> {
    const errors: unknown[] = [];
    for (const [name, value] of [...this.#app].reverse()) {
      try {
        await disposeOne(this.#providers.get(name) as ServiceProvider, value);
      } catch (error) {
        errors.push(new ServiceError(`services: disposing "${name}" failed: ${describe(error)}`));
      }
    }
    this.#app.clear();
    if (errors.length > 0) throw errors[0];
  }

  /** An object with one getter per registered name; `call` holds this invocation's call-scoped instances. */
  #view(call: [string, unknown][] | undefined): object {
    const view = Object.create(unknownNameGuard()) as object;
    for (const [name, p] of this.#providers) {
      Object.defineProperty(view, name, {
        enumerable: true,
        get: () => (p.scope === 'app' ? this.#appService(name, p) : this.#callService(name, p, call, view)),
      });
    }
    return Object.freeze(view);
  }

  #appService(name: string, p: ServiceProvider): unknown {
    if (this.#app.has(name)) return this.#app.get(name);
    // Read by another factory before its turn at boot: build it now (it must be synchronous then).
    const value = this.#create(name, p, this.#appView);
    if (isPromise(value)) {
      throw new ServiceError(
        `services: "${name}" is async and is needed by ${this.#building.at(-1) ?? 'a call'} before it was built: register "${name}" earlier`,
      );
    }
    this.#app.set(name, value);
    return value;
  }

  #callService(name: string, p: ServiceProvider, call: [string, unknown][] | undefined, view: object) {
    if (call === undefined) {
      throw new ServiceError(
        `services: "${name}" is call-scoped: read it inside a use case${this.#building.length ? ` (needed by app-scoped "${this.#building.at(-1)}")` : ''}`,
      );
    }
    const found = call.find(([n]) => n === name);
    if (found) return found[1];
    const value = this.#create(name, p, view);
    if (isPromise(value))
      throw new ServiceError(`services: call-scoped "${name}" must be built synchronously`);
    call.push([name, value]);
    return value;
  }

  #create(name: string, p: ServiceProvider, services: object): unknown {
    if (this.#building.includes(name)) {
      throw new ServiceError(`services: dependency cycle ${[...this.#building, name].join(' → ')}`);
    }
    this.#building.push(name);
    try {
      return p.create({ config: this.#config, services });
    } catch (error) {
      if (error instanceof ServiceError) throw error;
      throw new ServiceError(`services: building "${name}" failed: ${describe(error)}`, { cause: error });
    } finally {
      this.#building.pop();
    }
  }

  async #settle(name: string, pending: PromiseLike<unknown>): Promise<unknown> {
    try {
      return await pending;
    } catch (error) {
      throw new ServiceError(`services: building "${name}" failed: ${describe(error)}`, { cause: error });
    }
  }
}

/** Where a use case's `ctx` keeps the scope of its call once `ctx.services` was read. */
export const CALL_SERVICES: unique symbol = Symbol('loom.callServices');

/**
 * Disposes the call scope a `ctx` opened, if any; a no-op otherwise.
 *
 * @example
 * ```ts
 * try { return await execute(ctx); } finally { await disposeCallServices(ctx); }
 * ```
 */
export async function disposeCallServices(ctx: object): Promise<void> {
  const scope = (ctx as { [CALL_SERVICES]?: CallServices })[CALL_SERVICES];
  if (scope !== undefined) await scope.dispose();
}
