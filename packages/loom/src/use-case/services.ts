import type { Token } from '../context/container.ts';
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
}
