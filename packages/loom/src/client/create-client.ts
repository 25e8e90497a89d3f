import type { HttpMethod } from '../rest/route.ts';
import type { Client, ListQuery } from './client-types.ts';
import { isProblem, ProblemError } from './problem-error.ts';

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** Sent with every request (an `authorization` header, say). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The fetch to use. Default: the global one. */
  readonly fetch?: typeof fetch;
}

interface RawArgs {
  readonly params?: Readonly<Record<string, unknown>>;
  readonly body?: unknown;
  readonly query?: ListQuery;
  readonly headers?: Readonly<Record<string, string>>;
}

function urlOf(baseUrl: string, template: string, args: RawArgs): string {
  const params: Record<string, unknown> = { ...args.params };
  const path = template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const value = params[name];
    delete params[name];
    if (value === undefined) throw new TypeError(`path param {${name}} of ${template} is missing`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) search.append(key, String(value));
  const { filter, ...list } = args.query ?? {};
  for (const [key, value] of Object.entries(list)) if (value !== undefined) search.append(key, String(value));
  for (const [key, value] of Object.entries(filter ?? {})) search.append(key, String(value));
  const qs = search.toString();
  return `${baseUrl.replace(/\/+$/, '')}${path}${qs === '' ? '' : `?${qs}`}`;
}

/**
 * A fetch client typed from an app's REST interfaces, without code generation: paths, params, bodies
 * and results come from the declarations (import them with `import type`, so nothing of the server is
 * bundled). An error status throws a {@link ProblemError} carrying the problem document.
 *
 * @example
 * ```ts
 * // On the server (the client imports these with `import type`):
 * const User = model('users', {
 *   id: column.int().primaryKey().autoIncrement(),
 *   fullName: column.string(120),
 * });
 * const GetUser = useCase(User, {
 *   params: { userId: t.Integer() },
 *   load: { user: loadById(User, { by: 'userId' }) },
 *   execute: ({ load }) => load.user,
 * });
 * const INTERFACES = [restInterface(User, { prefix: '/users', routes: [route.get('/{userId}', GetUser)] })];
 * // In the client:
 * const client = createClient<typeof INTERFACES>('http://localhost:8000');
 * const user = await client.get('/users/{userId}', { params: { userId: 1 } }); // typed User
 * console.log(user.fullName);
 * ```
 */
export function createClient<Api>(baseUrl: string, options: ClientOptions = {}): Client<Api> {
  const doFetch = options.fetch ?? fetch;
  const call = async (method: HttpMethod, path: string, args: RawArgs = {}): Promise<unknown> => {
    const hasBody = args.body !== undefined;
    const res = await doFetch(urlOf(baseUrl, path, args), {
      method,
      headers: {
        accept: 'application/json',
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
        ...args.headers,
      },
      ...(hasBody ? { body: JSON.stringify(args.body) } : {}),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      // Not JSON: kept as text (and an error below when the status says so).
    }
    if (!res.ok) {
      if (isProblem(body)) throw new ProblemError(body);
      throw new ProblemError({
        type: 'about:blank',
        title: res.statusText,
        status: res.status,
        detail: typeof body === 'string' ? body : JSON.stringify(body),
        code: 'HTTP_ERROR',
        traceId: res.headers.get('x-request-id') ?? '',
      });
    }
    return body;
  };
  const client = {
    get: (path: string, args?: RawArgs) => call('GET', path, args),
    post: (path: string, args?: RawArgs) => call('POST', path, args),
    put: (path: string, args?: RawArgs) => call('PUT', path, args),
    patch: (path: string, args?: RawArgs) => call('PATCH', path, args),
    delete: (path: string, args?: RawArgs) => call('DELETE', path, args),
    async *items(path: string, args: RawArgs = {}) {
      let after: string | undefined;
      do {
        const query: ListQuery = {
          ...args.query,
          pagination: 'cursor',
          ...(after === undefined ? {} : { after }),
        };
        const page = (await call('GET', path, { ...args, query })) as {
          items: unknown[];
          nextCursor: string | null;
        };
        yield* page.items;
        after = page.nextCursor ?? undefined;
      } while (after !== undefined);
    },
  };
  return client as unknown as Client<Api>;
}
