import type { ProblemDocument } from '../rest/problem.ts';

/**
 * True when `value` looks like an RFC 9457 problem document as loom writes it (`type`, `title`,
 * `status`, `code`).
 *
 * @example
 * ```ts
 * declare const body: unknown; // a parsed response body
 * if (isProblem(body)) console.log(body.code); // 'LOOM_NOT_FOUND'
 * ```
 */
export function isProblem(value: unknown): value is ProblemDocument {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.type === 'string' && typeof v.status === 'number' && typeof v.code === 'string';
}

/**
 * A call answered with an error status: the problem document, typed, as an error to catch.
 *
 * @example
 * ```ts
 * declare function fetchUser(userId: number): Promise<unknown>; // a call through createClient
 * try {
 *   await fetchUser(9);
 * } catch (error) {
 *   if (error instanceof ProblemError && error.problem.code === 'LOOM_NOT_FOUND') console.log('gone');
 * }
 * ```
 */
export class ProblemError extends Error {
  readonly status: number;
  readonly problem: ProblemDocument;

  constructor(problem: ProblemDocument) {
    super(`${problem.status} ${problem.code}: ${problem.detail}`);
    this.name = 'ProblemError';
    this.status = problem.status;
    this.problem = problem;
  }
}
