import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';

type ChildLoggerFactory = NonNullable<FastifyServerOptions['childLoggerFactory']>;

type Bindings = Parameters<FastifyBaseLogger['child']>[0];
type ChildOptions = Parameters<FastifyBaseLogger['child']>[1];
type LogArgs = Parameters<FastifyBaseLogger['info']>;

/**
 * `request.log` of a loom server: the per-request child logger (bound to the request's `traceId`),
 * made only when something logs through it. Fastify makes a child logger for every request; a loom
 * server writes its request line through a logger bound per route (`observeHttp`), so most requests
 * never use theirs, and pino's `child()` (bindings serialized, a new logger object) was paid for nothing.
 * Anything that logs through `request.log` — Fastify's error lines, plugins, routes added by the
 * application — gets the same child pino would have made, on first use.
 */
class LazyRequestLogger implements FastifyBaseLogger {
  #logger: FastifyBaseLogger | undefined;
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  readonly #options: ChildOptions;

  constructor(parent: FastifyBaseLogger, bindings: Bindings, options: ChildOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  #real(): FastifyBaseLogger {
    if (this.#logger === undefined) this.#logger = this.#parent.child(this.#bindings, this.#options);
    return this.#logger;
  }

  get level(): string {
    return this.#logger?.level ?? this.#options?.level ?? this.#parent.level;
  }

  set level(level: string) {
    this.#real().level = level;
  }

  child(bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
    return this.#real().child(bindings, options);
  }

  fatal(...args: LogArgs): void {
    this.#real().fatal(...args);
  }

  error(...args: LogArgs): void {
    this.#real().error(...args);
  }

  warn(...args: LogArgs): void {
    this.#real().warn(...args);
  }

  info(...args: LogArgs): void {
    this.#real().info(...args);
  }

  debug(...args: LogArgs): void {
    this.#real().debug(...args);
  }

  trace(...args: LogArgs): void {
    this.#real().trace(...args);
  }

  silent(...args: LogArgs): void {
    this.#real().silent(...args);
  }
}

/**
 * Fastify's `childLoggerFactory` for loom servers: `request.log` is made on first use (see
 * {@link LazyRequestLogger}); what it logs is what the default factory's child would log.
 *
 * @example
 * ```ts
 * Fastify({ loggerInstance: logger, childLoggerFactory: lazyRequestLogger });
 * ```
 */
export const lazyRequestLogger: ChildLoggerFactory = (logger, bindings, options) =>
  new LazyRequestLogger(logger, bindings, options);
