import type { JsonSchema } from '../json-schema.ts';

/** The `Problem` component: an RFC 9457 problem document with loom's members and per-kind extensions. */
export const PROBLEM_SCHEMA: JsonSchema = {
  type: 'object',
  description:
    'RFC 9457 problem details. Members besides the standard ones appear only for their kind of error.',
  required: ['type', 'title', 'status', 'detail', 'code', 'traceId'],
  properties: {
    type: {
      type: 'string',
      format: 'uri',
      description:
        'The problem type: the configured base (default `urn:loom:problem:`) + the slug of `code`.',
    },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', description: 'Stable machine-readable code, e.g. LOOM_NOT_FOUND.' },
    traceId: { type: 'string', description: 'The x-request-id of the request (sent or generated).' },
    instance: { type: 'string', description: 'The request path.' },
    violations: {
      type: 'array',
      description: 'Business rule failures (422, LOOM_RULE_VIOLATIONS).',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: ['string', 'null'] }, message: { type: 'string' } },
      },
    },
    errors: {
      type: 'array',
      description: 'Body validation errors with field paths (422, LOOM_VALIDATION).',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
    },
    entity: { type: 'string', description: 'The entity that was not found (404).' },
    id: { type: ['integer', 'string'], description: 'The id that was not found (404).' },
    parameter: { type: 'string', description: 'The offending query or path parameter (400).' },
    constraint: {
      type: ['string', 'null'],
      description: 'The database constraint that refused the write (409).',
    },
    kind: { type: 'string', enum: ['unique', 'foreign_key', 'not_null', 'check'] },
    allowed: { type: 'array', items: { type: 'string' }, description: 'Methods the path accepts (405).' },
  },
};

const problem = (description: string): JsonSchema => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** The reusable error responses (`components.responses`), referenced by every operation. */
export const PROBLEM_RESPONSES: Readonly<Record<string, JsonSchema>> = {
  BadRequest: problem('Malformed or unknown query or path parameter, or malformed JSON.'),
  NotFound: problem('The entity or the route does not exist.'),
  Conflict: problem('A unique or foreign-key constraint refused the write.'),
  PayloadTooLarge: problem('The request body exceeds the size limit.'),
  UnsupportedMediaType: problem('The request body is not application/json.'),
  UnprocessableEntity: problem(
    'The body does not match its schema (errors) or business rules failed (violations).',
  ),
  InternalServerError: problem('Unexpected error; the detail is generic, the traceId finds the log entry.'),
};

/** The responses of conditional writes (auto-CRUD PATCH/DELETE of versioned models). */
export const PRECONDITION_RESPONSES: Readonly<
  Record<'PreconditionFailed' | 'PreconditionRequired', JsonSchema>
> = {
  PreconditionFailed: problem(
    'If-Match names a version the entity is no longer at: read it again and retry.',
  ),
  PreconditionRequired: problem('This route requires an If-Match header (the ETag of a GET).'),
};

/** The responses of guarded operations (documents of servers with authentication). */
export const AUTH_RESPONSES: Readonly<Record<'Unauthorized' | 'Forbidden', JsonSchema>> = {
  Unauthorized: problem(
    'No valid credentials: missing, expired, for another audience, or unknown. WWW-Authenticate says how to authenticate.',
  ),
  Forbidden: problem('The caller is authenticated but may not do this (role, scope or ownership).'),
};
