import { expect } from 'vitest';
import type { Reply } from './http-client.ts';
import type { Problem } from './wire.ts';

/**
 * Asserts an RFC 9457 problem response: status, `application/problem+json`, `type`, `title`, `detail`,
 * loom's stable `code`, and a `traceId` equal to the `x-request-id` response header. Returns the body.
 */
export function expectProblem(reply: Reply<unknown>, status: number, code: string): Problem {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.contentType).toMatch(/^application\/problem\+json/);
  const body = reply.body as Problem;
  expect(body).toMatchObject({ status, code });
  expect(body.type).toBe(
    `urn:loom:problem:${code
      .replace(/^LOOM_/, '')
      .toLowerCase()
      .replaceAll('_', '-')}`,
  );
  expect(body.title).toEqual(expect.any(String));
  expect(body.detail).toEqual(expect.any(String));
  expect(body.traceId).toBe(reply.headers.get('x-request-id'));
  return body;
}

/** A 404 problem naming the missing entity and its id. */
export function expectNotFound(reply: Reply<unknown>, entity: string, id: number): Problem {
  const body = expectProblem(reply, 404, 'LOOM_NOT_FOUND');
  expect(body).toMatchObject({ entity, id });
  return body;
}

/** A 422 of business rules: exactly these violations, in this order, with the joined `detail`. */
export function expectViolations(
  reply: Reply<unknown>,
  violations: readonly { readonly field: string; readonly message: string }[],
): Problem {
  const body = expectProblem(reply, 422, 'LOOM_RULE_VIOLATIONS');
  expect(body.violations).toEqual(violations);
  expect(body.detail).toBe(violations.map((v) => `${v.field}: ${v.message}`).join('; '));
  return body;
}

/** A 422 of body validation naming the offending input field. */
export function expectInvalidBody(reply: Reply<unknown>, field: string): Problem {
  const body = expectProblem(reply, 422, 'LOOM_VALIDATION');
  expect(body.errors?.map((e) => e.path)).toContain(field);
  return body;
}

/** A 400 naming the offending query or path parameter (bad value, unknown key, bad cursor). */
export function expectBadParameter(reply: Reply<unknown>, parameter: string): Problem {
  expect(reply.status, reply.text).toBe(400);
  const code = (reply.body as Partial<Problem> | undefined)?.code ?? '';
  expect(code).toMatch(/^LOOM_(BAD_REQUEST|INVALID_QUERY|INVALID_CURSOR)$/);
  const body = expectProblem(reply, 400, code);
  expect(body.parameter).toBe(parameter);
  return body;
}
