import type { ProblemDocument } from '../rest/problem.ts';

/**
 * A response to `app.request` (Fastify `inject`: no socket, same routes, hooks and serializers).
 *
 * @example
 * ```ts
 * const res: TestResponse = await app.get('/users/1');
 * res.status; // 200
 * res.json<User>().email;
 * ```
 */
export interface TestResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
  /** The raw body. */
  readonly text: string;
  /** The body parsed as JSON, typed by the caller. */
  json<T = unknown>(): T;
}

/**
 * What {@link expectProblem} checks; every key given must match.
 *
 * @example
 * ```ts
 * expectProblem(res, { status: 404, code: 'LOOM_NOT_FOUND' });
 * ```
 */
export interface ExpectedProblem {
  readonly status: number;
  /** loom's error code, e.g. `LOOM_RULE_VIOLATIONS`. */
  readonly code?: string;
  /** The fields of the violations (422 rule failures) or of the errors (422 validation), in any order. */
  readonly fields?: readonly string[];
}

/**
 * Wraps an injected response.
 *
 * @example
 * ```ts
 * const res = testResponse(await server.inject({ method: 'GET', url: '/users/1' }));
 * res.json<User>().email;
 * ```
 */
export function testResponse(raw: {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}): TestResponse {
  return {
    status: raw.statusCode,
    headers: raw.headers,
    text: raw.body,
    json<T>() {
      try {
        return JSON.parse(raw.body) as T;
      } catch {
        throw new Error(`response body is not JSON (status ${raw.statusCode}): ${raw.body.slice(0, 200)}`);
      }
    },
  };
}

/**
 * Asserts a 2xx (or exactly `status`) JSON response and returns its body, typed. On anything else it
 * throws with the status and the body (the problem document), so a failing test says why.
 *
 * @example
 * ```ts
 * const user = expectJson<User>(await app.post('/users', { fullName: 'Ada', email: 'a@b.co' }), 201);
 * ```
 */
export function expectJson<T = unknown>(res: TestResponse, status?: number): T {
  const ok = status === undefined ? res.status >= 200 && res.status < 300 : res.status === status;
  if (!ok) {
    throw new Error(
      `expected ${status ?? 'a 2xx'} JSON response, got ${res.status}: ${res.text.slice(0, 500)}`,
    );
  }
  const type = String(res.headers['content-type'] ?? '');
  if (!type.startsWith('application/json')) {
    throw new Error(`expected an application/json response, got "${type}"`);
  }
  return res.json<T>();
}

/**
 * Asserts an RFC 9457 problem document (`application/problem+json`) with the given status, code and
 * fields, with `type`, `title`, `detail` and `traceId` present, and returns it.
 *
 * @example
 * ```ts
 * const res = await app.post('/users', { fullName: '', email: 'nope' });
 * expectProblem(res, { status: 422, code: 'LOOM_RULE_VIOLATIONS', fields: ['fullName', 'email'] });
 * ```
 */
export function expectProblem(res: TestResponse, expected: ExpectedProblem): ProblemDocument {
  const fail = (why: string): never => {
    throw new Error(`expected a ${expected.status} problem document: ${why}\n${res.text.slice(0, 500)}`);
  };
  const type = String(res.headers['content-type'] ?? '');
  if (!type.startsWith('application/problem+json')) fail(`content-type is "${type}"`);
  if (res.status !== expected.status) fail(`status is ${res.status}`);
  const problem = res.json<ProblemDocument>();
  for (const key of ['type', 'title', 'detail', 'code', 'traceId'] as const) {
    if (typeof problem[key] !== 'string' || problem[key] === '') fail(`"${key}" is missing`);
  }
  if (problem.status !== expected.status) fail(`its "status" is ${String(problem.status)}`);
  if (expected.code !== undefined && problem.code !== expected.code) fail(`code is ${problem.code}`);
  if (expected.fields !== undefined) {
    const list = (problem.violations ?? problem.errors ?? []) as readonly { field?: string; path?: string }[];
    const got = list.map((v) => v.field ?? v.path ?? '').sort();
    const want = [...expected.fields].sort();
    if (JSON.stringify(got) !== JSON.stringify(want))
      fail(`fields are [${got.join(', ')}], not [${want.join(', ')}]`);
  }
  return problem;
}
