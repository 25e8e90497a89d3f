import { type FieldError, LoomError, type Violation } from './loom-error.ts';

/**
 * An entity looked up by id (or by a field) does not exist. → 404
 *
 * @example
 * ```ts
 * throw new NotFound('Product', 7);
 * ```
 */
export class NotFound extends LoomError {
  readonly code = 'LOOM_NOT_FOUND';
  readonly status = 404;
  readonly title = 'Not Found';
  readonly entity: string;
  readonly id: unknown;
  constructor(entity: string, id: unknown, detail?: string) {
    super(detail ?? `${entity} ${String(id)} not found`);
    this.entity = entity;
    this.id = id;
  }
  override problemExtensions() {
    return { entity: this.entity, id: this.id };
  }
}

/**
 * One or more business rules failed. All rules of a use case run; their violations arrive together. → 422
 *
 * @example
 * ```ts
 * throw new RuleViolations([{ field: 'email', message: 'email already exists' }]);
 * ```
 */
export class RuleViolations extends LoomError {
  readonly code = 'LOOM_RULE_VIOLATIONS';
  readonly status = 422;
  readonly title = 'Unprocessable Entity';
  readonly violations: readonly Violation[];
  constructor(violations: readonly Violation[]) {
    super(violations.map((v) => (v.field ? `${v.field}: ${v.message}` : v.message)).join('; '));
    this.violations = violations;
  }
  override problemExtensions() {
    return { violations: this.violations };
  }
}

/**
 * A payload does not match its declared schema (types, required fields, lengths). → 422
 *
 * @example
 * ```ts
 * throw new ValidationError([{ path: 'email', message: 'required' }]);
 * ```
 */
export class ValidationError extends LoomError {
  readonly code = 'LOOM_VALIDATION';
  readonly status = 422;
  readonly title = 'Validation Failed';
  readonly errors: readonly FieldError[];
  constructor(errors: readonly FieldError[]) {
    super(errors.map((e) => `${e.path || '(root)'}: ${e.message}`).join('; '));
    this.errors = errors;
  }
  override problemExtensions() {
    return { errors: this.errors };
  }
}

/**
 * The database refused a value (out of range, too long, malformed, NUL): a data error that validation
 * did not catch first. The detail is loom's own words, never the database's text. → 422
 *
 * @example
 * ```ts
 * throw new InvalidData('a number is out of range for its column');
 * ```
 */
export class InvalidData extends LoomError {
  readonly code = 'LOOM_INVALID_DATA';
  readonly status = 422;
  readonly title = 'Unprocessable Content';
}

/**
 * A unique, foreign-key or other integrity constraint refused a write. → 409. The problem names the
 * constraint and its fields (`violations`), in loom's words: never the database's text.
 *
 * @example
 * ```ts
 * throw new Conflict('uq_users_email', 'unique', 'users', 'a User with this email already exists', [
 *   { field: 'email', message: 'already exists' },
 * ]);
 * ```
 */
export class Conflict extends LoomError {
  readonly code = 'LOOM_CONFLICT';
  readonly status = 409;
  readonly title = 'Conflict';
  readonly kind: 'unique' | 'foreign_key' | 'not_null' | 'check';
  readonly table: string;
  /** The constraint's name when the database reports it, else null. */
  readonly constraint: string | null;
  /** The fields the constraint covers, each with what is wrong (`email: already exists`). */
  readonly violations: readonly Violation[];
  constructor(
    constraint: string | null,
    kind: 'unique' | 'foreign_key' | 'not_null' | 'check',
    table: string,
    detail?: string,
    violations: readonly Violation[] = [],
  ) {
    super(
      detail ??
        `${kind.replace('_', ' ')} constraint ${constraint ?? ''} violated on ${table}`.replace('  ', ' '),
    );
    this.constraint = constraint;
    this.kind = kind;
    this.table = table;
    this.violations = violations;
  }
  override problemExtensions() {
    return { constraint: this.constraint, kind: this.kind, violations: this.violations };
  }
}

/**
 * The request carries no valid credentials for a guarded resource (the job dashboard's token). → 401
 *
 * @example
 * ```ts
 * throw new Unauthorized('the job dashboard needs its token (Authorization: Bearer …)');
 * ```
 */
export class Unauthorized extends LoomError {
  readonly code = 'LOOM_UNAUTHORIZED';
  readonly status = 401;
  readonly title = 'Unauthorized';
  /** The `WWW-Authenticate` challenge sent with the 401 (RFC 9110 §11.6.1), when the thrower knows it. */
  readonly challenge: string | undefined;
  constructor(message: string, challenge?: string) {
    super(message);
    this.challenge = challenge;
  }
}

/**
 * The caller may not do this. → 403
 *
 * @example
 * ```ts
 * throw new Forbidden('only the owner may cancel an order');
 * ```
 */
export class Forbidden extends LoomError {
  readonly code = 'LOOM_FORBIDDEN';
  readonly status = 403;
  readonly title = 'Forbidden';
}

/**
 * A query-string or path parameter is malformed or unknown. → 400
 *
 * @example
 * ```ts
 * throw new BadRequest('unknown filter field "colour"', 'colour__eq');
 * ```
 */
export class BadRequest extends LoomError {
  readonly code: string = 'LOOM_BAD_REQUEST';
  readonly status = 400;
  readonly title = 'Bad Request';

  /** The offending parameter, when there is one. */
  readonly parameter: string | undefined;
  constructor(message: string, parameter?: string) {
    super(message);
    this.parameter = parameter;
  }
  override problemExtensions(): Record<string, unknown> {
    return this.parameter === undefined ? {} : { parameter: this.parameter };
  }
}

/** A query names a field that does not exist or cannot be filtered/sorted on. → 400 */
export class InvalidQuery extends BadRequest {
  override readonly code = 'LOOM_INVALID_QUERY';
}

/** A pagination cursor is malformed, forged, or belongs to another query. → 400 */
export class InvalidCursor extends BadRequest {
  override readonly code = 'LOOM_INVALID_CURSOR';
}

/** The request body is not valid JSON. → 400 */
export class MalformedBody extends BadRequest {
  override readonly code = 'LOOM_MALFORMED_BODY';
}

/** The request body is larger than the configured limit. → 413 */
export class PayloadTooLarge extends LoomError {
  readonly code = 'LOOM_PAYLOAD_TOO_LARGE';
  readonly status = 413;
  readonly title = 'Payload Too Large';
}

/**
 * A request asks more of the server than a configured limit allows: a JSON body nested too deep (413),
 * too many query parameters (400). The problem names the limit (`limit`, `max`).
 *
 * @example
 * ```ts
 * throw new LimitExceeded('jsonDepth', 64, 413, 'the JSON body nests deeper than 64 levels');
 * ```
 */
export class LimitExceeded extends LoomError {
  readonly code = 'LOOM_LIMIT_EXCEEDED';
  readonly status: 400 | 413;
  readonly title: string;
  /** The configuration key of the limit (`jsonDepth`, `queryParameters`). */
  readonly limit: string;
  readonly max: number;
  constructor(limit: string, max: number, status: 400 | 413, message: string) {
    super(message);
    this.limit = limit;
    this.max = max;
    this.status = status;
    this.title = status === 413 ? 'Content Too Large' : 'Bad Request';
  }
  override problemExtensions() {
    return { limit: this.limit, max: this.max };
  }
}

/** The request body's content type is not JSON. → 415 */
export class UnsupportedMediaType extends LoomError {
  readonly code = 'LOOM_UNSUPPORTED_MEDIA_TYPE';
  readonly status = 415;
  readonly title = 'Unsupported Media Type';
}

/** No route matches the path. → 404 */
export class RouteNotFound extends LoomError {
  readonly code = 'LOOM_ROUTE_NOT_FOUND';
  readonly status = 404;
  readonly title = 'Not Found';
}

/** The path exists but not for this method. → 405 */
export class MethodNotAllowed extends LoomError {
  readonly code = 'LOOM_METHOD_NOT_ALLOWED';
  readonly status = 405;
  readonly title = 'Method Not Allowed';
  readonly allowed: readonly string[];
  constructor(message: string, allowed: readonly string[]) {
    super(message);
    this.allowed = allowed;
  }
}

/** A backing service (database, queue) is unavailable for now. → 503 */
export class ServiceUnavailable extends LoomError {
  readonly code = 'LOOM_SERVICE_UNAVAILABLE';
  readonly status = 503;
  readonly title = 'Service Unavailable';
}

/**
 * The database could not serve the call in time: unreachable, the connection was lost under the
 * statement, no pooled connection within the acquire timeout, or a statement or idle-in-transaction
 * timeout ran out. The work was not done (a transaction was rolled back); the caller may retry after
 * `retryAfterSeconds` (the `Retry-After` header). The message stays in the logs, never in the
 * response. → 503
 *
 * @example
 * ```ts
 * throw new DatabaseUnavailable('timeout', 'no pooled connection within 5000 ms', { cause: error });
 * ```
 */
export class DatabaseUnavailable extends LoomError {
  readonly code = 'LOOM_DATABASE_UNAVAILABLE';
  readonly status = 503;
  readonly title = 'Service Unavailable';
  /** `timeout`: a bound ran out; `unreachable`: refused, reset or terminated. */
  readonly reason: 'timeout' | 'unreachable';
  /** Seconds a client should wait before retrying. */
  readonly retryAfterSeconds: number;
  constructor(
    reason: 'timeout' | 'unreachable',
    message: string,
    options: { readonly cause?: unknown; readonly retryAfterSeconds?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
  }
}

/**
 * The client sent more requests than a rate limit allows (`app.rest.rateLimit` or a route's
 * `rateLimit`). The `Retry-After` header says when to come back. → 429
 *
 * @example
 * ```ts
 * throw new TooManyRequests('at most 100 requests per 60 s', 42);
 * ```
 */
export class TooManyRequests extends LoomError {
  readonly code = 'LOOM_RATE_LIMITED';
  readonly status = 429;
  readonly title = 'Too Many Requests';
  /** Seconds until the window resets. */
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
  override problemExtensions() {
    return { retryAfterSeconds: this.retryAfterSeconds };
  }
}

/** Anything unexpected. The message stays in the logs, never in the response. → 500 */
export class InternalError extends LoomError {
  readonly code = 'LOOM_INTERNAL';
  readonly status = 500;
  readonly title = 'Internal Server Error';
}

/**
 * A declaration is wrong (unknown field in a rule, `loadById` by an undeclared param, …). Thrown at boot,
 * never per request; the message names the declaration and the field.
 *
 * @example
 * ```ts
 * throw new DeclarationError('UpdateUser', 'rule.check names unknown field "emial"');
 * ```
 */
export class DeclarationError extends Error {
  readonly code = 'LOOM_DECLARATION';
  readonly declaration: string;
  constructor(declaration: string, reason: string) {
    super(`${declaration}: ${reason}`);
    this.declaration = declaration;
    this.name = 'DeclarationError';
  }
}

/** A configuration file is invalid: the message names the key path and the file. */
export class ConfigError extends Error {
  readonly code = 'LOOM_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
