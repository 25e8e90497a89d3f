import type { AppConfigSections, LoomConfig } from '../config/index.ts';
import type { Token } from '../context/container.ts';
import type { AppServices } from '../context/service-provider.ts';
import type { Database } from '../db/database.ts';
import type { AnyModel } from '../model/model.ts';
import type { Repository } from '../repository/repository.ts';
import type { Invoker } from './invoker-types.ts';
import type { JobService } from './job-service-types.ts';

/** The structured logger use cases and jobs get (pino-compatible subset). */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** What every use case, job and callback can reach besides its typed call. */
export interface UseCaseServices {
  readonly db: Database;
  /** The repository of another model. */
  repos<M extends AnyModel>(model: M): Repository<M>;
  /** Invoke other use cases (joins the current transaction). */
  readonly app: Invoker;
  /** Dispatch jobs (published after commit) or run them inline. */
  readonly jobs: JobService;
  readonly logger: Logger;
  /** A user-registered service from the container. */
  resolve<T>(token: Token<T>): T;
  /** The request's trace id when called over HTTP or from a job. */
  readonly traceId: string | undefined;
  /**
   * The application's own services (`createApp({ services })`), typed from the {@link AppServices}
   * registry. Call-scoped ones are built on first read and disposed when the invocation settles.
   */
  readonly services: AppServices;
  /** The resolved configuration: loom's sections plus the application's own ({@link AppConfigSections}). */
  readonly config: ContextConfig;
}

/** The configuration use cases and providers see: loom's sections and the application's own. */
export type ContextConfig = LoomConfig & AppConfigSections;
