import type { Static, TSchema } from 'typebox';
import type { AnyCommand, Parsed, ValueOfCommand } from '../command/command.ts';
import type { AnyModel, FieldName } from '../model/model.ts';
import type { QuerySpec } from '../repository/query-spec.ts';
import type { Repository } from '../repository/repository.ts';
import type { Compute, ComputeBuilder } from './compute.ts';
import type { Guard, GuardBuilder } from './guard.ts';
import type { ExistsMarker, LoadByIdMarker, LoadMarker, MarkerValue, SourceRef } from './markers.ts';
import type { AnyRepositoryBinding, RepositoryWriteMethod } from './repository-binding.ts';
import type { Rule, RuleBuilder, RuleContext } from './rule.ts';
import type { UseCaseServices } from './services.ts';

/** Declared params: name → schema (`{ userId: t.Integer() }`). Path params bind to them by name. */
export type ParamsDecl = Record<string, TSchema>;
type IsOptionalParam<S> = S extends { '~optional': true } ? true : false;
/** Params declared `t.Optional(...)`: absent from `params` when the caller leaves them out. */
type OptionalParamKeys<P> = { [K in keyof P]: IsOptionalParam<P[K]> extends true ? K : never }[keyof P];
type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type ParamsOf<P extends ParamsDecl> = Simplify<
  { readonly [K in Exclude<keyof P, OptionalParamKeys<P>>]: Static<P[K]> } & {
    readonly [K in OptionalParamKeys<P>]?: Static<P[K]>;
  }
>;
export type InputOf<C> = C extends AnyCommand ? Parsed<ValueOfCommand<C>> : undefined;
export type LoadedOf<L> = { readonly [K in keyof L]: MarkerValue<L[K]> };

/** The markers a declaration may use, constrained so `by`/`from` name declared params or input fields. */
export type MarkersFor<P extends ParamsDecl, C> = Record<
  string,
  | LoadByIdMarker<keyof P & string>
  | LoadMarker<SourceRef<P, C extends AnyCommand ? ValueOfCommand<C> : {}>>
  | ExistsMarker<SourceRef<P, C extends AnyCommand ? ValueOfCommand<C> : {}>>
>;

/** The model a use case is for: a model, a custom repository binding, or null (no main repository). */
export type UseCaseTarget = AnyModel | AnyRepositoryBinding | null;
export type ModelOfTarget<T> = T extends {
  readonly kind: 'repositoryBinding';
  readonly model: infer M extends AnyModel;
}
  ? M
  : T extends AnyModel
    ? T
    : null;
export type RepoOfTarget<T> = T extends {
  readonly kind: 'repositoryBinding';
  readonly create: (deps: never) => infer R;
}
  ? R
  : T extends AnyModel
    ? Repository<T>
    : undefined;

/** What `execute` receives: the typed call (params, input, load, query) plus the services. */
export type ExecuteContext<T, P extends ParamsDecl, C, L, Q extends boolean> = RuleContext<
  InputOf<C>,
  ParamsOf<P>,
  LoadedOf<L>
> & {
  /** The main repository (the custom one when registered). */
  readonly repo: RepoOfTarget<T>;
  /** The list query from the request (filters, sort, pagination); present when `query: true`. */
  readonly query: Q extends true ? QuerySpec<FieldName<Exclude<ModelOfTarget<T>, null>>> : undefined;
} & UseCaseServices;

/**
 * The jobs a use case (or job) dispatches: the list, or a function returning it (called once, at boot).
 * Items are jobs built with `job()`.
 *
 * @example
 * ```ts
 * declare const SendReceipt: Job;
 * const eager: DispatchesDecl = [SendReceipt];
 * const deferred: DispatchesDecl = () => [SendReceipt]; // a job declared later, or an import cycle
 * ```
 */
export type DispatchesDecl = readonly DispatchedJob[] | (() => readonly DispatchedJob[]);

/**
 * A job as a `dispatches` list holds it: a use case with queue settings (built by `job()`).
 *
 * @example
 * ```ts
 * declare const SendReceipt: Job;
 * const listed: DispatchedJob = SendReceipt;
 * ```
 */
export type DispatchedJob = { readonly kind: 'useCase'; readonly jobOptions: unknown };

/** A use case declaration (see {@link useCase}). */
export interface UseCaseDecl<T, P extends ParamsDecl, C, L, Q extends boolean, R> {
  /** Stable name: operation ids, logs, metrics. Defaults to the export name found by discovery. */
  readonly name?: string;
  readonly params?: P;
  readonly input?: C;
  readonly load?: L;
  /** This use case reads a list: it receives `query` parsed from the query string. */
  readonly query?: Q;
  /** Computes run in order before rules and return a new frozen input. */
  readonly computes?: (
    builder: ComputeBuilder<InputOf<C>, ParamsOf<P>, LoadedOf<L>>,
  ) => readonly Compute<InputOf<C>>[];
  /**
   * Who may call this use case over HTTP (see {@link GuardBuilder}): `requireAuth()`, roles, scopes, or
   * predicates over the caller, params, input and loaded entities. Guards protect entry points: calls
   * from code (`ctx.app.invoke`, jobs) trust their caller and do not re-check them.
   */
  readonly guards?: (builder: GuardBuilder<InputOf<C>, ParamsOf<P>, LoadedOf<L>>) => readonly Guard[];
  /** All rules run; their violations are collected into one `RuleViolations` (422). */
  readonly rules?: (
    builder: RuleBuilder<InputOf<C>, ParamsOf<P>, LoadedOf<L>>,
  ) => readonly Rule<InputOf<C>>[];
  /** No transaction (GET-like use cases). Default: false, i.e. one transaction per call. */
  readonly readOnly?: boolean;
  /**
   * The plan issues exactly one write statement and dispatches nothing, so it runs without an explicit
   * transaction (a single statement is atomic). Set by auto-CRUD; use with care. With a custom
   * repository of the model, `true` no longer holds (its methods may issue several statements): name
   * the one repository method the plan writes through (`'update'`), and the plan stays
   * single-statement when the repository declares that method single-statement (`repositoryFor(…,
   * { singleStatement: ['update'] })`; decision 0042).
   */
  readonly singleStatement?: boolean | RepositoryWriteMethod;
  /**
   * The jobs `execute` dispatches (`ctx.jobs.dispatch`). Boot then checks that each one is registered
   * in the process (found by discovery), so a missing job module fails `createApp`, `createWorker` and
   * `loom routes` instead of the first request; dispatching a job the list does not name is an error.
   * A function returning the list breaks import cycles (a job that dispatches itself or a job declared
   * later). Left out: dispatches are checked only when they happen (decision 0060).
   */
  readonly dispatches?: DispatchesDecl;
  readonly summary?: string;
  readonly description?: string;
  readonly execute: (ctx: ExecuteContext<T, P, C, L, Q>) => R | Promise<R>;
}

/**
 * A use case: one declared application operation. Compiled once at boot into a plan; invoked over HTTP,
 * by `app.invoke`, or by jobs.
 */
export interface UseCase<
  T = UseCaseTarget,
  P extends ParamsDecl = ParamsDecl,
  C = AnyCommand | undefined,
  L = unknown,
  Q extends boolean = boolean,
  R = unknown,
> {
  readonly kind: 'useCase';
  readonly target: T;
  readonly model: AnyModel | null;
  readonly decl: UseCaseDecl<T, P, C, L, Q, R>;
  /** Phantom types for inference (`ResultOf`, `InvokeArgs`). */
  readonly $types?: {
    readonly params: ParamsOf<P>;
    readonly payload: C;
    readonly result: R;
    readonly query: Q;
  };
}

// biome-ignore lint/suspicious/noExplicitAny: the widest use case type, used only as a constraint.
export type AnyUseCase = UseCase<any, any, any, any, any, any>;

/** The result type of a use case (what `execute` resolves to). */
export type ResultOf<U> =
  U extends UseCase<infer _T, infer _P, infer _C, infer _L, infer _Q, infer R> ? Awaited<R> : never;

/**
 * Declares a use case. Types flow from the declaration: `execute` gets typed `params`, `input` (frozen,
 * with `fieldsSet`), `load` and `repo`; rules and computes may only name input fields; `loadById` may
 * only read a declared param. The result type is inferred from `execute`.
 *
 * @example
 * ```ts
 * export const UpdateUserUseCase = useCase(User, {
 *   name: 'UpdateUser',
 *   params: { userId: t.Integer() },
 *   input: UpdateUser,
 *   load: {
 *     current: loadById(User, { by: 'userId' }),
 *     emailTaken: exists(User, { from: 'input.email', against: 'email' }),
 *   },
 *   rules: ({ check, forbid }) => [
 *     check('email', (email) => email.includes('@') || 'invalid email'),
 *     forbid(({ input, load }) => input.email !== load.current.email && load.emailTaken,
 *       'email already exists', { field: 'email' }).whenPresent('email'),
 *   ],
 *   execute: ({ params, input, repo }) => repo.update(params.userId, input),
 * });
 * ```
 */
export function useCase<
  const T extends UseCaseTarget,
  const P extends ParamsDecl = {},
  C extends AnyCommand | undefined = undefined,
  const L extends MarkersFor<P, C> = {},
  const Q extends boolean = false,
  R = unknown,
>(target: T, decl: UseCaseDecl<T, P, C, L, Q, R>): UseCase<T, P, C, L, Q, R> {
  const model =
    target === null
      ? null
      : 'kind' in target && target.kind === 'repositoryBinding'
        ? target.model
        : (target as AnyModel);
  return Object.freeze({ kind: 'useCase' as const, target, model, decl: Object.freeze({ ...decl }) });
}

/** True when `value` is a use case built by {@link useCase}. */
export function isUseCase(value: unknown): value is AnyUseCase {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'useCase';
}

export type { InvokeArgs, RawInvokeArgs } from './call-args.ts';
export type { Repository };
