import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { type LoomConfig, redactUrl } from '../config/index.ts';
import { TooManyRequests } from '../errors/index.ts';
import { requirePeer } from '../errors/require-peer.ts';
import type { Logger } from '../use-case/services.ts';
import { redisRateLimitStore } from './rate-limit-store.ts';

/** What {@link httpHardening} sets up, for `createRestServer({ plugins })`. */
export interface HttpHardening {
  /** Registers the configured plugins; undefined when nothing is configured. */
  readonly plugins: ((app: FastifyInstance) => void) | undefined;
  /** Swagger UI must send its own CSP (security headers are on). */
  readonly docsStaticCsp: boolean;
}

/**
 * CORS (@fastify/cors), security headers (@fastify/helmet) and rate limits (@fastify/rate-limit) from
 * `app.rest.cors`, `app.rest.securityHeaders` and `app.rest.rateLimit`. Each plugin is imported only when
 * its section is enabled (they are optional peer dependencies). Rate limits count in Redis when
 * `rateLimit.redisUrl` (or `REDIS_URL`) is set, so they hold across processes, and fail open when
 * Redis does not answer; without Redis each process counts for itself. Over the limit: 429 problem
 * with `Retry-After`.
 *
 * @example
 * ```ts
 * const hardening = await httpHardening(config, logger);
 * createRestServer({ ...options, plugins: hardening.plugins });
 * ```
 */
export async function httpHardening(config: LoomConfig, logger: Logger): Promise<HttpHardening> {
  const rest = config.app.rest;
  const steps: ((app: FastifyInstance) => void)[] = [];
  if (rest.cors.enabled) {
    const { default: cors } = await requirePeer<typeof import('@fastify/cors')>(
      '@fastify/cors',
      'app.rest.cors.enabled is true',
    );
    const c = rest.cors;
    steps.push((app) => {
      app.register(cors, {
        origin: c.origins.includes('*') ? '*' : [...c.origins],
        credentials: c.credentials,
        methods: [...c.methods],
        allowedHeaders: [...c.allowedHeaders],
        exposedHeaders: [...c.exposedHeaders],
        maxAge: c.maxAgeSeconds,
      });
    });
  }
  if (rest.securityHeaders.enabled) {
    const { default: helmet } = await requirePeer<typeof import('@fastify/helmet')>(
      '@fastify/helmet',
      'app.rest.securityHeaders.enabled is true',
    );
    const h = rest.securityHeaders;
    steps.push((app) => {
      app.register(helmet, {
        contentSecurityPolicy: h.contentSecurityPolicy,
        hsts: h.hsts,
      });
    });
  }
  if (rest.rateLimit.enabled) steps.push(await rateLimiting(config, logger));
  return {
    plugins:
      steps.length === 0
        ? undefined
        : (app) => {
            for (const step of steps) step(app);
          },
    docsStaticCsp: rest.securityHeaders.enabled && rest.securityHeaders.contentSecurityPolicy,
  };
}

async function rateLimiting(config: LoomConfig, logger: Logger): Promise<(app: FastifyInstance) => void> {
  const { default: rateLimit } = await requirePeer<typeof import('@fastify/rate-limit')>(
    '@fastify/rate-limit',
    'app.rest.rateLimit.enabled is true',
  );
  const r = config.app.rest.rateLimit;
  const url = r.redisUrl ?? process.env.REDIS_URL;
  let redis: Redis | undefined;
  if (url !== undefined && url !== '') {
    const { Redis } = await requirePeer<typeof import('ioredis')>(
      'ioredis',
      'app.rest.rateLimit counts in Redis (redisUrl or REDIS_URL is set)',
    );
    // Fail fast instead of queueing: a request must not wait for a Redis that is not there.
    redis = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 250,
      connectTimeout: 1_000,
    });
    redis.on('error', () => {}); // reported per failed command by the store (throttled)
    // Without an offline queue, commands sent before the connection is up fail: wait for it (bounded),
    // so a healthy Redis counts from the first request; an absent one is logged and boot goes on.
    if (!(await readyWithin(redis, 2_000)))
      logger.warn(
        { redisUrl: redactUrl(url) },
        'rate limit: Redis is not reachable; requests are let through uncounted',
      );
  }
  const prefix = `${r.keyPrefix}${config.app.name}:`;
  return (app) => {
    app.register(rateLimit, {
      global: true,
      max: r.max,
      timeWindow: r.windowMs,
      skipOnError: true,
      ...(redis === undefined ? {} : { store: redisRateLimitStore(redis, prefix, logger) }),
      errorResponseBuilder: (_request, context) =>
        new TooManyRequests(
          `more than ${context.max} requests in ${Math.round(context.ttl / 1000) || 1} s: retry after ${context.after}`,
          Math.max(1, Math.ceil(context.ttl / 1000)),
        ),
    });
    if (redis !== undefined) {
      const client = redis;
      app.addHook('onClose', async () => {
        await client.quit().catch(() => client.disconnect());
      });
    }
  };
}

/** Resolves true once the client is ready, false after `ms` (or on a connection error). */
function readyWithin(redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('error', onError);
      resolve(ok);
    };
    const onReady = () => done(true);
    const onError = () => done(false);
    const timer = setTimeout(() => done(false), ms);
    redis.once('ready', onReady);
    redis.once('error', onError);
  });
}
