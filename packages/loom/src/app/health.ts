import { CompiledQuery } from 'kysely';
import type { HealthConfig } from '../config/index.ts';
import { databaseFailureOf } from '../db/connection-errors.ts';
import type { RestServer } from '../rest/create-rest-server.ts';
import type { Assembly } from './assemble.ts';

/** The outcome of one readiness check. Details stay in the logs: the body names no host or SQL. */
export interface HealthCheck {
  readonly ok: boolean;
  readonly reason?: 'timeout' | 'unreachable' | 'error';
}

/** The body of `/health/ready`. */
export interface ReadinessReport {
  readonly status: 'ready' | 'unavailable' | 'draining';
  readonly checks: Readonly<Record<string, HealthCheck>>;
}

/** What the app keeps of its health endpoints: the switch SIGTERM flips. */
export interface HealthControl {
  /** From now on readiness answers 503 `draining` (liveness stays 200). Idempotent. */
  startDraining(): void;
  readonly draining: boolean;
}

const SELECT_ONE = CompiledQuery.raw('select 1');

/** Settles with `work`, or with `fallback` after `ms`; the timer never keeps the process alive. */
function bounded<T>(work: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
    timer.unref();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * Mounts the liveness and readiness endpoints (`health.livePath`, `health.readyPath`). Liveness is 200
 * as long as the process answers. Readiness runs its checks at each call, each bounded by
 * `health.checkTimeoutMs`: the database answers `select 1`, and with the BullMQ backend Redis answers
 * a ping; it is 503 (with `Retry-After`) when one fails or once draining started. Neither endpoint is in
 * the OpenAPI document: they are for the platform, not for API clients (docs/decisions/0005-database-outages.md).
 *
 * @example
 * ```ts
 * const health = mountHealth(server, assembly, config.health);
 * process.once('SIGTERM', () => health.startDraining());
 * ```
 */
export function mountHealth(server: RestServer, assembly: Assembly, config: HealthConfig): HealthControl {
  let draining = false;
  const control: HealthControl = {
    startDraining() {
      if (!draining) assembly.logger.info('draining: readiness now answers 503');
      draining = true;
    },
    get draining() {
      return draining;
    },
  };
  if (!config.enabled) return control;
  const { db, backend, logger } = assembly;
  const timeoutMs = config.checkTimeoutMs;

  const database = async (): Promise<HealthCheck> => {
    try {
      await db.execute(SELECT_ONE);
      return { ok: true };
    } catch (error) {
      logger.warn({ err: error }, 'readiness: the database did not answer');
      return { ok: false, reason: databaseFailureOf(error) ?? 'error' };
    }
  };
  const queue = async (): Promise<HealthCheck> => {
    const health = await backend.health();
    if (!health.ok) logger.warn({ detail: health.detail }, 'readiness: the job queue did not answer');
    return health.ok ? { ok: true } : { ok: false, reason: 'unreachable' };
  };
  const TIMED_OUT: HealthCheck = { ok: false, reason: 'timeout' };

  server.get(config.livePath, (_request, reply) => {
    reply.header('cache-control', 'no-store').send({ status: 'live' });
  });
  server.get(config.readyPath, async (_request, reply) => {
    const checks: Record<string, HealthCheck> = {};
    const [dbCheck, queueCheck] = await Promise.all([
      bounded(database(), timeoutMs, TIMED_OUT),
      backend.kind === 'bullmq' ? bounded(queue(), timeoutMs, TIMED_OUT) : undefined,
    ]);
    checks.database = dbCheck;
    if (queueCheck !== undefined) checks.queue = queueCheck;
    const healthy = Object.values(checks).every((c) => c.ok);
    const report: ReadinessReport = {
      status: draining ? 'draining' : healthy ? 'ready' : 'unavailable',
      checks,
    };
    reply.header('cache-control', 'no-store');
    if (report.status !== 'ready') reply.code(503).header('retry-after', '1');
    return report;
  });
  server.addHook('onClose', async () => {
    draining = true;
  });
  return control;
}
