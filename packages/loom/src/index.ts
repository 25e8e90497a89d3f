/**
 * loom-kernel: declare models, commands, use cases, jobs and REST interfaces; loom compiles them at
 * start-up into tables, validators, an OpenAPI document, routes and queue workers.
 */
export * from './errors/index.ts';
export { column, type ColumnDef, type ColumnRef, type OnDelete } from './model/column.ts';
export {
  model,
  isModel,
  type AnyModel,
  type CreateInput,
  type FieldName,
  type Infer,
  type Model,
  type UpdateInput,
} from './model/model.ts';
export { t, withDefault, type Static, type TSchema } from './schema/t.ts';
export { patch, type PatchField } from './command/patch.ts';
export {
  command,
  withFields,
  isCommand,
  type AnyCommand,
  type Command,
  type CommandPayload,
  type CommandValue,
  type Parsed,
} from './command/command.ts';
export { Database, openDatabase, type DatabaseOptions } from './db/database.ts';
export { syncSchema, dropSchema } from './db/schema-sync.ts';
export { tableSpecOf, type TableSpec } from './db/table-spec.ts';
export * from './repository/query-spec.ts';
export type { Repository, ReadOptions } from './repository/repository.ts';
export { SqlRepository, type RepositorySettings } from './repository/sql-repository.ts';
export { createCommandOf, updateCommandOf } from './command/model-commands.ts';
export { entitySchemaOf } from './model/model-schema.ts';
export { loadById, load, exists, type OnMissing } from './use-case/markers.ts';
export type { Rule, RuleBuilder, RuleContext, RuleResult, Presence } from './use-case/rule.ts';
export type { Compute, ComputeBuilder } from './use-case/compute.ts';
export {
  useCase,
  isUseCase,
  type AnyUseCase,
  type ExecuteContext,
  type InvokeArgs,
  type ResultOf,
  type UseCase,
  type UseCaseDecl,
} from './use-case/use-case.ts';
export { repositoryFor, type RepositoryBinding } from './use-case/repository-binding.ts';
export type { Logger, UseCaseServices } from './use-case/services.ts';
export type { Invoker, EntityInvoker } from './use-case/invoker-types.ts';
export type { JobService, DispatchReceipt, DispatchOptions } from './use-case/job-service-types.ts';
export { autoUseCasesOf } from './use-case/auto-crud.ts';
export { compilePlan, type Plan } from './use-case/plan.ts';
export { Kernel, type KernelOptions } from './app/kernel.ts';
export { Container, token, type Token, type Provider } from './app/container.ts';
export { withCallContext, currentCallContext } from './app/call-context.ts';
export { job, isJob, type Job, type AnyJob, type JobSettings } from './job/job.ts';
export { callbacks, isCallbacks, type Callbacks, type AnyCallbacks, type SuccessContext, type FailureContext } from './job/callbacks.ts';
export { JobRuntime, type JobRuntimeOptions, type JobOverrides, type JobEvent } from './job/job-runtime.ts';
export { OutboxEntry, outboxBacklog } from './job/outbox.ts';
export {
  createBullmqBackend,
  createEagerBackend,
  createInProcessBackend,
  type QueueBackend,
  type JobMessage,
  type Consumer,
} from './job/backends/index.ts';
export { loadConfig, loadConfigSync, resolveConfig, parseDatabaseUrl, redactConfig, type LoomConfig } from './config/index.ts';
export * from './db/migrations/index.ts';
export * from './rest/index.ts';
export { createApp, type LoomApp } from './app/create-app.ts';
export { createWorker, type LoomWorker } from './app/create-worker.ts';
export { assemble, type Assembly } from './app/assemble.ts';
export { collectDeclarations, declarationsFromManifest, type Declarations, type Manifest } from './app/declarations.ts';
export { discover } from './app/discovery.ts';
export { createLogger } from './observability/logger.ts';
export { createMetrics, type Metrics } from './observability/metrics.ts';
export type { AnyRepositoryBinding } from './use-case/repository-binding.ts';
export { relation, isRelation, type Relation, type AnyRelation, type Cardinality } from './model/relation.ts';
export {
  projection,
  isProjection,
  type AnyProjection,
  type ProjectionContext,
  type BatchLoader,
  type ParentId,
} from './model/projection.ts';
export type { InferColumns, ProfileName, ProfileArg, QueryField } from './model/infer.ts';
export { canonicalProfile } from './model/profiles.ts';
export { profilesOf } from './model/model-schema.ts';
export { resolveRelations, validateModel, type ResolvedRelation } from './model/resolve-relations.ts';
export type { ModelQuery } from './repository/repository.ts';
export * from './cache/index.ts';
export type { PoolStats } from './db/database.ts';
export type { AssembleOptions } from './app/assemble.ts';
export type { CreateAppOptions } from './app/app-options.ts';
export { inspectApp, loadApp, type InspectedApp, type LoadedApp } from './app/inspect-app.ts';
export { configDir, defaultMigrationsDir } from './app/migrations-dir.ts';
export { TracedKernel } from './app/traced-kernel.ts';
export { runCli, type CliContext, EXIT, UsageError, formatRouteTable, routeRows, type RouteRow } from './cli/index.ts';
export { inSpan, type InSpanOptions, loomTracer, TRACER_NAME, tracingEnabled } from './observability/tracing.ts';
export { contextFromCarrier, contextFromHeaders, traceCarrier, type TraceCarrier } from './observability/trace-propagation.ts';
export { observeHttp, type HttpObserverOptions, requestOutcome } from './observability/http-observer.ts';
export { fastifyLogger } from './observability/http-logger.ts';
export { observeQueueBackend, type JobObserverOptions } from './observability/job-observer.ts';
export { tracedRepository } from './observability/traced-repository.ts';
export { traceStatements } from './observability/statement-spans.ts';
export type { MetricSources } from './observability/metrics.ts';
