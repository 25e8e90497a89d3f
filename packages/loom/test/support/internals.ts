/**
 * The framework's internals in one place, for its own tests and benchmarks (not a package entry point:
 * applications use `loom-kernel`, `loom-kernel/app` and the other subpaths of package.json "exports").
 */

export type { CreateAppOptions } from '../../src/app/app-options.ts';
export type { AssembleOptions } from '../../src/app/assemble.ts';
export { type Assembly, assemble } from '../../src/app/assemble.ts';
export { createApp, type LoomApp } from '../../src/app/create-app.ts';
export { createWorker, type LoomWorker } from '../../src/app/create-worker.ts';
export {
  collectDeclarations,
  type Declarations,
  declarationsFromManifest,
  type Manifest,
} from '../../src/app/declarations.ts';
export { discover } from '../../src/app/discovery.ts';
export type { HealthCheck, HealthControl, ReadinessReport } from '../../src/app/health.ts';
export { type InspectedApp, inspectApp, type LoadedApp, loadApp } from '../../src/app/inspect-app.ts';
export { configDir, defaultMigrationsDir } from '../../src/app/migrations-dir.ts';
export * from '../../src/cache/index.ts';
export {
  type CliContext,
  EXIT,
  formatRouteTable,
  type RouteRow,
  routeRows,
  runCli,
  UsageError,
} from '../../src/cli/index.ts';
export { DEFAULT_MAX_ARRAY_ITEMS, withArrayLimit } from '../../src/command/array-limits.ts';
export {
  type AnyCommand,
  type Command,
  type CommandPayload,
  type CommandValue,
  command,
  isCommand,
  type Parsed,
  withFields,
} from '../../src/command/command.ts';
export {
  type CreatePayload,
  createCommandOf,
  type UpdatePayload,
  updateCommandOf,
} from '../../src/command/model-commands.ts';
export { type PatchField, patch } from '../../src/command/patch.ts';
export {
  assertSecretsSet,
  environmentOf,
  type LoomConfig,
  loadConfig,
  loadConfigSync,
  parseDatabaseUrl,
  redactConfig,
  resolveConfig,
} from '../../src/config/index.ts';
export { type CallContext, currentCallContext, withCallContext } from '../../src/context/call-context.ts';
export { Container, type Provider, type Token, token } from '../../src/context/container.ts';
export { type DatabaseFailure, databaseFailureOf } from '../../src/db/connection-errors.ts';
export type { PoolStats } from '../../src/db/database.ts';
export { Database, type DatabaseOptions, openDatabase } from '../../src/db/database.ts';
export * from '../../src/db/migrations/index.ts';
export { dropSchema, syncSchema } from '../../src/db/schema-sync.ts';
export { type TableSpec, tableSpecOf } from '../../src/db/table-spec.ts';
export * from '../../src/errors/index.ts';
export {
  type Consumer,
  createBullmqBackend,
  createEagerBackend,
  createInProcessBackend,
  type JobMessage,
  type QueueBackend,
} from '../../src/job/backends/index.ts';
export {
  type AnyCallbacks,
  type Callbacks,
  callbacks,
  type DispatchContext,
  type FailureContext,
  isCallbacks,
  type JobParamsOf,
  type SuccessContext,
} from '../../src/job/callbacks.ts';
export { type AnyJob, isJob, type Job, type JobSettings, job } from '../../src/job/job.ts';
export { type JobObserverOptions, observeQueueBackend } from '../../src/job/job-observer.ts';
export {
  type JobEvent,
  type JobOverrides,
  JobRuntime,
  type JobRuntimeOptions,
} from '../../src/job/job-runtime.ts';
export { OutboxEntry, outboxBacklog } from '../../src/job/outbox.ts';
export { Kernel, type KernelOptions } from '../../src/kernel/kernel.ts';
export { TracedKernel } from '../../src/kernel/traced-kernel.ts';
export { type ColumnDef, type ColumnRef, column, type OnDelete } from '../../src/model/column.ts';
export type { InferColumns, ProfileArg, ProfileName, QueryField } from '../../src/model/infer.ts';
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
} from '../../src/model/model.ts';
export { entitySchemaOf, profilesOf } from '../../src/model/model-schema.ts';
export { canonicalProfile } from '../../src/model/profiles.ts';
export {
  type AnyProjection,
  type BatchLoader,
  isProjection,
  type ParentId,
  type ProjectionContext,
  type ProjectionDatabase,
  projection,
} from '../../src/model/projection.ts';
export {
  type AnyRelation,
  type Cardinality,
  isRelation,
  type Relation,
  relation,
} from '../../src/model/relation.ts';
export { type ResolvedRelation, resolveRelations, validateModel } from '../../src/model/resolve-relations.ts';
export { fastifyLogger } from '../../src/observability/http-logger.ts';
export {
  type HttpObserverOptions,
  observeHttp,
  requestOutcome,
} from '../../src/observability/http-observer.ts';
export { createLogger } from '../../src/observability/logger.ts';
export type { MetricSources } from '../../src/observability/metrics.ts';
export { createMetrics, type Metrics } from '../../src/observability/metrics.ts';
export { traceStatements } from '../../src/observability/statement-spans.ts';
export {
  contextFromCarrier,
  contextFromHeaders,
  type TraceCarrier,
  traceCarrier,
} from '../../src/observability/trace-propagation.ts';
export { tracedRepository } from '../../src/observability/traced-repository.ts';
export {
  type InSpanOptions,
  inSpan,
  loomTracer,
  TRACER_NAME,
  tracingEnabled,
} from '../../src/observability/tracing.ts';
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
} from '../../src/repository/field-change.ts';
export * from '../../src/repository/query-spec.ts';
export type { ModelQuery, ReadOptions, Repository, WriteOptions } from '../../src/repository/repository.ts';
export { type RepositorySettings, SqlRepository } from '../../src/repository/sql-repository.ts';
export * from '../../src/rest/index.ts';
export { type Static, type TSchema, t, withDefault } from '../../src/schema/t.ts';
export { autoUseCasesOf } from '../../src/use-case/auto-crud.ts';
export type { ParamsIn, PayloadOf, RawInvokeArgs } from '../../src/use-case/call-args.ts';
export type { Compute, ComputeBuilder } from '../../src/use-case/compute.ts';
export type { EntityInvoker, EntityListQuery, Invoker } from '../../src/use-case/invoker-types.ts';
export type {
  CallbacksRef,
  DispatchArgs,
  DispatchOptions,
  DispatchReceipt,
  JobService,
} from '../../src/use-case/job-service-types.ts';
export { exists, load, loadById, type OnMissing } from '../../src/use-case/markers.ts';
export { compilePlan, type Plan } from '../../src/use-case/plan.ts';
export type { AnyRepositoryBinding } from '../../src/use-case/repository-binding.ts';
export { type RepositoryBinding, repositoryFor } from '../../src/use-case/repository-binding.ts';
export type { Presence, Rule, RuleBuilder, RuleContext, RuleResult } from '../../src/use-case/rule.ts';
export type { Logger, UseCaseServices } from '../../src/use-case/services.ts';
export {
  type AnyUseCase,
  type ExecuteContext,
  type InvokeArgs,
  isUseCase,
  type ResultOf,
  type UseCase,
  type UseCaseDecl,
  useCase,
} from '../../src/use-case/use-case.ts';
