/**
 * loom-kernel: declare models, commands, use cases, jobs and REST interfaces; loom compiles them at
 * start-up into tables, validators, an OpenAPI document, routes and queue workers.
 */

export type { CreateAppOptions } from './app/app-options.ts';
export type { AssembleOptions } from './app/assemble.ts';
export { type Assembly, assemble } from './app/assemble.ts';
export { createApp, type LoomApp } from './app/create-app.ts';
export { createWorker, type LoomWorker } from './app/create-worker.ts';
export {
  collectDeclarations,
  type Declarations,
  declarationsFromManifest,
  type Manifest,
} from './app/declarations.ts';
export { discover } from './app/discovery.ts';
export type { HealthCheck, HealthControl, ReadinessReport } from './app/health.ts';
export { type InspectedApp, inspectApp, type LoadedApp, loadApp } from './app/inspect-app.ts';
export { configDir, defaultMigrationsDir } from './app/migrations-dir.ts';
export * from './cache/index.ts';
export {
  type CliContext,
  EXIT,
  formatRouteTable,
  type RouteRow,
  routeRows,
  runCli,
  UsageError,
} from './cli/index.ts';
export { DEFAULT_MAX_ARRAY_ITEMS, withArrayLimit } from './command/array-limits.ts';
export {
  type AnyCommand,
  type Command,
  type CommandPayload,
  type CommandValue,
  command,
  isCommand,
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
  assertSecretsSet,
  environmentOf,
  type LoomConfig,
  loadConfig,
  loadConfigSync,
  parseDatabaseUrl,
  redactConfig,
  resolveConfig,
} from './config/index.ts';
export { type CallContext, currentCallContext, withCallContext } from './context/call-context.ts';
export { Container, type Provider, type Token, token } from './context/container.ts';
export { type DatabaseFailure, databaseFailureOf } from './db/connection-errors.ts';
export type { PoolStats } from './db/database.ts';
export { Database, type DatabaseOptions, openDatabase } from './db/database.ts';
export * from './db/migrations/index.ts';
export { dropSchema, syncSchema } from './db/schema-sync.ts';
export { type TableSpec, tableSpecOf } from './db/table-spec.ts';
export * from './errors/index.ts';
export {
  type Consumer,
  createBullmqBackend,
  createEagerBackend,
  createInProcessBackend,
  type JobMessage,
  type QueueBackend,
} from './job/backends/index.ts';
export {
  type AnyCallbacks,
  type Callbacks,
  callbacks,
  type DispatchContext,
  type FailureContext,
  isCallbacks,
  type JobParamsOf,
  type SuccessContext,
} from './job/callbacks.ts';
export { type AnyJob, isJob, type Job, type JobSettings, job } from './job/job.ts';
export { type JobEvent, type JobOverrides, JobRuntime, type JobRuntimeOptions } from './job/job-runtime.ts';
export { OutboxEntry, outboxBacklog } from './job/outbox.ts';
export { Kernel, type KernelOptions } from './kernel/kernel.ts';
export { TracedKernel } from './kernel/traced-kernel.ts';
export { type ColumnDef, type ColumnRef, column, type OnDelete } from './model/column.ts';
export type { InferColumns, ProfileArg, ProfileName, QueryField } from './model/infer.ts';
export {
  type AnyModel,
  type CreateInput,
  type FieldName,
  type Infer,
  isModel,
  type Model,
  model,
  type PrimaryKeyOf,
  type UpdateInput,
} from './model/model.ts';
export { entitySchemaOf, profilesOf } from './model/model-schema.ts';
export { canonicalProfile } from './model/profiles.ts';
export {
  type AnyProjection,
  type BatchLoader,
  isProjection,
  type ParentId,
  type ProjectionContext,
  projection,
} from './model/projection.ts';
export { type AnyRelation, type Cardinality, isRelation, type Relation, relation } from './model/relation.ts';
export { type ResolvedRelation, resolveRelations, validateModel } from './model/resolve-relations.ts';
export { fastifyLogger } from './observability/http-logger.ts';
export { type HttpObserverOptions, observeHttp, requestOutcome } from './observability/http-observer.ts';
export { type JobObserverOptions, observeQueueBackend } from './observability/job-observer.ts';
export { createLogger } from './observability/logger.ts';
export type { MetricSources } from './observability/metrics.ts';
export { createMetrics, type Metrics } from './observability/metrics.ts';
export { traceStatements } from './observability/statement-spans.ts';
export {
  contextFromCarrier,
  contextFromHeaders,
  type TraceCarrier,
  traceCarrier,
} from './observability/trace-propagation.ts';
export { tracedRepository } from './observability/traced-repository.ts';
export {
  type InSpanOptions,
  inSpan,
  loomTracer,
  TRACER_NAME,
  tracingEnabled,
} from './observability/tracing.ts';
export {
  append,
  atLeast,
  atMost,
  decrement,
  type FieldChange,
  increment,
  isFieldChange,
  type NumericChange,
  type TextChange,
  type UpdateChanges,
} from './repository/field-change.ts';
export * from './repository/query-spec.ts';
export type { ModelQuery, ReadOptions, Repository, WriteOptions } from './repository/repository.ts';
export { type RepositorySettings, SqlRepository } from './repository/sql-repository.ts';
export * from './rest/index.ts';
export { type Static, type TSchema, t, withDefault } from './schema/t.ts';
export { autoUseCasesOf } from './use-case/auto-crud.ts';
export type { ParamsIn, PayloadOf, RawInvokeArgs } from './use-case/call-args.ts';
export type { Compute, ComputeBuilder } from './use-case/compute.ts';
export type { EntityInvoker, EntityListQuery, Invoker } from './use-case/invoker-types.ts';
export type {
  CallbacksRef,
  DispatchArgs,
  DispatchOptions,
  DispatchReceipt,
  JobService,
} from './use-case/job-service-types.ts';
export { exists, load, loadById, type OnMissing } from './use-case/markers.ts';
export { compilePlan, type Plan } from './use-case/plan.ts';
export type { AnyRepositoryBinding } from './use-case/repository-binding.ts';
export { type RepositoryBinding, repositoryFor } from './use-case/repository-binding.ts';
export type { Presence, Rule, RuleBuilder, RuleContext, RuleResult } from './use-case/rule.ts';
export type { Logger, UseCaseServices } from './use-case/services.ts';
export {
  type AnyUseCase,
  type ExecuteContext,
  type InvokeArgs,
  isUseCase,
  type ResultOf,
  type UseCase,
  type UseCaseDecl,
  useCase,
} from './use-case/use-case.ts';
