/**
 * Answers "which methods does this path accept?" for requests no route matched, so a known path with the
 * wrong method gets 405 with an `Allow` header instead of 404. Only consulted on that slow path.
 *
 * @example
 * ```ts
 * const m = methodMatcher([{ method: 'GET', pattern: /^\/users\/?$/ }]);
 * m('/users?page=2'); // ['GET', 'HEAD']
 * ```
 */
export function methodMatcher(
  routes: readonly { readonly method: string; readonly pattern: RegExp }[],
): (url: string) => string[] {
  const byPattern = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  for (const r of routes) {
    const key = r.pattern.source;
    let entry = byPattern.get(key);
    if (!entry) {
      entry = { pattern: r.pattern, methods: new Set() };
      byPattern.set(key, entry);
    }
    entry.methods.add(r.method);
    if (r.method === 'GET') entry.methods.add('HEAD');
  }
  const entries = [...byPattern.values()];
  const order = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
  return (url) => {
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const found = new Set<string>();
    for (const e of entries) if (e.pattern.test(path)) for (const m of e.methods) found.add(m);
    return [...found].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  };
}
