import { expect } from 'vitest';
import type { Res } from './server.ts';

/**
 * Asserts an RFC 9457 problem response: status, `application/problem+json`, the standard members, loom's
 * `code`, and a `traceId` equal to the echoed `x-request-id`. Returns the body for further checks.
 */
// biome-ignore lint/suspicious/noExplicitAny: problem bodies carry per-kind members.
export function expectProblem(res: Res, status: number, code: string): any {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const traceId = res.headers.get('x-request-id');
  expect(traceId).toBeTruthy();
  expect(res.body).toMatchObject({ status, code, traceId });
  expect(res.body.type).toBe(
    `urn:loom:problem:${code
      .replace(/^LOOM_/, '')
      .toLowerCase()
      .replaceAll('_', '-')}`,
  );
  expect(typeof res.body.title).toBe('string');
  expect(typeof res.body.detail).toBe('string');
  return res.body;
}
