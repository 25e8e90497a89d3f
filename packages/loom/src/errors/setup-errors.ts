/**
 * The application needs a package that is not installed: a database driver or queue client that loom
 * lists as an optional peer dependency (pg, bullmq, ioredis, @bull-board/*). The message says which
 * setting asked for it and the command that installs it.
 *
 * @example
 * ```ts
 * throw new MissingPackage('pg', 'database.url is a PostgreSQL URL');
 * // database.url is a PostgreSQL URL, which needs the package "pg": npm install pg
 * ```
 */
export class MissingPackage extends Error {
  readonly code = 'LOOM_MISSING_PACKAGE';
  /** The packages to install. */
  readonly packages: readonly string[];
  constructor(packages: string | readonly string[], reason: string) {
    const list = typeof packages === 'string' ? [packages] : packages;
    const names = list.map((p) => `"${p}"`).join(' and ');
    super(
      `${reason}, which needs the package${list.length > 1 ? 's' : ''} ${names}: npm install ${list.join(' ')}`,
    );
    this.packages = list;
    this.name = 'MissingPackage';
  }
}

/**
 * An application module written in TypeScript cannot be loaded because this Node.js does not strip
 * types (Node < 22.18, or type stripping turned off). The message names the file and the ways out.
 *
 * @example
 * ```ts
 * throw new TypeScriptUnsupported('/app/src/user/model.ts');
 * ```
 */
export class TypeScriptUnsupported extends Error {
  readonly code = 'LOOM_TYPESCRIPT_UNSUPPORTED';
  readonly file: string;
  constructor(file: string) {
    super(
      `cannot load ${file}: Node.js ${process.version} does not run TypeScript files. ` +
        'Use Node.js 22.18 or later (24 recommended), where type stripping is on by default; ' +
        'or compile the application to JavaScript and point the config at the .js files; ' +
        'or start Node with a TypeScript loader (node --import tsx).',
    );
    this.file = file;
    this.name = 'TypeScriptUnsupported';
  }
}

/**
 * An application service could not be registered, built, reached or disposed: a name without a
 * provider, a dependency cycle (with its path), a failing factory (naming the service), a call-scoped
 * service read outside a use case.
 *
 * @example
 * ```ts
 * throw new ServiceError('services: dependency cycle mailer → clock → mailer');
 * ```
 */
export class ServiceError extends Error {
  readonly code = 'LOOM_SERVICE';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ServiceError';
  }
}

/** One way a live table differs from its model: which table and column, and what differs. */
export interface SchemaDifference {
  readonly table: string;
  readonly column: string;
  /** What differs, e.g. `missing from the table`, `type is text, the model wants integer`. */
  readonly problem: string;
}

/**
 * The database's tables do not match the models (`database.sync: create` found at boot a column the
 * table lacks, a type or nullability that differs, a NOT NULL column the models do not know). Serving
 * would show `null` for the missing data and fail writes with 500s, so the app refuses to start. The
 * message lists every difference and the way out (a migration).
 *
 * @example
 * ```ts
 * throw new SchemaDrift([{ table: 'products', column: 'weight', problem: 'missing from the table' }]);
 * ```
 */
export class SchemaDrift extends Error {
  readonly code = 'LOOM_SCHEMA_DRIFT';
  readonly differences: readonly SchemaDifference[];
  constructor(differences: readonly SchemaDifference[]) {
    super(
      `the database does not match the models (database.sync: create only creates missing tables):\n${differences
        .map((d) => `  - ${d.table}.${d.column}: ${d.problem}`)
        .join(
          '\n',
        )}\nChange the tables with a migration (loom db make-migration, then database.sync: migrate; adopt this database with loom db migrate --baseline first), or recreate the database.`,
    );
    this.differences = differences;
    this.name = 'SchemaDrift';
  }
}

/**
 * A worker process that could never run a job refuses to start: its queue backend is one no other
 * process can publish to (`inprocess`, `eager`: the API runs those jobs itself), or the queue engine
 * (Redis for `bullmq`) cannot be reached within its connect timeout. The message says which, and
 * what to change. `loom worker` prints it and exits 1.
 *
 * @example
 * ```ts
 * throw new WorkerBackendUnusable('jobs.backend is "inprocess": …');
 * ```
 */
export class WorkerBackendUnusable extends Error {
  readonly code = 'LOOM_WORKER_BACKEND';
  constructor(reason: string) {
    super(`the worker cannot start: ${reason}`);
    this.name = 'WorkerBackendUnusable';
  }
}
