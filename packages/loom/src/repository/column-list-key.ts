/**
 * The statement-cache key of a list of column names, rebuilt only when the list differs from the last
 * one asked for. A route writes the same columns on every call, so the common case compares a few
 * names (interned strings: pointer checks) and returns the same key string, whose hash V8 has already
 * computed, instead of joining a new string that the cache's map must hash again.
 *
 * @example
 * ```ts
 * const keys = new ColumnListKey('create:');
 * keys.of(['email', 'full_name']); // 'create:email,full_name'
 * keys.of(['email', 'full_name']); // the same string, not rebuilt
 * ```
 */
export class ColumnListKey {
  readonly #prefix: string;
  readonly #suffix: string;
  #columns: readonly string[] = [];
  #key: string | undefined;

  constructor(prefix: string, suffix = '') {
    this.#prefix = prefix;
    this.#suffix = suffix;
  }

  /** `<prefix><columns joined by ','><suffix>`; the caller must not change `columns` afterwards. */
  of(columns: readonly string[]): string {
    if (this.#key !== undefined && sameColumns(this.#columns, columns)) return this.#key;
    this.#columns = columns;
    this.#key = `${this.#prefix}${columns.join(',')}${this.#suffix}`;
    return this.#key;
  }
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
