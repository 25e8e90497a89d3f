import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigError } from '../errors/index.ts';
import type { LoomConfig, LoomConfigInput } from './config-schema.ts';
import { ConfigSources } from './config-sources.ts';
import { resolveConfig } from './resolve-config.ts';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveConfig: defaults', () => {
  it('fills every section and key from a config holding only app.name', () => {
    expect(resolveConfig({ app: { name: 'store' } })).toEqual({
      app: {
        name: 'store',
        discovery: { mode: 'modules', modules: [] },
        rest: {
          title: 'store',
          version: '0.1.0',
          docsPath: '/docs',
          openapiPath: '/openapi.json',
          bodyLimit: 1_048_576,
          limits: { jsonDepth: 64, arrayItems: 1000, queryParameters: 100 },
          host: '127.0.0.1',
          port: 8000,
          ambientContext: false,
          unknownQuery: 'ignore',
          docsEnabled: true,
          openapiEnabled: true,
          problemTypeBase: 'urn:loom:problem:',
          cors: {
            enabled: false,
            origins: [],
            methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
            allowedHeaders: ['content-type', 'authorization', 'x-api-key', 'x-request-id', 'if-match'],
            exposedHeaders: ['x-request-id', 'etag', 'retry-after', 'www-authenticate'],
            credentials: false,
            maxAgeSeconds: 600,
          },
          securityHeaders: { enabled: false, contentSecurityPolicy: true, hsts: true },
          rateLimit: { enabled: false, max: 100, windowMs: 60_000, keyPrefix: 'loom:ratelimit:' },
        },
        shutdown: { timeoutMs: 30_000, drainDelayMs: 0 },
        runtime: { allocationSitePretenuring: false },
      },
      auth: { enabled: false, endpoints: {} },
      database: {
        url: 'sqlite:./loom.db',
        poolSize: 10,
        logStatements: false,
        profileReads: 'joined',
        preparedStatements: true,
        applicationName: 'loom',
        connectTimeoutMs: 5_000,
        statementTimeoutMs: 30_000,
        idleInTransactionTimeoutMs: 60_000,
        sync: 'create',
      },
      jobs: {
        backend: 'inprocess',
        prefix: 'loom',
        concurrency: 4,
        queues: ['default'],
        overrides: {},
        dashboard: { enabled: false, path: '/jobs', readOnly: true },
      },
      cache: {
        enabled: false,
        backend: 'auto',
        ttlSeconds: 60,
        maxEntries: 10_000,
        ttl: {},
      },
      logger: { level: 'info', pretty: false, requestLogging: true },
      trace: {
        enabled: true,
        serviceName: 'store',
        header: 'x-request-id',
        sampleRatio: 1,
        resourceAttributes: {},
      },
      metrics: { enabled: true, path: '/metrics' },
      health: { enabled: true, livePath: '/health/live', readyPath: '/health/ready', checkTimeoutMs: 2_000 },
    });
  });

  it('keeps explicit values and does not override an explicit title or service name', () => {
    const input: LoomConfigInput = {
      app: { name: 'store', rest: { title: 'Store API', port: 3000 } },
      trace: { serviceName: 'store-api' },
      database: { url: 'postgres://127.0.0.1/test', poolSize: 2 },
    };
    const config = resolveConfig(input);
    expect(config.app.rest).toMatchObject({ title: 'Store API', port: 3000, docsPath: '/docs' });
    expect(config.trace.serviceName).toBe('store-api');
    expect(config.database).toMatchObject({ url: 'postgres://127.0.0.1/test', poolSize: 2, sync: 'create' });
  });

  it('types the resolved config as fully defaulted, with enums as literal unions', () => {
    const config = resolveConfig({ app: { name: 'store' } });
    expectTypeOf(config).toEqualTypeOf<LoomConfig>();
    expectTypeOf(config.app.rest.port).toEqualTypeOf<number>();
    expectTypeOf(config.app.rest.title).toEqualTypeOf<string>();
    expectTypeOf(config.jobs.backend).toEqualTypeOf<'inprocess' | 'bullmq' | 'eager'>();
    expectTypeOf(config.database.sync).toEqualTypeOf<'create' | 'migrate' | 'none'>();
    expectTypeOf(config.app.cursorSecret).toEqualTypeOf<string | undefined>();
    expectTypeOf(config.jobs.overrides).toEqualTypeOf<
      Record<
        string,
        { queue?: string; retries?: number; backoffMs?: number; timeoutMs?: number; priority?: number }
      >
    >();
    expect(config.jobs.backend).toBe('inprocess');
  });

  it('treats null (an empty YAML value) as unset, so the default applies', () => {
    const config = resolveConfig({ app: { name: 'store', rest: { port: null } }, logger: null });
    expect(config.app.rest.port).toBe(8000);
    expect(config.logger.level).toBe('info');
  });

  it('does not share default lists between configs and freezes the result', () => {
    const a = resolveConfig({ app: { name: 'a' } });
    const b = resolveConfig({ app: { name: 'b' } });
    expect(a.jobs.queues).not.toBe(b.jobs.queues);
    expect(Object.isFrozen(a.app.rest)).toBe(true);
    expect(() => {
      (a.jobs.queues as string[]).push('x');
    }).toThrow(TypeError);
  });
});

describe('resolveConfig: conversions', () => {
  it('converts strings that spell numbers and booleans where the schema expects them', () => {
    const config = resolveConfig({
      app: { name: 'store', rest: { port: '8080' } },
      database: { logStatements: 'TRUE' },
      metrics: { enabled: 'false' },
    });
    expect(config.app.rest.port).toBe(8080);
    expect(config.database.logStatements).toBe(true);
    expect(config.metrics.enabled).toBe(false);
  });

  it('accepts enum values in any case (loom-py configs write INFO)', () => {
    const config = resolveConfig({
      app: { name: 'store' },
      logger: { level: 'INFO' },
      jobs: { backend: 'Eager' },
    });
    expect(config.logger.level).toBe('info');
    expect(config.jobs.backend).toBe('eager');
  });
});

describe('resolveConfig: unknown keys', () => {
  it('rejects an unknown key anywhere, naming its path and suggesting the close one', () => {
    const message = messageOf(() => resolveConfig({ app: { name: 'store', rest: { bodyLimt: 10 } } }));
    expect(message).toContain('app.rest.bodyLimt: unknown key; did you mean "bodyLimit"?');
  });

  it('names the snake_case spelling and its camelCase key', () => {
    expect(messageOf(() => resolveConfig({ app: { name: 's' }, database: { pool_size: 3 } }))).toContain(
      'database.pool_size: unknown key; did you mean "poolSize"?',
    );
  });

  it('rejects unknown top-level sections and keys inside job overrides', () => {
    const message = messageOf(() =>
      resolveConfig({
        app: { name: 's' },
        celery: { brokerUrl: 'redis://x' },
        jobs: { overrides: { SendEmail: { retries: 2, colour: 'red' } } },
      }),
    );
    expect(message).toContain('celery: unknown key (known keys: app, database, jobs');
    expect(message).toContain('jobs.overrides.SendEmail.colour: unknown key');
  });

  it('names the file and line the unknown key came from when sources are known', () => {
    const sources = new ConfigSources(['/srv/config/api.yaml']);
    sources.set(['app', 'rest', 'prot'], { file: '/srv/config/api.yaml', line: 6 });
    const message = messageOf(() => resolveConfig({ app: { name: 's', rest: { prot: 1 } } }, sources));
    expect(message).toContain('app.rest.prot (/srv/config/api.yaml:6): unknown key; did you mean "port"?');
  });
});

describe('resolveConfig: wrong types and values', () => {
  it('reports wrong types with the expected type and what was found', () => {
    const message = messageOf(() =>
      resolveConfig({
        app: { name: 'store', rest: { port: 'eighty' } },
        database: { logStatements: 'yes' },
        jobs: { queues: 'default' },
      }),
    );
    expect(message).toContain('app.rest.port: must be an integer, got "eighty"');
    expect(message).toContain('database.logStatements: must be a boolean (true or false), got "yes"');
    expect(message).toContain('jobs.queues: must be a list, got "default"');
  });

  it('hints at quoting when YAML made a number of an intended string', () => {
    expect(messageOf(() => resolveConfig({ app: { name: 's', rest: { version: 1.1 } } }))).toContain(
      'app.rest.version: must be a string, got 1.1 (quote it in YAML)',
    );
  });

  it('lists the allowed values of an enum', () => {
    expect(messageOf(() => resolveConfig({ app: { name: 's' }, database: { sync: 'drop' } }))).toContain(
      'database.sync: must be one of "create", "migrate", "none", got "drop"',
    );
  });

  it('requires app.name and reports every problem at once', () => {
    const message = messageOf(() => resolveConfig({ app: { rest: { port: 70_000, docsPath: 'docs' } } }));
    expect(message).toContain('Invalid configuration (3 problems)');
    expect(message).toContain('app.name: is required');
    expect(message).toContain('app.rest.port: must be <= 65535, got 70000');
    expect(message).toContain('app.rest.docsPath: must be a URL path starting with "/"');
  });

  it('never prints the value of a secret-looking key', () => {
    const message = messageOf(() => resolveConfig({ app: { name: 's', cursorSecret: 12345 } }));
    expect(message).toContain('app.cursorSecret: must be a string, got a number');
    expect(message).not.toContain('12345');
  });

  it('rejects a configuration that is not a mapping', () => {
    expect(messageOf(() => resolveConfig(['app'] as unknown as LoomConfigInput))).toContain(
      '(root): must be a mapping of sections',
    );
  });
});

describe('resolveConfig: rules across keys', () => {
  it('checks the database URL', () => {
    expect(
      messageOf(() => resolveConfig({ app: { name: 's' }, database: { url: 'mysql://u:pw@h/db' } })),
    ).toContain('database.url: Invalid database URL "mysql://u:***@h/db"');
  });

  it('requires a manifest in manifest mode and a Redis URL for bullmq', () => {
    const message = messageOf(() =>
      resolveConfig({ app: { name: 's', discovery: { mode: 'manifest' } }, jobs: { backend: 'bullmq' } }),
    );
    expect(message).toContain('app.discovery.manifest: is required when app.discovery.mode is "manifest"');
    expect(message).toContain('jobs.redisUrl: is required when jobs.backend is "bullmq"');
  });

  it('requires job override queues to be declared queues', () => {
    const message = messageOf(() =>
      resolveConfig({
        app: { name: 's' },
        jobs: { queues: ['default', 'emails'], overrides: { SendEmail: { queue: 'notifications' } } },
      }),
    );
    expect(message).toContain('jobs.overrides.SendEmail.queue: queue "notifications" is not in jobs.queues');
  });

  it('rejects two mounted endpoints on the same path', () => {
    expect(
      messageOf(() =>
        resolveConfig({ app: { name: 's' }, jobs: { dashboard: { enabled: true, path: '/docs/' } } }),
      ),
    ).toContain('jobs.dashboard.path: "/docs/" is already used by app.rest.docsPath');
  });

  it('accepts a consistent bullmq + redis cache setup', () => {
    const config = resolveConfig({
      app: { name: 's', discovery: { mode: 'manifest', manifest: './src/manifest.ts' } },
      jobs: {
        backend: 'bullmq',
        redisUrl: 'redis://127.0.0.1:6379',
        overrides: { SendEmail: { retries: 2 } },
      },
      cache: { enabled: true, backend: 'redis' },
    });
    expect(config.jobs.overrides).toEqual({ SendEmail: { retries: 2 } });
  });
});
