import {
  createMemoryStore,
  createRepositoryCache,
  createRestServer,
  type Database,
  Kernel,
  openDatabase,
  type RepositoryCache,
  type RestServer,
} from '../../packages/loom/test/support/internals.ts';
import { BENCH_MODELS } from './models.ts';
import { OpsApi, PreviewPricing } from './pricing.ts';
import { GetRecord, ListRecords, RecordsApi } from './records.ts';
import { CreateBenchUser, UsersApi } from './users.ts';

export interface LoomAppOptions {
  readonly connectionString: string;
  /** Schema holding the bench tables (default: the connection's search_path, i.e. `public`). */
  readonly schema?: string;
  /** Pool size; 15 like the native app. */
  readonly poolMax?: number;
  /** Wrap the repositories in loom's read cache (an in-memory store). */
  readonly cache?: boolean;
  /** Key of the cursor MACs; a fixed default keeps tokens valid across restarts of the benchmark. */
  readonly cursorSecret?: string;
  /** How profiles are read (default `joined`: one statement per read); `batched` for comparison. */
  readonly profileReads?: 'batched' | 'joined';
  /** Named prepared statements per connection (default true). */
  readonly preparedStatements?: boolean;
}

export interface LoomBenchApp {
  readonly server: RestServer;
  readonly db: Database;
  readonly kernel: Kernel;
  readonly cache: RepositoryCache | undefined;
  /** Closes the server, then the cache and the pool. */
  close(): Promise<void>;
}

/**
 * The benchmark app declared with loom: the models over the seeded tables (no DDL: the kernel and the
 * REST server are built directly, without schema sync), the records interface with auto-CRUD update,
 * ping and the pricing preview. Every plan is compiled before the server is returned.
 */
export function buildLoomApp(options: LoomAppOptions): LoomBenchApp {
  const db = openDatabase({
    dialect: 'postgres',
    connectionString: options.connectionString,
    poolSize: options.poolMax ?? 15,
    // One round trip per read (profiles joined into the statement), statements prepared per connection.
    profileReads: options.profileReads ?? 'joined',
    preparedStatements: options.preparedStatements ?? true,
    ...(options.schema === undefined ? {} : { searchPath: options.schema }),
  });
  const cache = options.cache
    ? createRepositoryCache({ store: createMemoryStore(), models: [...BENCH_MODELS] })
    : undefined;
  const kernel = new Kernel({
    db,
    cursorSecret: options.cursorSecret ?? 'loom-bench-cursor-secret',
    ...(cache === undefined ? {} : { cache }),
  });
  kernel.compile([GetRecord, ListRecords, PreviewPricing, CreateBenchUser]);
  const server = createRestServer({
    kernel,
    interfaces: [OpsApi, RecordsApi, UsersApi],
    title: 'loom bench',
    docsPath: false,
  });
  return {
    server,
    db,
    kernel,
    cache,
    async close() {
      await server.close();
      await cache?.close();
      await db.close();
    },
  };
}
