import Type, { type Static } from 'typebox';

// The schema of a merged configuration. Every object is closed (`additionalProperties: false`) so a
// misspelt key is an error, and every section defaults to `{}` so its own defaults apply when it is
// absent. `app.rest.title` and `trace.serviceName` default to `app.name` (filled in by resolveConfig).

const ROUTE_PATH = '^/[^{}\\s]*$';
const REDIS_URL = '^rediss?://';

/** Hints shown instead of a bare regular expression when a `pattern` does not match. */
export const PATTERN_HINTS: Readonly<Record<string, string>> = {
  [ROUTE_PATH]: 'must be a URL path starting with "/" without "{", "}" or spaces',
  [REDIS_URL]: 'must be a redis:// or rediss:// URL',
};

const closed = { additionalProperties: false, default: {} } as const;

const routePath = (fallback: string, description: string) =>
  Type.String({ pattern: ROUTE_PATH, default: fallback, description });

const redisUrl = (description: string) => Type.Optional(Type.String({ pattern: REDIS_URL, description }));

const nonEmpty = (description: string) => Type.String({ minLength: 1, description });

export const DiscoveryConfigSchema = Type.Object(
  {
    mode: Type.Enum(['modules', 'manifest'], {
      default: 'modules',
      description: 'modules: import `modules`; manifest: import the `manifest` module and read its lists',
    }),
    modules: Type.Array(nonEmpty('module path'), { default: [], description: 'modules to import' }),
    manifest: Type.Optional(nonEmpty('module exporting MODELS, USE_CASES, JOBS, CALLBACKS, INTERFACES')),
  },
  {
    ...closed,
    description: 'how loom finds the declarations: module paths to import, or one manifest module',
  },
);

// app.rest.limits: what one request may ask of the server (docs/limits.md).
export const RestLimitsConfigSchema = Type.Object(
  {
    jsonDepth: Type.Integer({
      minimum: 1,
      default: 64,
      description:
        'deepest nesting of arrays and objects in a JSON body; deeper → 413, refused before parsing',
    }),
    arrayItems: Type.Integer({
      minimum: 1,
      default: 1000,
      description: 'maxItems of every input array whose declaration sets none; more items → 422',
    }),
    queryParameters: Type.Integer({
      minimum: 1,
      default: 100,
      description: 'query string parameters (repeated keys counted each time); more → 400',
    }),
  },
  { ...closed, description: 'what one request may ask of the server (docs/limits.md)' },
);

// app.rest.cors / securityHeaders / rateLimit: HTTP hardening (docs/security.md).
export const CorsConfigSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: false, description: 'answer CORS preflights and add CORS headers' }),
    origins: Type.Array(nonEmpty('an allowed origin (https://app.example.com), or "*"'), {
      default: [],
      description: 'origins allowed to call the API from a browser',
    }),
    credentials: Type.Boolean({ default: false, description: 'Access-Control-Allow-Credentials' }),
    methods: Type.Array(nonEmpty('HTTP method'), {
      description: 'methods allowed cross-origin',
      default: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    }),
    allowedHeaders: Type.Array(nonEmpty('request header'), {
      description: 'request headers a browser may send cross-origin',
      default: ['content-type', 'authorization', 'x-api-key', 'x-request-id', 'if-match'],
    }),
    exposedHeaders: Type.Array(nonEmpty('response header'), {
      description: 'response headers scripts may read cross-origin',
      default: ['x-request-id', 'etag', 'retry-after', 'www-authenticate'],
    }),
    maxAgeSeconds: Type.Integer({ minimum: 0, default: 600, description: 'preflight cache lifetime' }),
  },
  { ...closed, description: 'cross-origin requests from browsers (@fastify/cors)' },
);

export const SecurityHeadersConfigSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: false, description: 'helmet: CSP, HSTS, nosniff, frame options, …' }),
    contentSecurityPolicy: Type.Boolean({ default: true, description: 'Content-Security-Policy header' }),
    hsts: Type.Boolean({ default: true, description: 'Strict-Transport-Security (serve over HTTPS)' }),
  },
  { ...closed, description: 'security response headers (@fastify/helmet)' },
);

export const RateLimitConfigSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: false, description: 'limit requests per client' }),
    max: Type.Integer({ minimum: 1, default: 100, description: 'requests per client (IP) and window' }),
    windowMs: Type.Integer({ minimum: 1, default: 60_000, description: 'window of the count, milliseconds' }),
    redisUrl: redisUrl('counters shared by every process; defaults to the REDIS_URL environment variable'),
    keyPrefix: Type.String({ minLength: 1, default: 'loom:ratelimit:', description: 'Redis key prefix' }),
  },
  { ...closed, description: 'requests per client and window; 429 past it (@fastify/rate-limit)' },
);

export const RestConfigSchema = Type.Object(
  {
    title: Type.String({ description: 'OpenAPI title; defaults to app.name' }),
    version: Type.String({ default: '0.1.0', description: 'OpenAPI info.version' }),
    docsPath: routePath('/docs', 'Swagger UI'),
    openapiPath: routePath('/openapi.json', 'OpenAPI 3.1 document'),
    bodyLimit: Type.Integer({
      minimum: 1,
      default: 1_048_576,
      description: 'max request body, bytes; larger → 413',
    }),
    limits: RestLimitsConfigSchema,
    docsEnabled: Type.Boolean({ default: true, description: 'serve Swagger UI at docsPath' }),
    openapiEnabled: Type.Boolean({ default: true, description: 'serve the OpenAPI document at openapiPath' }),
    problemTypeBase: Type.String({
      minLength: 1,
      default: 'urn:loom:problem:',
      description:
        'prefix of problem `type` URIs (the slug of the error code is appended); e.g. https://api.example.com/problems/',
    }),
    cors: CorsConfigSchema,
    securityHeaders: SecurityHeadersConfigSchema,
    rateLimit: RateLimitConfigSchema,
    host: Type.String({ minLength: 1, default: '127.0.0.1', description: 'listen address' }),
    port: Type.Integer({ minimum: 0, maximum: 65_535, default: 8000, description: 'listen port' }),
    ambientContext: Type.Boolean({
      default: false,
      description:
        'run each request in an AsyncLocalStorage call context (currentCallContext); on with statement logging or tracing',
    }),
    unknownQuery: Type.Enum(['reject', 'ignore'], {
      default: 'ignore',
      description:
        'unknown non-filter query parameters (cache-busters, tracking): reject → 400, ignore → pass unread; interfaces may override; misspelled filters are a 400 either way',
    }),
  },
  { ...closed, description: 'the HTTP server: listen address, OpenAPI and Swagger UI, limits, hardening' },
);

export const ShutdownConfigSchema = Type.Object(
  {
    timeoutMs: Type.Integer({
      minimum: 1,
      default: 30_000,
      description: 'graceful shutdown deadline: past it the process exits anyway (loom serve, loom worker)',
    }),
    drainDelayMs: Type.Integer({
      minimum: 0,
      default: 0,
      description:
        'after SIGTERM, readiness answers 503 this long before the listener closes (lets a load balancer notice)',
    }),
  },
  { ...closed, description: 'graceful shutdown of loom serve and loom worker' },
);

export const RuntimeConfigSchema = Type.Object(
  {
    allocationSitePretenuring: Type.Boolean({
      default: false,
      description:
        "V8's allocation-site pretenuring, off by default in loom processes: after a burst of new connections it can allocate every request's short-lived objects in the old generation, where they keep the rest of each request alive through young-generation collections (bench/ANALYSIS.md). An explicit --allocation-site-pretenuring or --no-allocation-site-pretenuring on node's command line wins",
    }),
  },
  { ...closed, description: 'process-wide tuning of the JavaScript engine, applied once at boot' },
);

export const AppConfigSchema = Type.Object(
  {
    name: nonEmpty('application name (required)'),
    discovery: DiscoveryConfigSchema,
    rest: RestConfigSchema,
    cursorSecret: Type.Optional(
      Type.String({ minLength: 16, description: 'HMAC key of pagination cursors; shared by all instances' }),
    ),
    env: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'deployment environment; defaults to NODE_ENV, else "development". Outside development and test, placeholder secrets refuse to boot',
      }),
    ),
    shutdown: ShutdownConfigSchema,
    runtime: RuntimeConfigSchema,
  },
  {
    ...closed,
    description:
      'the application: name, discovery, HTTP server, secrets, environment, shutdown, engine tuning',
  },
);

export const DatabaseConfigSchema = Type.Object(
  {
    url: Type.String({
      default: 'sqlite:./loom.db',
      description:
        'postgres://…, postgresql://…, sqlite:./file.db (relative to the first config file), sqlite::memory: (see parseDatabaseUrl)',
    }),
    poolSize: Type.Integer({ minimum: 1, default: 10, description: 'PostgreSQL pool size' }),
    logStatements: Type.Boolean({ default: false, description: 'log every SQL statement' }),
    profileReads: Type.Enum(['batched', 'joined'], {
      default: 'joined',
      description:
        "PostgreSQL: load a profile's relations in the main statement, one round trip (joined), or in one statement per relation (batched); decision 0041",
    }),
    preparedStatements: Type.Boolean({
      default: true,
      description:
        'PostgreSQL: named prepared statements, parsed once per connection; false behind pgbouncer in transaction pooling before 1.21 (decision 0040)',
    }),
    applicationName: Type.String({
      minLength: 1,
      maxLength: 63,
      default: 'loom',
      description: 'PostgreSQL application_name of every pooled connection (pg_stat_activity)',
    }),
    connectTimeoutMs: Type.Integer({
      minimum: 1,
      default: 5_000,
      description: 'PostgreSQL: longest wait for a pooled connection (pool full or server unreachable) → 503',
    }),
    statementTimeoutMs: Type.Integer({
      minimum: 0,
      default: 30_000,
      description:
        'PostgreSQL: statement_timeout of every connection; the client gives up on a statement 1–3 s after it (a partition); 0 = none',
    }),
    idleInTransactionTimeoutMs: Type.Integer({
      minimum: 0,
      default: 60_000,
      description: 'PostgreSQL: idle_in_transaction_session_timeout; 0 = none',
    }),
    sync: Type.Enum(['create', 'migrate', 'none'], {
      default: 'create',
      description: 'create: CREATE TABLE IF NOT EXISTS at boot; migrate: run migrations; none: nothing',
    }),
  },
  { ...closed, description: 'the database: PostgreSQL or SQLite URL, pool, timeouts, schema sync at boot' },
);

export const JobOverrideSchema = Type.Object(
  {
    queue: Type.Optional(nonEmpty('queue the job is dispatched to')),
    retries: Type.Optional(Type.Integer({ minimum: 0, description: 'attempts after the first' })),
    backoffMs: Type.Optional(
      Type.Integer({ minimum: 0, description: 'base delay of the exponential backoff between attempts' }),
    ),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1, description: 'an attempt running longer fails' })),
    priority: Type.Optional(Type.Integer({ minimum: 0, description: 'queue priority (lower runs first)' })),
  },
  { additionalProperties: false },
);

export const JobsConfigSchema = Type.Object(
  {
    backend: Type.Enum(['inprocess', 'bullmq', 'eager'], {
      default: 'inprocess',
      description: 'inprocess: in-memory queue; bullmq: Redis; eager: run at dispatch (tests)',
    }),
    redisUrl: redisUrl('Redis for the bullmq backend'),
    prefix: Type.String({
      pattern: '^[A-Za-z0-9_.-]+$',
      default: 'loom',
      description: 'prefix of BullMQ keys in Redis (separate apps sharing a Redis)',
    }),
    concurrency: Type.Integer({ minimum: 1, default: 4, description: 'jobs run at once per worker' }),
    queues: Type.Array(nonEmpty('queue name'), {
      minItems: 1,
      uniqueItems: true,
      default: ['default'],
      description: 'queues a worker consumes',
    }),
    overrides: Type.Record(Type.String(), JobOverrideSchema, {
      default: {},
      description: 'per job name: queue, retries, backoffMs, timeoutMs, priority',
    }),
    dashboard: Type.Object(
      {
        enabled: Type.Boolean({ default: false, description: 'serve the dashboard at path' }),
        path: routePath('/jobs', 'bull-board UI'),
        readOnly: Type.Boolean({
          default: true,
          description: 'false lets dashboard users pause, retry, clean and remove jobs',
        }),
        token: Type.Optional(
          Type.String({
            minLength: 16,
            description: 'shared token guarding the dashboard (Bearer, or Basic with any user name)',
          }),
        ),
      },
      { ...closed, description: 'bull-board job dashboard on the API server (bullmq backend)' },
    ),
  },
  {
    ...closed,
    description: 'job queues: backend, Redis, concurrency, the queues a worker consumes, per-job overrides',
  },
);

export const CacheConfigSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: false, description: 'cache repository reads of models that allow it' }),
    backend: Type.Enum(['auto', 'memory', 'redis'], {
      default: 'auto',
      description:
        'auto: redis when cache.redisUrl is set or jobs run on bullmq (writes then invalidate every process), memory otherwise; memory: per process; redis: shared by every process',
    }),
    redisUrl: redisUrl('Redis for the redis backend; defaults to jobs.redisUrl'),
    keyPrefix: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'redis backend: key prefix; default `loom:<app.name>:cache:`',
      }),
    ),
    ttlSeconds: Type.Integer({
      minimum: 0,
      default: 60,
      description: 'lifetime of an entry unless `ttl` names its model',
    }),
    maxEntries: Type.Integer({ minimum: 1, default: 10_000, description: 'memory backend only' }),
    ttl: Type.Record(Type.String({ minLength: 1 }), Type.Integer({ minimum: 1 }), {
      default: {},
      description:
        'per model (entity name or table), seconds: `Product: 30` for getById, `Product_list: 10` for lists',
    }),
  },
  { ...closed, description: 'repository read cache (getById and lists) with invalidation on writes' },
);

export const LoggerConfigSchema = Type.Object(
  {
    level: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      default: 'info',
      description: 'lowest level written',
    }),
    pretty: Type.Boolean({ default: false, description: 'human-readable lines instead of JSON' }),
    requestLogging: Type.Boolean({
      default: true,
      description:
        'one info line per HTTP request (trace id, route, status, duration); false: only 5xx lines (metrics and spans unchanged)',
    }),
  },
  { ...closed, description: 'pino logs' },
);

export const TraceConfigSchema = Type.Object(
  {
    enabled: Type.Boolean({
      default: true,
      description: 'false: no OpenTelemetry SDK is started even when `exporter` is set',
    }),
    serviceName: Type.String({
      minLength: 1,
      description: 'service.name of the spans; defaults to app.name',
    }),
    header: Type.String({
      minLength: 1,
      pattern: '^[A-Za-z0-9-]+$',
      default: 'x-request-id',
      description: 'request id header: read from requests (else generated) and echoed in every response',
    }),
    exporter: Type.Optional(
      Type.Object(
        {
          endpoint: Type.String({
            pattern: '^https?://',
            description: 'OTLP/HTTP traces URL, e.g. http://collector:4318/v1/traces',
          }),
          headers: Type.Record(Type.String(), Type.String(), {
            default: {},
            description: 'headers sent with every export (an API key of a hosted collector)',
          }),
          timeoutMs: Type.Integer({ minimum: 1, default: 10_000, description: 'bound of one export' }),
        },
        { additionalProperties: false, description: 'OTLP/HTTP exporter; unset: spans are not exported' },
      ),
    ),
    sampleRatio: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 1,
      description: 'share of new traces recorded (parent-based: a sampled caller is always followed)',
    }),
    resourceAttributes: Type.Record(Type.String(), Type.String(), {
      default: {},
      description: 'OpenTelemetry resource attributes of every span (deployment.environment, …)',
    }),
  },
  { ...closed, description: 'request ids and OpenTelemetry tracing' },
);

export const MetricsConfigSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: true, description: 'collect and serve Prometheus metrics' }),
    path: routePath('/metrics', 'Prometheus scrape endpoint'),
    workerPort: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 65_535,
        description: 'loom worker: serve `path` on this port (on app.rest.host); unset = no endpoint',
      }),
    ),
  },
  { ...closed, description: 'Prometheus metrics' },
);

export const HealthConfigSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: true, description: 'serve the health endpoints' }),
    livePath: routePath('/health/live', 'liveness: 200 while the process serves'),
    readyPath: routePath(
      '/health/ready',
      'readiness: 200 when the database (and Redis, where used) answer and the app is not draining',
    ),
    checkTimeoutMs: Type.Integer({
      minimum: 1,
      default: 2_000,
      description: 'bound of each readiness check',
    }),
  },
  { ...closed, description: 'liveness and readiness endpoints' },
);

// auth: who a request is from, and who may reach the framework's own endpoints (docs/security.md).
const EndpointGuardSchema = Type.Object(
  {
    roles: Type.Array(nonEmpty('role'), { default: [], description: 'any one of these (none: any caller)' }),
    scopes: Type.Array(nonEmpty('scope'), { default: [], description: 'all of these' }),
  },
  { additionalProperties: false, description: 'set: an authenticated caller is required' },
);

export const ApiKeyConfigSchema = Type.Object(
  {
    sha256: Type.String({
      pattern: '^[0-9a-fA-F]{64}$',
      description: 'hex SHA-256 of the key, never the key',
    }),
    subject: nonEmpty('who the key stands for'),
    roles: Type.Array(nonEmpty('role'), { default: [], description: 'roles of the key' }),
    scopes: Type.Array(nonEmpty('scope'), { default: [], description: 'scopes of the key' }),
  },
  { additionalProperties: false },
);

export const AuthConfigSchema = Type.Object(
  {
    enabled: Type.Boolean({
      default: false,
      description: 'authenticate requests and enforce guards; off: no identity, guards are not checked',
    }),
    realm: Type.Optional(nonEmpty('realm of WWW-Authenticate challenges; defaults to app.name')),
    jwt: Type.Optional(
      Type.Object(
        {
          secret: Type.Optional(Type.String({ minLength: 32, description: 'HMAC secret (HS256/384/512)' })),
          jwksUrl: Type.Optional(Type.String({ pattern: '^https?://', description: 'JWKS of the issuer' })),
          issuer: Type.Optional(nonEmpty('required iss')),
          audience: Type.Optional(nonEmpty('required aud')),
          clockSkewSeconds: Type.Integer({
            minimum: 0,
            default: 30,
            description: 'tolerance of exp and nbf',
          }),
          algorithms: Type.Optional(
            Type.Array(nonEmpty('JWS alg'), {
              minItems: 1,
              description:
                'accepted JWS algorithms; unset: HS256/384/512 with a secret, the asymmetric ones with jwksUrl',
            }),
          ),
          rolesClaim: Type.String({ minLength: 1, default: 'roles', description: 'claim holding the roles' }),
          scopesClaim: Type.String({
            minLength: 1,
            default: 'scope',
            description: 'claim holding the scopes (space-separated or a list)',
          }),
        },
        { additionalProperties: false, description: "JWT bearer tokens (HMAC secret or the issuer's JWKS)" },
      ),
    ),
    apiKeys: Type.Optional(
      Type.Object(
        {
          header: Type.String({
            minLength: 1,
            default: 'x-api-key',
            description: 'request header carrying the key',
          }),
          keys: Type.Array(ApiKeyConfigSchema, {
            default: [],
            description: 'several keys may name one subject: rotate by adding the new, then removing the old',
          }),
        },
        { additionalProperties: false, description: 'API keys in a request header' },
      ),
    ),
    endpoints: Type.Object(
      {
        docs: Type.Optional(EndpointGuardSchema),
        openapi: Type.Optional(EndpointGuardSchema),
        metrics: Type.Optional(EndpointGuardSchema),
        jobs: Type.Optional(EndpointGuardSchema),
      },
      {
        ...closed,
        description: 'guards of Swagger UI, the OpenAPI document, /metrics and the job dashboard',
      },
    ),
  },
  { ...closed, description: "authentication: JWT, API keys, guards of the framework's own endpoints" },
);

/**
 * The TypeBox schema of a whole (merged) loom configuration. Closed at every level; every key but
 * `app.name` has a default.
 *
 * @example
 * ```ts
 * import { Value } from 'typebox/value';
 * Value.Default(LoomConfigSchema, { app: { name: 'store' } }); // every section filled in
 * ```
 */
export const LoomConfigSchema = Type.Object(
  {
    app: AppConfigSchema,
    database: DatabaseConfigSchema,
    jobs: JobsConfigSchema,
    cache: CacheConfigSchema,
    logger: LoggerConfigSchema,
    trace: TraceConfigSchema,
    metrics: MetricsConfigSchema,
    health: HealthConfigSchema,
    auth: AuthConfigSchema,
  },
  { additionalProperties: false },
);

/** A resolved configuration: validated, every default applied. Frozen at run time. */
export type LoomConfig = Static<typeof LoomConfigSchema>;
export type AppConfig = LoomConfig['app'];
export type DatabaseConfig = LoomConfig['database'];
export type JobsConfig = LoomConfig['jobs'];
export type JobOverride = Static<typeof JobOverrideSchema>;
export type CacheConfig = LoomConfig['cache'];
export type LoggerConfig = LoomConfig['logger'];
export type TraceConfig = LoomConfig['trace'];
export type MetricsConfig = LoomConfig['metrics'];
export type HealthConfig = LoomConfig['health'];
export type ShutdownConfig = LoomConfig['app']['shutdown'];
export type RuntimeConfig = LoomConfig['app']['runtime'];
export type AuthConfig = LoomConfig['auth'];
export type CorsConfig = LoomConfig['app']['rest']['cors'];
export type RateLimitConfig = LoomConfig['app']['rest']['rateLimit'];

type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> | undefined }
    : T;

/**
 * What a configuration built in code may look like before {@link resolveConfig}: any key may be left
 * out (its default applies) except `app.name`.
 *
 * @example
 * ```ts
 * const input: LoomConfigInput = { app: { name: 'store' }, database: { url: 'sqlite::memory:' } };
 * ```
 */
export type LoomConfigInput = DeepPartial<Omit<LoomConfig, 'app'>> & {
  app: DeepPartial<AppConfig> & { name: string };
};
