import type { InjectOptions } from 'fastify';
import pino from 'pino';
import { createApp, type LoomApp } from '../app/create-app.ts';
import { type Declarations, declarationsFromManifest, type Manifest } from '../app/declarations.ts';
import type { ConfigSectionSchemas, LoomConfigInput } from '../config/index.ts';
import { deepMerge } from '../config/index.ts';
import { resolveConfig } from '../config/resolve-config.ts';
import type { Token } from '../context/container.ts';
import type { Database } from '../db/database.ts';
import { OutboxEntry } from '../job/outbox.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { AnyModel, CreateInput, Infer } from '../model/model.ts';
import type { Repository } from '../repository/repository.ts';
import type { EntityInvoker } from '../use-case/invoker-types.ts';
import type { ServiceRegistration } from '../use-case/service-registration.ts';
import type { AnyUseCase, InvokeArgs, ResultOf } from '../use-case/use-case.ts';
import { createCapturingBackend, type TestJobMode } from './capturing-backend.ts';
import { defineFactory, type Factory } from './factory.ts';
import { forceThrow, systemError } from './faults.ts';
import { emptyTables, openTestDatabase } from './test-database.ts';
import { type TestJobs, testJobs } from './test-jobs.ts';
import { type TestResponse, testResponse } from './test-response.ts';

/**
 * What {@link createTestApp} may change.
 *
 * @example
 * ```ts
 * await createTestApp(manifest, { databaseUrl: process.env.PG_URL, jobs: 'manual', config: { app: { name: 't' } } });
 * ```
 */
export interface TestAppOptions {
  /** Database URL; default `LOOM_TEST_DATABASE_URL`, else `sqlite::memory:`. PostgreSQL gets its own schema. */
  readonly databaseUrl?: string;
  /** How dispatched jobs run: `eager` (default, after commit) or `manual` (held until `app.jobs.runAll()`). */
  readonly jobs?: TestJobMode;
  /**
   * Configuration merged over the test defaults (e.g. `{ app: { rest: { bodyLimit: 1024 } } }`), the
   * application's own sections included.
   */
  readonly config?: Partial<LoomConfigInput> & Readonly<Record<string, unknown>>;
  /** The application's services, the same registration `createApp` and `createWorker` take. */
  readonly services?: ServiceRegistration;
  /** The application's own config sections (`defineConfigSections`). */
  readonly configSections?: ConfigSectionSchemas;
  /** Logs go here; default: none. */
  readonly logger?: pino.Logger;
}

/**
 * Body and headers of a request helper.
 *
 * @example
 * ```ts
 * await app.get('/users', { query: { limit: '5' }, headers: { 'x-request-id': 't-1' } });
 * ```
 */
export interface RequestOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
}

/**
 * Forces parts of a running test app to fail; each call returns a function that undoes it.
 *
 * @example
 * ```ts
 * const restore = app.faults.repository(User, 'create', constraintViolation('unique', 'users', 'email'));
 * restore();
 * ```
 */
export interface TestFaults {
  /** Makes `method` of the model's repository (the one use cases get) reject with `error`. */
  repository<M extends AnyModel, K extends keyof Repository<M> & string>(
    model: M,
    method: K,
    error?: unknown,
  ): () => void;
  /** Makes `method` of the service registered under `token` reject with `error`. */
  service<T extends object, K extends keyof T & string>(
    token: Token<T>,
    method: K,
    error?: unknown,
  ): () => void;
  /** Undoes every fault still in place (`app.reset()` does it too). */
  restoreAll(): void;
}

/**
 * A whole loom app booted for tests: see {@link createTestApp}.
 *
 * @example
 * ```ts
 * const app: TestApp = await createTestApp(manifest);
 * await app.seed(User, [{ fullName: 'Ana', email: 'ana@example.com' }]);
 * expectJson<User>(await app.get('/users/1'));
 * ```
 */
export interface TestApp {
  /** The Fastify server (`inject`, routes, hooks), as `createApp` returns it. */
  readonly server: LoomApp;
  readonly kernel: Kernel;
  readonly db: Database;
  readonly dialect: Database['dialect'];
  /** Invokes a use case, typed from its declaration, as `ctx.app.invoke` does. */
  invoke<U extends AnyUseCase>(useCase: U, args: InvokeArgs<U>): Promise<ResultOf<U>>;
  /** The auto-CRUD use cases of a model, callable in code. */
  entity<M extends AnyModel>(model: M): EntityInvoker<M>;
  /** Sends a request through the app (Fastify `inject`). */
  request(options: InjectOptions): Promise<TestResponse>;
  get(url: string, options?: RequestOptions): Promise<TestResponse>;
  delete(url: string, options?: RequestOptions): Promise<TestResponse>;
  post(url: string, body?: unknown, options?: RequestOptions): Promise<TestResponse>;
  put(url: string, body?: unknown, options?: RequestOptions): Promise<TestResponse>;
  patch(url: string, body?: unknown, options?: RequestOptions): Promise<TestResponse>;
  /** Inserts rows through the model's repository, in one transaction (no use case, no rules); returns them stored. */
  seed<M extends AnyModel>(model: M, rows: readonly CreateInput<M>[]): Promise<Infer<M>[]>;
  /** A factory of rows of `model` inserted with {@link TestApp.seed}; its sequence restarts on `reset()`. */
  factory<M extends AnyModel>(model: M, defaults: (n: number) => CreateInput<M>): Factory<M>;
  readonly jobs: TestJobs;
  readonly faults: TestFaults;
  /** Empties every table (ids restart), forgets recorded jobs, restarts factories and undoes faults. */
  reset(): Promise<void>;
  /** Closes the server and the database (drops the PostgreSQL schema). */
  close(): Promise<void>;
}

function isDeclarations(value: Declarations | Manifest): value is Declarations {
  return (value as { useCases?: unknown }).useCases instanceof Map;
}

/**
 * Boots a whole application for tests through the real boot path (`createApp`: compiled plans, routes,
 * OpenAPI, the job runtime and its outbox), on SQLite in memory — or on PostgreSQL in a schema of its
 * own when `LOOM_TEST_DATABASE_URL` (or `databaseUrl`) names one — with the tables created, logs off and
 * jobs run by a capturing eager queue. A few milliseconds on SQLite, so one app per test is affordable;
 * `app.reset()` empties the tables for suites that share one app (see docs/decisions/0009-test-isolation.md).
 *
 * @example
 * ```ts
 * import { createTestApp, expectJson, expectProblem } from 'loom-kernel/testing';
 * import * as manifest from '../src/manifest.ts';
 *
 * let app: TestApp;
 * beforeEach(async () => { app = await createTestApp(manifest); });
 * afterEach(() => app.close());
 *
 * it('creates a user', async () => {
 *   const user = expectJson<User>(await app.post('/users', { fullName: 'Ada', email: 'ada@example.com' }), 201);
 *   expectProblem(await app.post('/users', { fullName: 'Ada', email: 'ada@example.com' }), { status: 422, fields: ['email'] });
 * });
 * ```
 */
export async function createTestApp(
  declarations: Declarations | Manifest,
  options: TestAppOptions = {},
): Promise<TestApp> {
  const decls = isDeclarations(declarations) ? declarations : declarationsFromManifest(declarations);
  const testDb = await openTestDatabase(options.databaseUrl);
  const base: LoomConfigInput = {
    app: { name: 'loom-test', cursorSecret: 'loom-testing-cursor-secret' },
    database: { url: testDb.url, sync: 'create' },
    jobs: { backend: 'eager', concurrency: 1 },
    logger: { level: 'silent' },
    metrics: { enabled: false },
  };
  const backend = createCapturingBackend(options.jobs ?? 'eager');
  let server: LoomApp;
  try {
    server = await createApp({
      config: [],
      resolvedConfig: resolveConfig(
        deepMerge(base, options.config ?? {}) as LoomConfigInput,
        undefined,
        options.configSections,
      ),
      ...(options.services ? { services: options.services } : {}),
      ...(options.configSections ? { configSections: options.configSections } : {}),
      declarations: decls,
      database: testDb.db,
      backend,
      logger: options.logger ?? pino({ level: 'silent' }),
    });
  } catch (error) {
    await testDb.dispose();
    throw error;
  }
  const { kernel, db } = server.loom;
  const tables = [...decls.models.map((m) => m.$table), OutboxEntry.$table];
  const factories = new Set<Factory<AnyModel>>();
  const undo = new Set<() => void>();
  const track = (restore: () => void) => {
    const once = () => {
      if (undo.delete(once)) restore();
    };
    undo.add(once);
    return once;
  };
  const send = async (options: InjectOptions) => testResponse(await server.inject(options));
  const withBody = (method: 'POST' | 'PUT' | 'PATCH') => (url: string, body?: unknown, o?: RequestOptions) =>
    send({
      method,
      url,
      ...(body === undefined ? {} : { payload: body as string | object }),
      ...(o?.headers ? { headers: o.headers } : {}),
      ...(o?.query ? { query: o.query } : {}),
    });
  const without = (method: 'GET' | 'DELETE') => (url: string, o?: RequestOptions) =>
    send({
      method,
      url,
      ...(o?.headers ? { headers: o.headers } : {}),
      ...(o?.query ? { query: o.query } : {}),
    });

  const app: TestApp = {
    server,
    kernel,
    db,
    dialect: db.dialect,
    invoke: (useCase, args) => kernel.invoke(useCase, args),
    entity: (model) => kernel.entity(model),
    request: send,
    get: without('GET'),
    delete: without('DELETE'),
    post: withBody('POST'),
    put: withBody('PUT'),
    patch: withBody('PATCH'),
    async seed(model, rows) {
      const repo = kernel.repository(model) as unknown as Repository<typeof model>;
      return db.transaction(async () => {
        const out: Infer<typeof model>[] = [];
        for (const row of rows) out.push(await repo.create(row));
        return out;
      });
    },
    factory(model, defaults) {
      const f = defineFactory(model, defaults, (rows) => app.seed(model, rows));
      factories.add(f as unknown as Factory<AnyModel>);
      return f;
    },
    jobs: testJobs(backend, server.loom.jobs),
    faults: {
      repository(model, method, error = systemError(`simulated failure of ${model.$name}.${method}`)) {
        return track(forceThrow(kernel.repository(model) as never, method as never, error));
      },
      service(token, method, error = systemError(`simulated failure of ${method}`)) {
        return track(forceThrow(kernel.container.resolve(token), method, error));
      },
      restoreAll() {
        for (const restore of [...undo]) restore();
      },
    },
    async reset() {
      app.faults.restoreAll();
      await server.loom.jobs.relay.kick();
      await emptyTables(db, tables);
      app.jobs.clear();
      for (const f of factories) f.reset();
    },
    async close() {
      app.faults.restoreAll();
      try {
        await server.close(); // closes the database too
      } finally {
        await testDb.release();
      }
    },
  };
  return app;
}
