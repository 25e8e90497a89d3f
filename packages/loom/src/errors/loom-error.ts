/**
 * The one error catalogue of loom. Every layer throws these; the REST layer turns them into RFC 9457
 * problem documents, the job layer into failure records. Codes are stable: clients may match on them.
 *
 * @example
 * ```ts
 * throw new NotFound('User', 42);          // → 404, code LOOM_NOT_FOUND
 * throw new RuleViolations([{ field: 'email', message: 'email already exists' }]); // → 422
 * ```
 */
export abstract class LoomError extends Error {
  /** Stable machine-readable code, `LOOM_*`. */
  abstract readonly code: string;
  /** The HTTP status this error maps to. */
  abstract readonly status: number;
  /** A short, human-readable summary of the kind of problem. */
  abstract readonly title: string;

  /** Extra members of the problem document (e.g. `violations`, `entity`, `id`). */
  problemExtensions(): Record<string, unknown> {
    return {};
  }
}

/** One failed rule or field check: which field, what is wrong. `field` is null for whole-object rules. */
export interface Violation {
  readonly field: string | null;
  readonly message: string;
}

/** One schema problem at a path inside a payload (`items/0/quantity`). */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}
