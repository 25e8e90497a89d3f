/** One HTTP exchange with the store: status, headers, parsed JSON body (or the raw text). */
export interface Reply<T> {
  readonly status: number;
  readonly headers: Headers;
  readonly contentType: string;
  readonly body: T;
  readonly text: string;
}

export interface SendOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as is (e.g. malformed JSON) instead of `JSON.stringify(body)`. */
  readonly raw?: string;
}

/** A fetch client bound to a listening store. Bodies are typed by the caller (`api.get<User>(…)`). */
export interface StoreClient {
  readonly baseUrl: string;
  get<T = unknown>(path: string, options?: SendOptions): Promise<Reply<T>>;
  post<T = unknown>(path: string, body?: unknown, options?: SendOptions): Promise<Reply<T>>;
  patch<T = unknown>(path: string, body?: unknown, options?: SendOptions): Promise<Reply<T>>;
  put<T = unknown>(path: string, body?: unknown, options?: SendOptions): Promise<Reply<T>>;
  delete<T = unknown>(path: string, options?: SendOptions): Promise<Reply<T>>;
}

async function send<T>(
  baseUrl: string,
  method: string,
  path: string,
  body: unknown,
  options: SendOptions = {},
  defaults: Readonly<Record<string, string>> = {},
): Promise<Reply<T>> {
  const payload = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      ...defaults,
      ...options.headers,
    },
    ...(payload === undefined ? {} : { body: payload }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (HTML docs, Prometheus text): the text is the body.
  }
  return {
    status: res.status,
    headers: res.headers,
    contentType: res.headers.get('content-type') ?? '',
    body: parsed as T,
    text,
  };
}

/**
 * @example
 * ```ts
 * const api = storeClient('http://127.0.0.1:8000');
 * const asAda = storeClient('http://127.0.0.1:8000', { authorization: `Bearer ${token}` });
 * const { status, body } = await api.post<User>('/users', { full_name: 'Ana', email: 'ana@example.com' });
 * ```
 */
export function storeClient(baseUrl: string, headers: Readonly<Record<string, string>> = {}): StoreClient {
  return {
    baseUrl,
    get: (path, options) => send(baseUrl, 'GET', path, undefined, options, headers),
    post: (path, body, options) => send(baseUrl, 'POST', path, body, options, headers),
    patch: (path, body, options) => send(baseUrl, 'PATCH', path, body, options, headers),
    put: (path, body, options) => send(baseUrl, 'PUT', path, body, options, headers),
    delete: (path, options) => send(baseUrl, 'DELETE', path, undefined, options, headers),
  };
}
