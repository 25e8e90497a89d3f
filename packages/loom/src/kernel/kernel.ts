import type { RepositoryCache } from '../cache/repository-cache.ts';
import { DEFAULT_MAX_ARRAY_ITEMS, withArrayLimit } from '../command/array-limits.ts';
import {
  CALL_CALLER,
  CALL_CONTEXT,
  type CallContext,
  type CarriesCallContext,
  type DispatchCaller,
  givenOrAmbient,
} from '../context/call-context.ts';
import { Container, type Token } from '../context/container.ts';
import type { AppServices } from '../context/service-provider.ts';
import { CALL_SERVICES, type CallServices, ServiceRuntime } from '../context/service-runtime.ts';
import type { Database } from '../db/database.ts';
import { DeclarationError } from '../errors/index.ts';
import type { AnyModel } from '../model/model.ts';
import { isFieldChange } from '../repository/field-change.ts';
import { type ReadCache, UNCACHED } from '../repository/read-cache.ts';
import type { Repository, WriteOptions } from '../repository/repository.ts';
import { SqlRepository } from '../repository/sql-repository.ts';
import { autoUseCasesOf } from '../use-case/auto-crud.ts';
import { type CallArgs, type ExecutionHost, executePlanNow } from '../use-case/executor.ts';
import type { EntityInvoker, Invoker } from '../use-case/invoker-types.ts';
import type { JobService } from '../use-case/job-service-types.ts';
import { compilePlan, type Plan } from '../use-case/plan.ts';
import {
  type AnyRepositoryBinding,
  isRepositoryBinding,
  type RepositoryBinding,
} from '../use-case/repository-binding.ts';
import type { Logger, UseCaseServices } from '../use-case/services.ts';
import type { AnyUseCase, InvokeArgs, RawInvokeArgs, ResultOf } from '../use-case/use-case.ts';
import { silentLogger } from './silent-logger.ts';

export interface KernelOptions {
  readonly db: Database;
  /** Signs pagination cursors. */
  readonly cursorSecret: string;
  readonly logger?: Logger;
  readonly container?: Container;
  /** Custom repositories (`repositoryFor`). */
  readonly repositories?: readonly AnyRepositoryBinding[];
  /** A repository read cache (`createRepositoryCache`): every repository of a cached model goes through it. */
  readonly cache?: RepositoryCache;
  /**
   * Items an array of a use case's input may hold when its declaration sets no `maxItems` (config
   * `app.rest.limits.arrayItems`). Default {@link DEFAULT_MAX_ARRAY_ITEMS}.
   */
  readonly maxArrayItems?: number;
  /** The application's services (`createApp({ services })`), as `ctx.services`. Default: none. */
  readonly serviceRuntime?: ServiceRuntime;
  /** The resolved configuration, as `ctx.config` (with the application's own sections). */
  readonly config?: object;
}

/** The auto update/delete param of an expected version, when one is given. */
function versionParam(options: WriteOptions | undefined): { expectedVersion?: unknown } {
  const expected = options?.expectedVersion;
  if (expected === undefined) return {};
  return { expectedVersion: typeof expected === 'number' ? expected : [...expected] };
}

type Observer = NonNullable<ExecutionHost['observe']>;

/** A job service that can carry a call's context into the jobs it dispatches (the job runtime). */
export interface ContextualJobService extends JobService {
  /**
   * The same service, dispatching and running jobs with `context` (the ambient one when undefined), its
   * dispatches checked against `caller`'s declared `dispatches` (decision 0060).
   */
  withContext?(context: CallContext | undefined, caller?: DispatchCaller): JobService;
}

/**
 * The application kernel: repositories, compiled plans, the container and the invoker. One per app;
 * nothing global. The REST layer, the job worker and tests all call use cases through it.
 *
 * @example
 * ```ts
 * const kernel = new Kernel({ db, cursorSecret: 'change-me-please' });
 * kernel.compile([CreateUserUseCase, UpdateUserUseCase]);   // boot-time validation
 * const user = await kernel.invoke(CreateUserUseCase, { payload: { fullName: 'Ada', email: 'a@b.co' } });
 * ```
 */
export class Kernel implements Invoker, ExecutionHost {
  readonly db: Database;
  readonly container: Container;
  readonly logger: Logger;
  readonly services: UseCaseServices;
  readonly #cursorSecret: string;
  readonly #maxArrayItems: number;
  readonly #serviceRuntime: ServiceRuntime;
  readonly #config: object | undefined;
  readonly #cache: RepositoryCache | undefined;
  readonly #bindings = new Map<AnyModel, RepositoryBinding>();
  readonly #repos = new Map<AnyModel, Repository<AnyModel>>();
  readonly #plans = new Map<AnyUseCase, Plan>();
  readonly #names = new Map<AnyUseCase, string>();
  readonly #observers: Observer[] = [];
  #jobs: ContextualJobService | undefined;

  constructor(options: KernelOptions) {
    this.db = options.db;
    this.#cursorSecret = options.cursorSecret;
    this.#maxArrayItems = options.maxArrayItems ?? DEFAULT_MAX_ARRAY_ITEMS;
    this.#cache = options.cache;
    this.#cache?.attach(this.db);
    this.logger = options.logger ?? silentLogger;
    this.container = options.container ?? new Container();
    this.#config = options.config;
    this.#serviceRuntime = options.serviceRuntime ?? new ServiceRuntime({}, options.config);
    for (const b of options.repositories ?? []) this.registerRepository(b);
    const kernel = this;
    // The prototype of every use case's `ctx`: the getters run with `this` = that ctx, which holds the
    // call's context (see CALL_CONTEXT), so what they hand out carries the call's trace id.
    this.services = Object.freeze({
      db: this.db,
      repos: <M extends AnyModel>(model: M) => kernel.repository(model) as unknown as Repository<M>,
      get app(): Invoker {
        const context = (this as CarriesCallContext)[CALL_CONTEXT];
        return context === undefined ? kernel : kernel.withContext(context);
      },
      get jobs(): JobService {
        const jobs = kernel.#jobs;
        if (!jobs) throw new Error('no job service is configured for this application');
        const context = (this as CarriesCallContext)[CALL_CONTEXT];
        const caller = (this as CarriesCallContext)[CALL_CALLER];
        if (jobs.withContext === undefined || (context === undefined && caller === undefined)) return jobs;
        return jobs.withContext(context, caller);
      },
      logger: this.logger,
      resolve: <T>(t: Token<T>) => kernel.container.resolve(t),
      get traceId() {
        return givenOrAmbient((this as CarriesCallContext)[CALL_CONTEXT])?.traceId;
      },
      // A call's `ctx` opens its own scope on first read; it is disposed when the call settles.
      get services() {
        const runtime = kernel.#serviceRuntime;
        const ctx = this as { [CALL_SERVICES]?: CallServices };
        if (!runtime.hasCallScoped || Object.isFrozen(ctx)) return runtime.appView;
        let scope = ctx[CALL_SERVICES];
        if (scope === undefined) {
          scope = runtime.forCall();
          ctx[CALL_SERVICES] = scope;
        }
        return scope.view;
      },
      get config() {
        if (kernel.#config === undefined)
          throw new Error('ctx.config: this kernel was built without a configuration');
        return kernel.#config;
      },
    }) as UseCaseServices;
  }

  /** True when some service is call-scoped: the executor then disposes each call's scope after it. */
  get callScopedServices(): boolean {
    return this.#serviceRuntime.hasCallScoped;
  }

  /** The application's services (built by `assemble`, closed with the app). */
  get serviceRuntime(): ServiceRuntime {
    return this.#serviceRuntime;
  }

  /** Installs the job service (done by the job layer at boot). */
  setJobService(jobs: ContextualJobService): void {
    this.#jobs = jobs;
  }

  /** Adds an observer of every use-case call (logging, metrics, tracing). */
  observeCalls(observer: Observer): void {
    this.#observers.push(observer);
  }

  observe(
    plan: Plan,
    outcome: 'success' | 'rule_failure' | 'failure',
    ms: number,
    error: unknown,
    context: CallContext | undefined,
  ): void {
    for (const o of this.#observers) o(plan, outcome, ms, error, context);
  }

  /** Registers a custom repository; a second, different one for the same model is an error. */
  registerRepository(binding: AnyRepositoryBinding): void {
    const existing = this.#bindings.get(binding.model);
    if (existing && existing.source !== binding.source) {
      throw new DeclarationError(
        binding.model.$name,
        `two repositories registered: ${existing.source.name || 'a factory'} and ${binding.source.name || 'a factory'}`,
      );
    }
    // The same repository again (e.g. from a use case declared on the binding): nothing to do.
    if (existing) return;
    if (this.#repos.has(binding.model)) {
      throw new DeclarationError(binding.model.$name, 'repository registered after it was first used');
    }
    this.#bindings.set(binding.model, binding);
    // A custom repository may issue several statements where the SQL one issues one: single-statement
    // plans (auto-CRUD) of this model compiled so far are recompiled to run in a transaction.
    for (const [useCase, plan] of this.#plans) {
      if (plan.model === binding.model && plan.singleStatement) this.#plans.delete(useCase);
    }
  }

  /** The repository of a model: the registered custom one, else the SQL repository. One per model. */
  repository(model: AnyModel): Repository<AnyModel> {
    const kernel = this;
    let repo = this.#repos.get(model);
    if (!repo) {
      const binding = this.#bindings.get(model);
      const settings = { cursorSecret: this.#cursorSecret };
      repo = binding
        ? (binding.create({
            model,
            db: this.db,
            settings,
            services: this.#serviceRuntime.appView as AppServices,
            get config() {
              return kernel.services.config;
            },
            cache: this.#readCache(model),
          }) as Repository<AnyModel>)
        : new SqlRepository(model, this.db, settings);
      if (this.#cache) repo = this.#cache.wrap(repo, this.db);
      this.#repos.set(model, repo);
    }
    return repo;
  }

  /** Models whose custom repository keeps them outside SQL (`repositoryFor(M, { table: false })`). */
  get tablelessModels(): readonly AnyModel[] {
    return [...this.#bindings.values()].filter((b) => !b.table).map((b) => b.model);
  }

  /** The read cache a custom repository of `model` gets: the app's cache, or none. */
  #readCache(model: AnyModel): ReadCache {
    const cache = this.#cache;
    if (!cache) return UNCACHED;
    const db = this.db;
    return {
      read: (key, options, load) =>
        cache.readCustom(
          db,
          {
            entity: model.$name,
            key,
            ttlMs: options.ttlSeconds * 1000,
            tables: (options.tables ?? [model]).map((t) => (typeof t === 'string' ? t : t.$table)),
          },
          load,
        ),
    };
  }

  /** Gives a use case its name (discovery names them after their exports). */
  name(useCase: AnyUseCase, name: string): void {
    if (!this.#names.has(useCase)) this.#names.set(useCase, name);
  }

  nameOf(useCase: AnyUseCase): string {
    return useCase.decl.name ?? this.#names.get(useCase) ?? 'anonymous use case';
  }

  /** The plan of a use case, compiled on first use (and at boot by {@link Kernel.compile}). */
  plan(useCase: AnyUseCase): Plan {
    let plan = this.#plans.get(useCase);
    if (!plan) {
      plan = compilePlan(useCase, this.nameOf(useCase));
      // Arrays the declaration left unbounded get the default bound: a client never sends 200,000 ids.
      const input = plan.input && withArrayLimit(plan.input, this.#maxArrayItems);
      if (input !== plan.input) plan = Object.freeze({ ...plan, input });
      // A use case declared on a repository binding needs that repository (its typed `repo` has the
      // custom methods): register it, or fail naming the use case when another one is registered.
      const target: unknown = useCase.target;
      if (isRepositoryBinding(target)) {
        try {
          this.registerRepository(target);
        } catch (error) {
          throw new DeclarationError(plan.name, error instanceof Error ? error.message : String(error));
        }
      }
      // A custom repository's write may be several statements: keep it atomic, unless the repository
      // declares the one method the plan writes through single-statement (decision 0042).
      const binding = plan.model ? this.#bindings.get(plan.model) : undefined;
      if (plan.singleStatement && binding !== undefined) {
        const write = plan.singleStatementWrite;
        if (write === undefined || !binding.singleStatement.includes(write))
          plan = Object.freeze({ ...plan, singleStatement: false });
      }
      this.#plans.set(useCase, plan);
    }
    return plan;
  }

  /** Compiles use cases now, so declaration mistakes fail the boot. */
  compile(useCases: Iterable<AnyUseCase>): void {
    for (const u of useCases) this.plan(u);
  }

  /** Runs a use case with untyped arguments (the HTTP and job layers use this). */
  call(useCase: AnyUseCase, args: CallArgs): Promise<unknown> {
    const result = this.#callNow(useCase, args);
    return result instanceof Promise ? result : Promise.resolve(result);
  }

  /**
   * Like {@link Kernel.call}, but a call that finished synchronously (no loads, a synchronous `execute`)
   * returns its result itself instead of a promise; anything else returns a promise, rejected on
   * failure (this never throws). The REST layer uses it to answer such calls without promise hops.
   *
   * @example
   * ```ts
   * const result = kernel.callNow(PreviewPricing, { payload });
   * const value = result instanceof Promise ? await result : result;
   * ```
   */
  callNow(useCase: AnyUseCase, args: CallArgs): unknown {
    return this.#callNow(useCase, args);
  }

  #callNow(useCase: AnyUseCase, args: CallArgs): unknown {
    const plan = this.plan(useCase);
    const running = executePlanNow(this, plan, args);
    const cache = this.#cache;
    if (cache === undefined || plan.readOnly || this.db.inTransaction()) return running;
    // A write outside a transaction (single-statement plans) is committed when it returns, and no
    // commit awaits its cache invalidation: the caller does, so the next read of every process (Redis
    // generations) sees the write. Nothing pending: one extra tick.
    return Promise.resolve(running).then(async (result) => {
      await cache.settle();
      return result;
    });
  }

  invoke<U extends AnyUseCase>(useCase: U, args: InvokeArgs<U>): Promise<ResultOf<U>> {
    return this.call(useCase, args as CallArgs) as Promise<ResultOf<U>>;
  }

  invokeRaw<U extends AnyUseCase>(useCase: U, args: RawInvokeArgs): Promise<ResultOf<U>> {
    return this.call(useCase, args) as Promise<ResultOf<U>>;
  }

  /**
   * An invoker whose calls run with `context` (trace id): what a use case gets as `ctx.app`.
   *
   * @example
   * ```ts
   * await kernel.withContext({ traceId: 'import-7' }).invoke(CreateUser, { payload });
   * ```
   */
  withContext(context: CallContext): Invoker {
    return {
      invoke: <U extends AnyUseCase>(useCase: U, args: InvokeArgs<U>) =>
        this.call(useCase, { ...(args as CallArgs), context }) as Promise<ResultOf<U>>,
      invokeRaw: <U extends AnyUseCase>(useCase: U, args: RawInvokeArgs) =>
        this.call(useCase, { ...args, context }) as Promise<ResultOf<U>>,
      entity: <M extends AnyModel>(model: M) => this.#entity(model, context),
    };
  }

  entity<M extends AnyModel>(model: M): EntityInvoker<M> {
    return this.#entity(model, undefined);
  }

  #entity<M extends AnyModel>(model: M, context: CallContext | undefined): EntityInvoker<M> {
    const uc = autoUseCasesOf(model as AnyModel);
    const call = (u: AnyUseCase, args: CallArgs) =>
      this.call(u, context === undefined ? args : { ...args, context });
    return {
      get: (id) => call(uc.get, { params: { id } }),
      list: (query) =>
        call(uc.list, {
          query: { ...query, pagination: query?.pagination ?? { mode: 'offset', page: 1, limit: 50 } },
        }),
      create: (payload) => call(uc.create, { payload }),
      update: (id, payload, options) => {
        // Atomic changes go beside the validated payload (JSON cannot carry them).
        const plain: Record<string, unknown> = {};
        const changes: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(payload)) {
          if (isFieldChange(value)) changes[key] = value;
          else plain[key] = value;
        }
        const params: Record<string, unknown> = { id, ...versionParam(options) };
        if (Object.keys(changes).length > 0) params.changes = changes;
        return call(uc.update, { params, payload: plain });
      },
      delete: (id, options) =>
        call(uc.delete, { params: { id, ...versionParam(options) } }) as Promise<boolean>,
    } as EntityInvoker<M>;
  }
}
