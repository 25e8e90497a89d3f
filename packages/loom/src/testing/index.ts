/**
 * loom-kernel/testing: the kit for testing a loom app — `runUseCase` (one use case with loads,
 * repositories and services replaced), `createTestApp` (the whole app on SQLite in memory or a PostgreSQL
 * schema, with requests, seeding, factories, captured jobs and faults), plan snapshots and fault helpers.
 * See docs/testing.md.
 */

export {
  type CapturingBackend,
  createCapturingBackend,
  type SettledAttempt,
  type TestJobMode,
} from './capturing-backend.ts';
export {
  createTestApp,
  type RequestOptions,
  type TestApp,
  type TestAppOptions,
  type TestFaults,
} from './create-test-app.ts';
export { defineFactory, type Factory, type FactoryOverrides } from './factory.ts';
export { constraintViolation, forceThrow, systemError, type Thrower, throws } from './faults.ts';
export { overlay } from './overlay.ts';
export { describePlan, type PlanSnapshot, type PlanTransaction } from './plan-snapshot.ts';
export {
  expectError,
  type HasKernel,
  type LoadsOf,
  type MainRepositoryOf,
  type RepositoryOverride,
  type RunUseCaseOptions,
  repositoryOverride,
  runUseCase,
  type ServiceOverrides,
} from './run-use-case.ts';
export {
  emptyTables,
  openTestDatabase,
  TEST_DATABASE_ENV,
  type TestDatabase,
  testDatabaseUrl,
} from './test-database.ts';
export { type DispatchedJob, type TestJobs, testJobs } from './test-jobs.ts';
export {
  type ExpectedProblem,
  expectJson,
  expectProblem,
  type TestResponse,
  testResponse,
} from './test-response.ts';
