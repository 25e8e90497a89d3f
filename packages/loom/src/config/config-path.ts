/** One step into the configuration tree: a mapping key or a list index. */
export type PathSegment = string | number;

/** A position in the configuration tree, from the root (`['app', 'rest', 'port']`). */
export type ConfigPath = readonly PathSegment[];

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/**
 * Renders a configuration path the way a user would write it: dotted keys, `[i]` for list items, and
 * `["…"]` for keys that are not plain identifiers (a job name with a dot, say).
 *
 * @example
 * ```ts
 * formatPath(['app', 'discovery', 'modules', 2]); // 'app.discovery.modules[2]'
 * formatPath(['jobs', 'overrides', 'billing.Sync']); // 'jobs.overrides["billing.Sync"]'
 * formatPath([]); // '(root)'
 * ```
 */
export function formatPath(path: ConfigPath): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * The map key used internally for a path (segments joined by NUL, which YAML keys practically never hold).
 *
 * @example
 * ```ts
 * pathKey(['app', 'name']); // 'app\u0000name'
 * ```
 */
export function pathKey(path: ConfigPath): string {
  return path.map(String).join('\u0000');
}

/**
 * True when `path` is `ancestor` or lies below it.
 *
 * @example
 * ```ts
 * isWithin(pathKey(['app', 'rest', 'port']), pathKey(['app', 'rest'])); // true
 * isWithin(pathKey(['app', 'restX']), pathKey(['app', 'rest'])); // false
 * ```
 */
export function isWithin(key: string, ancestorKey: string): boolean {
  return ancestorKey === '' || key === ancestorKey || key.startsWith(`${ancestorKey}\u0000`);
}

/**
 * True for a plain mapping (what YAML and JSON produce), false for arrays, null and class instances.
 *
 * @example
 * ```ts
 * isPlainObject({ a: 1 }); // true
 * isPlainObject([1]); // false
 * ```
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Sets an own, enumerable property, even for keys like `__proto__` that plain assignment would treat
 * as the prototype (a YAML file must not be able to pollute prototypes).
 *
 * @example
 * ```ts
 * const target: Record<string, unknown> = {};
 * defineOwn(target, '__proto__', 1);
 * Object.keys(target); // ['__proto__']
 * ```
 */
export function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
