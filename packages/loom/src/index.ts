/**
 * loom-kernel: the declaration API. An application is a set of declarations — models, commands, use
 * cases with loads, rules and computes, jobs with callbacks, REST interfaces — made with the functions
 * below; loom compiles them at start-up into tables, validators, an OpenAPI document, routes and queue
 * workers. Starting them is `loom-kernel/app`; testing them, `loom-kernel/testing`; migrations,
 * `loom-kernel/migrations`; trace propagation and logs, `loom-kernel/observability`.
 *
 * @example
 * ```ts
 * import { column, model, t, useCase, loadById } from 'loom-kernel';
 *
 * export const User = model('users', { id: column.int().primaryKey().autoIncrement(), email: column.string(255) });
 * export const GetUser = useCase(User, {
 *   params: { userId: t.Integer() },
 *   load: { user: loadById(User, { by: 'userId' }) },
 *   execute: ({ load }) => load.user,
 * });
 * ```
 *
 * @packageDocumentation
 */

// Commands and schemas.
export {
  type AnyCommand,
  type Command,
  type CommandPayload,
  type CommandValue,
  command,
  type Parsed,
  withFields,
} from './command/command.ts';
export {
  type CreatePayload,
  createCommandOf,
  type UpdatePayload,
  updateCommandOf,
} from './command/model-commands.ts';
export { type PatchField, patch } from './command/patch.ts';
export {
  computed,
  internal,
  type ServerOwnedField,
  type ServerOwner,
} from './command/server-owned.ts';
// Application services and config sections: `ctx.services`, `ctx.config` (docs/services-and-config.md).
export {
  type AppConfigSections,
  type ConfigSectionSchemas,
  type ConfigSectionsOf,
  defineConfigSections,
} from './config/app-sections.ts';
// Who a call runs for (authentication's result, `ctx.identity`).
export type { Identity, IdentityClaims } from './context/identity.ts';
export type {
  AppServices,
  ProvideOptions,
  ServiceProvider,
  ServiceScope,
} from './context/service-provider.ts';
// Errors: the catalogue (stable LOOM_* codes) and the errors a use case throws.
export * from './errors/index.ts';
// Jobs and callbacks.
export {
  type AnyCallbacks,
  type Callbacks,
  type CallbacksDecl,
  callbacks,
  type DispatchContext,
  type FailureContext,
  type JobParamsOf,
  type SuccessContext,
} from './job/callbacks.ts';
export {
  type AnyGroupCallback,
  type GroupCallback,
  type GroupCallbackDecl,
  type GroupCompleteContext,
  groupCallback,
} from './job/group-callback.ts';
export { type AnyJob, type Job, type JobSettings, job } from './job/job.ts';
export { DEFAULT_WAIT_TIMEOUT_MS, JobWaitTimeout } from './job/job-receipt.ts';
export {
  type JobStatusOptions,
  type JobStatusSchemaOptions,
  jobStatus,
  jobStatusSchema,
} from './job/job-status.ts';
// Models: tables, columns, relations, projections, inferred types.
export { type ColumnDef, type ColumnRef, column, type OnDelete } from './model/column.ts';
export type { InferColumns, ManyToManyName, ProfileArg, ProfileName, QueryField } from './model/infer.ts';
export {
  type AnyModel,
  type CreateInput,
  type FieldName,
  type Infer,
  type Model,
  model,
  type PrimaryKeyOf,
  type UpdateInput,
} from './model/model.ts';
export {
  type AnyProjection,
  type BatchLoader,
  type ParentId,
  type ProjectionContext,
  type ProjectionDatabase,
  projection,
} from './model/projection.ts';
export { type AnyRelation, type Cardinality, type Relation, relation } from './model/relation.ts';
export {
  append,
  atLeast,
  atMost,
  decrement,
  type FieldChange,
  increment,
  type NumericChange,
  type TextChange,
  type UpdateChanges,
} from './repository/field-change.ts';
export type { LinkEditor } from './repository/link-editor.ts';
// Repositories: what `ctx.repo` offers, query specs, the SQL repository to extend.
export {
  and,
  type CursorPage,
  type CursorPagination,
  type FilterCondition,
  type FilterGroup,
  type FilterNode,
  type FilterOperator,
  type OffsetPage,
  type OffsetPagination,
  or,
  type Page,
  type QuerySpec,
  type SortDirection,
  type SortSpec,
  where,
} from './repository/query-spec.ts';
export type { ReadCache, ReadCacheOptions } from './repository/read-cache.ts';
export type { ModelQuery, ReadOptions, Repository, WriteOptions } from './repository/repository.ts';
export { type RepositorySettings, SqlRepository } from './repository/sql-repository.ts';
// REST interfaces.
export { type AutoCrudOptions, autoCrud } from './rest/auto-crud.ts';
export {
  type RestInterface,
  type RestInterfaceOptions,
  restInterface,
} from './rest/rest-interface.ts';
export {
  type HttpMethod,
  type PaginationMode,
  type PathParamsOf,
  type ProfilesOption,
  type ResponseOption,
  type RouteDecl,
  type RouteOptions,
  type RouteRateLimit,
  route,
} from './rest/route.ts';
export type { UnknownQueryPolicy } from './rest/unknown-query.ts';
export { type Static, type TSchema, t, withDefault } from './schema/t.ts';
// Use cases: markers, rules, computes, custom repositories, what `execute` receives.
export type { ParamsIn, PayloadOf, RawInvokeArgs } from './use-case/call-args.ts';
export type { Compute, ComputeBuilder } from './use-case/compute.ts';
export {
  type Guard,
  type GuardBuilder,
  type GuardContext,
  type GuardStage,
  guard,
} from './use-case/guard.ts';
export type { EntityInvoker, EntityListQuery, Invoker } from './use-case/invoker-types.ts';
export type {
  CallbacksRef,
  DispatchArgs,
  DispatchGroupOptions,
  DispatchOptions,
  DispatchReceipt,
  FailureCallbackRef,
  FinishedGroupStatus,
  FinishedJobStatus,
  GroupCallbackRef,
  GroupMember,
  GroupMemberOutcome,
  GroupReceipt,
  JobService,
  JobState,
  JobStatus,
  SuccessCallbackRef,
} from './use-case/job-service-types.ts';
export { exists, load, loadById, type OnMissing } from './use-case/markers.ts';
export {
  type RepositoryBinding,
  type RepositoryBindingOptions,
  type RepositoryDeps,
  type RepositoryFactoryOptions,
  type RepositoryWriteMethod,
  repositoryFor,
} from './use-case/repository-binding.ts';
export type { Presence, Rule, RuleBuilder, RuleContext, RuleResult } from './use-case/rule.ts';
export {
  defineServices,
  type ProviderArgs,
  provide,
  type ServiceRegistration,
  type ServicesOf,
} from './use-case/service-registration.ts';
export type { ContextConfig, Logger, UseCaseServices } from './use-case/services.ts';
export {
  type AnyUseCase,
  type DispatchedJob,
  type DispatchesDecl,
  type ExecuteContext,
  type InvokeArgs,
  isUseCase,
  type ResultOf,
  type UseCase,
  type UseCaseDecl,
  useCase,
} from './use-case/use-case.ts';
