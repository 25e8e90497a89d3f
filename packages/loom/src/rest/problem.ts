import { type LoomError, MethodNotAllowed } from '../errors/index.ts';

/** The media type of every error body (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/**
 * Problem `type` URIs are `urn:loom:problem:<slug>` by default, the slug being the error code without
 * `LOOM_`, lower-cased and dashed (`LOOM_NOT_FOUND` → `not-found`). They are stable identifiers that
 * clients may match on, like `code`; a URN does not pretend to resolve and names no domain loom does not
 * own. An app that documents its problems on its own site sets `app.rest.problemTypeBase`
 * (`https://api.example.com/problems/`).
 */
export const PROBLEM_TYPE_BASE = 'urn:loom:problem:';

/** An RFC 9457 problem document as loom writes it. */
export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** loom's stable error code (`LOOM_NOT_FOUND`). */
  readonly code: string;
  /** The request's trace id (the `x-request-id` it came with, or a generated one). */
  readonly traceId: string;
  /** The request path the problem occurred on (absent when the request could not be parsed). */
  readonly instance?: string;
  /** Per kind: `violations`, `errors`, `entity`/`id`, `parameter`, `constraint`/`kind`, `allowed`. */
  readonly [extension: string]: unknown;
}

const GENERIC_DETAIL: Readonly<Record<number, string>> = {
  500: 'An unexpected error occurred.',
  503: 'The service is temporarily unavailable; retry later.',
};

/**
 * The problem `type` URI of an error code.
 *
 * @example
 * ```ts
 * problemTypeOf('LOOM_NOT_FOUND'); // 'urn:loom:problem:not-found'
 * ```
 */
export function problemTypeOf(code: string, base: string = PROBLEM_TYPE_BASE): string {
  return (
    base +
    code
      .replace(/^LOOM_/, '')
      .toLowerCase()
      .replaceAll('_', '-')
  );
}

/**
 * The problem document of a loom error. Server errors (5xx) carry a generic detail: their message may
 * hold internals and stays in the logs.
 *
 * @example
 * ```ts
 * problemOf(new NotFound('User', 7), { traceId: 'abc', instance: '/users/7' });
 * // { type: 'urn:loom:problem:not-found', title: 'Not Found', status: 404,
 * //   detail: 'User 7 not found', code: 'LOOM_NOT_FOUND', traceId: 'abc', instance: '/users/7', entity: 'User', id: 7 }
 * ```
 */
export function problemOf(
  error: LoomError,
  context: { readonly traceId: string; readonly instance?: string; readonly typeBase?: string },
): ProblemDocument {
  const status = error.status;
  const doc: Record<string, unknown> = {
    type: problemTypeOf(error.code, context.typeBase),
    title: error.title,
    status,
    detail: status >= 500 ? (GENERIC_DETAIL[status] ?? GENERIC_DETAIL[500]) : error.message,
    code: error.code,
    traceId: context.traceId,
  };
  if (context.instance !== undefined) doc.instance = context.instance;
  if (status < 500) {
    for (const [key, value] of Object.entries(error.problemExtensions())) {
      if (!(key in doc)) doc[key] = value;
    }
  }
  if (error instanceof MethodNotAllowed) doc.allowed = error.allowed;
  return doc as ProblemDocument;
}
