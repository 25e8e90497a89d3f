import { STATUS_CODES } from 'node:http';
import { databaseFailureOf } from '../db/connection-errors.ts';
import { dataErrorOf } from '../db/data-errors.ts';
import {
  BadRequest,
  DatabaseUnavailable,
  InternalError,
  LoomError,
  MalformedBody,
  PayloadTooLarge,
  RouteNotFound,
  UnsupportedMediaType,
} from '../errors/index.ts';

/**
 * A client error raised by Fastify or a plugin that has no entry of its own in loom's catalogue.
 *
 * @example
 * ```ts
 * new HttpClientError(431, 'request header fields too large').title; // 'Request Header Fields Too Large'
 * ```
 */
export class HttpClientError extends LoomError {
  readonly code = 'LOOM_HTTP_CLIENT_ERROR';
  readonly status: number;
  readonly title: string;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
    this.title = STATUS_CODES[status] ?? 'Client Error';
  }
}

interface FrameworkError {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
  validation?: unknown;
}

/**
 * Maps anything thrown while serving a request to loom's catalogue: loom errors as they are, Fastify's
 * body and URL errors to their 4xx counterparts, a database that is unreachable or past one of its
 * bounded waits to {@link DatabaseUnavailable} (503), database data errors (a refused value) to 422,
 * everything else to {@link InternalError} (`unexpected`
 * then tells the caller to log it: its message never reaches the client).
 *
 * @example
 * ```ts
 * toLoomError(Object.assign(new Error('x'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 })).error.status; // 413
 * ```
 */
export function toLoomError(error: unknown, bodyLimit: number): { error: LoomError; unexpected: boolean } {
  if (error instanceof LoomError) return { error, unexpected: error.status >= 500 };
  const e = (typeof error === 'object' && error !== null ? error : {}) as FrameworkError;
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return known(new PayloadTooLarge(`the request body exceeds the limit of ${bodyLimit} bytes`));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return known(new UnsupportedMediaType('the request body must be application/json'));
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return known(new MalformedBody('the request body is not valid JSON'));
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return known(new BadRequest('Content-Length does not match the length of the body'));
    case 'FST_ERR_BAD_URL':
      return known(new BadRequest('the URL is malformed (bad percent-encoding)'));
    case 'FST_ERR_NOT_FOUND':
      return known(new RouteNotFound('no route matches this path'));
  }
  const refused = dataErrorOf(error);
  if (refused) return known(refused);
  const status = typeof e.statusCode === 'number' ? e.statusCode : 0;
  if (status >= 400 && status < 500) {
    const message =
      typeof e.message === 'string' && e.message !== '' ? e.message : (STATUS_CODES[status] ?? 'Bad Request');
    return known(status === 400 ? new BadRequest(message) : new HttpClientError(status, message));
  }
  const failure = databaseFailureOf(error);
  if (failure !== null) {
    const message = error instanceof Error ? error.message : String(error);
    return known(new DatabaseUnavailable(failure, `database ${failure}: ${message}`, { cause: error }));
  }
  return { error: new InternalError('An unexpected error occurred.'), unexpected: true };
}

function known(error: LoomError): { error: LoomError; unexpected: boolean } {
  return { error, unexpected: false };
}
