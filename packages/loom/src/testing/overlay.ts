/**
 * `base` with some members replaced: reads of an overridden key return the override, every other
 * member comes from `base` (methods bound to it, so classes with private fields keep working).
 *
 * @example
 * ```ts
 * const repo = overlay(realRepo, { create: async () => { throw new Error('disk full'); } });
 * await repo.getById(1); // the real one
 * ```
 */
export function overlay<T extends object>(base: T, overrides: Partial<T>): T {
  const own = overrides as Record<PropertyKey, unknown>;
  return new Proxy(base, {
    get(target, key) {
      if (Object.hasOwn(own, key)) return own[key];
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
    has(target, key) {
      return Object.hasOwn(own, key) || Reflect.has(target, key);
    },
  });
}
