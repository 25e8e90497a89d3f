import pino from 'pino';
import type { Logger } from '../use-case/services.ts';

export interface LoggerOptions {
  readonly level: string;
  readonly pretty: boolean;
  readonly name?: string;
}

/**
 * The application logger: pino, JSON lines in production, human-readable lines when `pretty` is on.
 * Secrets never reach it: configuration is logged only through `redactConfig`.
 *
 * @example
 * ```ts
 * const logger = createLogger({ level: 'info', pretty: false, name: 'store' });
 * logger.info({ traceId }, 'request done');
 * ```
 */
export function createLogger(options: LoggerOptions): pino.Logger & Logger {
  return pino({
    level: options.level,
    ...(options.name ? { name: options.name } : {}),
    ...(options.pretty
      ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } }
      : {}),
  });
}
