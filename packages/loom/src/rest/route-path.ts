/** A route path resolved once at boot: its OpenAPI, Fastify and matching forms. */
export interface RoutePath {
  /** `/users/{id}`: interface prefix + route path, without a trailing slash. */
  readonly template: string;
  /** `/users/:id`: the Fastify form. */
  readonly fastify: string;
  /** The `{params}` in order. */
  readonly params: readonly string[];
  /** `/users/{}`: two routes with the same shape and method collide, whatever their param names. */
  readonly shape: string;
  /** Matches a request path (with or without a trailing slash). */
  readonly pattern: RegExp;
}

const PARAM = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
const LITERAL = /^[A-Za-z0-9._~!$&'()+,;=@%-]+$/;

/**
 * Joins an interface prefix and a route path and checks the result: `{name}` params fill whole segments,
 * literal segments hold only URL-safe characters. Returns an error text instead of throwing so the caller
 * can name the declaration.
 *
 * @example
 * ```ts
 * const p = resolveRoutePath('/users', '/{userId}/addresses');
 * p.fastify; // '/users/:userId/addresses'
 * ```
 */
export function resolveRoutePath(prefix: string, path: string): RoutePath | string {
  if (path !== '' && !path.startsWith('/')) return `path "${path}" must start with "/"`;
  const joined = `${prefix}/${path}`;
  const segments = joined.split('/').filter((s) => s !== '');
  const params: string[] = [];
  const fastify: string[] = [];
  const shape: string[] = [];
  const pattern: string[] = [];
  for (const segment of segments) {
    const param = PARAM.exec(segment)?.[1];
    if (param !== undefined) {
      if (params.includes(param)) return `path param {${param}} appears twice in "${joined}"`;
      params.push(param);
      fastify.push(`:${param}`);
      shape.push('{}');
      pattern.push('[^/]+');
      continue;
    }
    if (!LITERAL.test(segment)) {
      return `segment "${segment}" of "${joined}" is neither a literal nor a whole {param}`;
    }
    fastify.push(segment);
    shape.push(segment);
    pattern.push(segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  }
  const join = (parts: string[]) => `/${parts.join('/')}`;
  return Object.freeze({
    template: join(segments),
    fastify: join(fastify),
    params: Object.freeze(params),
    shape: join(shape),
    pattern: new RegExp(`^${join(pattern)}${segments.length > 0 ? '/?' : ''}$`),
  });
}
