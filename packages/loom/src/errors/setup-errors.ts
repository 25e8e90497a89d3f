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
