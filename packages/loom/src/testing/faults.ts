import { Conflict } from '../errors/index.ts';

/**
 * A function that always rejects with `error`: drop it in where a method is expected.
 *
 * @example
 * ```ts
 * const failing: Thrower = throws(systemError());
 * ```
 */
export type Thrower = (...args: unknown[]) => Promise<never>;

/**
 * A method replacement that rejects with `error` (a fresh rejection per call).
 *
 * @example
 * ```ts
 * await runUseCase(CreateUser, { payload, repo: { create: throws(constraintViolation('unique', 'users', 'email')) } });
 * ```
 */
export function throws(error: unknown): Thrower {
  return () => Promise.reject(error);
}

/**
 * An unexpected failure, as a driver or a remote service would raise it (→ 500 over HTTP).
 *
 * @example
 * ```ts
 * app.faults.repository(User, 'create', systemError('connection reset'));
 * ```
 */
export function systemError(message = 'simulated system failure'): Error {
  return Object.assign(new Error(message), { name: 'SimulatedSystemError' });
}

/**
 * The error loom raises when a constraint refuses a write (→ 409 over HTTP), named as loom names its
 * constraints (`uq_<table>_<column>`) so a test can match it like the real one.
 *
 * @example
 * ```ts
 * constraintViolation('unique', 'users', 'email'); // Conflict uq_users_email
 * constraintViolation('foreign_key', 'orders');
 * ```
 */
export function constraintViolation(
  kind: 'unique' | 'foreign_key' | 'not_null' | 'check',
  table: string,
  column?: string,
): Conflict {
  const name = kind === 'unique' && column !== undefined ? `uq_${table}_${column}` : null;
  return new Conflict(name, kind, table);
}

/**
 * Makes `target[method]` reject with `error` until the returned function is called (restores the
 * original). For objects an app already holds (a repository, a registered service).
 *
 * @example
 * ```ts
 * const restore = forceThrow(mailer, 'send', systemError('SMTP down'));
 * try { … } finally { restore(); }
 * ```
 */
export function forceThrow<T extends object, K extends keyof T & string>(
  target: T,
  method: K,
  error: unknown,
): () => void {
  if (typeof target[method] !== 'function') {
    throw new TypeError(`forceThrow: ${method} is not a method of the given object`);
  }
  const had = Object.getOwnPropertyDescriptor(target, method);
  Object.defineProperty(target, method, { value: throws(error), configurable: true, writable: true });
  return () => {
    if (had) Object.defineProperty(target, method, had);
    else delete (target as Record<string, unknown>)[method];
  };
}
