import type { FastifyBaseLogger } from 'fastify';
import type pino from 'pino';

/** Fastify's own per-request lines, which loom replaces by one `request` line (see `observeHttp`). */
function isFastifyRequestLine(obj: unknown, msg: unknown): boolean {
  if (typeof obj !== 'object' || obj === null) return false;
  return (msg === 'incoming request' && 'req' in obj) || (msg === 'request completed' && 'res' in obj);
}

/**
 * The logger to hand Fastify: the application's pino logger (and every child Fastify makes of it, one
 * per request) without Fastify's two info lines per request ("incoming request", "request completed"):
 * loom logs one line per request instead, with its trace id, route, status, outcome and duration.
 * Everything else (errors, "Server listening at …") goes through unchanged.
 *
 * @example
 * ```ts
 * createRestServer({ kernel, interfaces, logger: fastifyLogger(logger) });
 * ```
 */
export function fastifyLogger(logger: pino.Logger): FastifyBaseLogger {
  return new Proxy(logger, {
    get(target, prop) {
      if (prop === 'info') {
        return (obj: unknown, ...rest: unknown[]) => {
          if (!isFastifyRequestLine(obj, rest[0]))
            (target.info as (...args: unknown[]) => void)(obj, ...rest);
        };
      }
      if (prop === 'child') {
        return (...args: Parameters<pino.Logger['child']>) =>
          fastifyLogger(target.child(...args) as unknown as pino.Logger);
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as unknown as FastifyBaseLogger;
}
