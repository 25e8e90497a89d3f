/**
 * The framework's internals in one place, for its own tests and benchmarks (not a package entry point:
 * applications use `loom-kernel`, `loom-kernel/app` and the other subpaths of package.json "exports").
 * The public declaration API comes from the root entry; below it, only what that entry keeps private.
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
export { isCommand } from '../../src/command/command.ts';
export {
  assertSecretsSet,
  environmentOf,
  type LoomConfig,
  loadConfig,
  loadConfigSync,
  loadConfigWithSections,
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
export * from '../../src/index.ts';
export {
  type Consumer,
  createBullmqBackend,
  createEagerBackend,
  createInProcessBackend,
  type JobMessage,
  type QueueBackend,
} from '../../src/job/backends/index.ts';
export { isCallbacks } from '../../src/job/callbacks.ts';
export { isJob } from '../../src/job/job.ts';
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
export { isModel } from '../../src/model/model.ts';
export { entitySchemaOf, profilesOf } from '../../src/model/model-schema.ts';
export { canonicalProfile } from '../../src/model/profiles.ts';
export { isProjection } from '../../src/model/projection.ts';
export { isRelation } from '../../src/model/relation.ts';
export { type ResolvedRelation, resolveRelations, validateModel } from '../../src/model/resolve-relations.ts';
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
export { isFieldChange } from '../../src/repository/field-change.ts';
export * from '../../src/repository/query-spec.ts';
export * from '../../src/rest/index.ts';
export { autoUseCasesOf } from '../../src/use-case/auto-crud.ts';
export { compilePlan, type Plan } from '../../src/use-case/plan.ts';
export type { AnyRepositoryBinding } from '../../src/use-case/repository-binding.ts';
export type { UseCaseServices } from '../../src/use-case/services.ts';
