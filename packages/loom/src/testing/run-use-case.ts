import { randomBytes } from 'node:crypto';
import { openDatabase } from '../db/database.ts';
import { syncSchema } from '../db/schema-sync.ts';
import { Kernel } from '../kernel/kernel.ts';
import type { AnyModel } from '../model/model.ts';
import type { Repository } from '../repository/repository.ts';
import { type CallArgs, type ExecutionHost, executePlan } from '../use-case/executor.ts';
import type { UseCaseServices } from '../use-case/services.ts';
import type {
  AnyUseCase,
  InvokeArgs,
  LoadedOf,
  RepoOfTarget,
  ResultOf,
  UseCase,
} from '../use-case/use-case.ts';
import { overlay } from './overlay.ts';

/**
 * The loaded values a use case's `execute` and rules see, by load name.
 *
 * @example
 * ```ts
 * const load: Partial<LoadsOf<typeof UpdateUserUseCase>> = { emailTaken: true };
 * ```
 */
export type LoadsOf<U> =
  U extends UseCase<infer _T, infer _P, infer _C, infer L, infer _Q, infer _R> ? LoadedOf<L> : never;
/**
 * The main repository a use case gets as `repo` (the custom one when declared on a binding).
 *
 * @example
 * ```ts
 * const repo: Partial<MainRepositoryOf<typeof CreateUserUseCase>> = { create: async (data) => ({ id: 1, ...data }) };
 * ```
 */
export type MainRepositoryOf<U> =
  U extends UseCase<infer T, infer _P, infer _C, infer _L, infer _Q, infer _R> ? RepoOfTarget<T> : never;

/**
 * Replaces some methods of one model's repository (see {@link repositoryOverride}).
 *
 * @example
 * ```ts
 * await runUseCase(GetOrder, { params: { orderId: 1 }, repositories: [repositoryOverride(User, { exists: async () => true })] });
 * ```
 */
export interface RepositoryOverride {
  readonly model: AnyModel;
  readonly methods: Partial<Repository<AnyModel>>;
}

/**
 * Services a test may replace: `ctx.app`, `ctx.jobs`, `ctx.logger`, `ctx.resolve`, `ctx.traceId`.
 *
 * @example
 * ```ts
 * await runUseCase(DispatchRestockEmail, { params: { productId: 1 }, payload, services: { jobs: fakeJobs } });
 * ```
 */
export type ServiceOverrides = Partial<
  Pick<UseCaseServices, 'app' | 'jobs' | 'logger' | 'resolve' | 'traceId'>
>;

/**
 * Something with a kernel to run on: a test app (`createTestApp`) or a kernel.
 *
 * @example
 * ```ts
 * await runUseCase(CreateUserUseCase, { payload, app }); // app: TestApp
 * ```
 */
export interface HasKernel {
  readonly kernel: Kernel;
}

/**
 * What {@link runUseCase} takes: exactly what `app.invoke` takes for this use case (typed `params`,
 * `payload`, `query`), plus what to replace.
 *
 * @example
 * ```ts
 * const options: RunUseCaseOptions<typeof GetUserUseCase> = { params: { userId: 1 }, load: { user } };
 * ```
 */
export type RunUseCaseOptions<U extends AnyUseCase> = InvokeArgs<U> & {
  /** Values for named loads: those loads do not run (no database read); the others run for real. */
  readonly load?: Partial<LoadsOf<U>>;
  /** Methods of the main repository (`ctx.repo`, and the loads of the same model) to replace. */
  readonly repo?: Partial<MainRepositoryOf<U>>;
  /** Methods of other models' repositories (`ctx.repos(Model)`, loads) to replace. */
  readonly repositories?: readonly RepositoryOverride[];
  /** Services of `ctx` to replace. */
  readonly services?: ServiceOverrides;
  /**
   * Run on this app's kernel and database (real loads, real writes). Without it the use case runs on
   * a fresh SQLite database in memory holding the tables of its model and loads, closed afterwards.
   */
  readonly app?: HasKernel;
  /** The call's trace id (`ctx.traceId`). */
  readonly traceId?: string;
};

/**
 * Names the methods of a model's repository to replace in {@link runUseCase}.
 *
 * @example
 * ```ts
 * repositoryOverride(User, { exists: async () => true })
 * ```
 */
export function repositoryOverride<M extends AnyModel>(
  model: M,
  methods: Partial<Repository<M>>,
): RepositoryOverride {
  return { model, methods: methods as Partial<Repository<AnyModel>> };
}

/**
 * Runs one use case through its compiled plan — params bound, payload parsed, loads, computes, rules,
 * `execute`, in its transaction — with parts replaced. Resolves with the typed result; rejects with the
 * error the call raised (`RuleViolations` with its violations, `NotFound`, `ValidationError`, …), which
 * {@link expectError} narrows. Arguments are typed as for `app.invoke`: a wrong param name or type, or a
 * payload field of the wrong type, does not compile.
 *
 * Overrides apply to this call; use cases it invokes through `ctx.app` run unchanged.
 *
 * @example
 * ```ts
 * // Rules only: the loads are given, no database is read.
 * const error = await expectError(
 *   runUseCase(UpdateUserUseCase, {
 *     params: { userId: 1 },
 *     payload: { email: 'taken@example.com' },
 *     load: { current: { id: 1, fullName: 'Ada', email: 'ada@example.com' }, emailTaken: true },
 *   }),
 *   RuleViolations,
 * );
 * error.violations; // [{ field: 'email', message: 'email already exists' }]
 *
 * // For real, on a test app's database:
 * const user = await runUseCase(CreateUserUseCase, { payload: { fullName: 'Ada', email: 'a@b.co' }, app });
 * ```
 */
export async function runUseCase<U extends AnyUseCase>(
  useCase: U,
  options: RunUseCaseOptions<U>,
): Promise<ResultOf<U>> {
  const standalone = options.app === undefined ? await standaloneKernel(useCase) : undefined;
  const kernel = options.app?.kernel ?? (standalone as Kernel);
  try {
    const plan = kernel.plan(useCase);
    const replaced = new Map<AnyModel, Repository<AnyModel>>();
    if (options.repo !== undefined) {
      if (!plan.model) throw new TypeError(`runUseCase: ${plan.name} has no main repository to override`);
      replaced.set(plan.model, overlay(kernel.repository(plan.model), options.repo as object));
    }
    for (const r of options.repositories ?? []) {
      replaced.set(r.model, overlay(replaced.get(r.model) ?? kernel.repository(r.model), r.methods));
    }
    const repository = (model: AnyModel) => replaced.get(model) ?? kernel.repository(model);
    const services = Object.create(kernel.services, {
      repos: { value: repository },
      ...Object.getOwnPropertyDescriptors(options.services ?? {}),
    }) as UseCaseServices;
    const host: ExecutionHost = {
      services,
      callScopedServices: kernel.callScopedServices,
      repository,
      observe: (...args) => kernel.observe(...args),
    };
    const a = options as CallArgs;
    const args: CallArgs = {
      ...(a.params === undefined ? {} : { params: a.params }),
      ...(a.payload === undefined ? {} : { payload: a.payload }),
      ...(a.query === undefined ? {} : { query: a.query }),
      ...(options.load === undefined ? {} : { loaded: options.load as Record<string, unknown> }),
      ...(options.traceId === undefined ? {} : { context: { traceId: options.traceId } }),
    };
    return (await executePlan(host, plan, args)) as ResultOf<U>;
  } finally {
    await standalone?.db.close();
  }
}

/** A kernel on a fresh in-memory SQLite database with the tables the use case reads. */
async function standaloneKernel(useCase: AnyUseCase): Promise<Kernel> {
  const db = openDatabase({ dialect: 'sqlite', filename: ':memory:' });
  const models = new Set<AnyModel>();
  if (useCase.model) models.add(useCase.model);
  for (const marker of Object.values((useCase.decl.load ?? {}) as Record<string, { model?: AnyModel }>)) {
    if (marker.model) models.add(marker.model);
  }
  try {
    await syncSchema(db, [...models]);
  } catch (error) {
    await db.close();
    throw error;
  }
  return new Kernel({ db, cursorSecret: randomBytes(16).toString('hex') });
}

/**
 * Awaits `promise`, expecting it to reject with an instance of `type`; resolves with that error, typed,
 * and throws (naming what happened instead) otherwise.
 *
 * @example
 * ```ts
 * const notFound = await expectError(runUseCase(GetUser, { params: { userId: 9 }, app }), NotFound);
 * notFound.entity; // 'User'
 * ```
 */
export async function expectError<E extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  let result: unknown;
  try {
    result = await promise;
  } catch (error) {
    if (error instanceof type) return error;
    const got = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new Error(`expected ${type.name} to be thrown, got ${got}`, { cause: error });
  }
  throw new Error(`expected ${type.name} to be thrown, but the call resolved with ${preview(result)}`);
}

function preview(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return String(value);
  }
}
