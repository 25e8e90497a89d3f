import type { HttpMethod, RouteDecl } from '../rest/route.ts';
import type { InvokeArgs } from '../use-case/call-args.ts';
import type { ResultOf } from '../use-case/use-case.ts';

/** The list query a client sends (the wire grammar): pagination, sort, profile and `field__op` filters. */
export interface ListQuery {
  readonly page?: number;
  readonly limit?: number;
  readonly pagination?: 'offset' | 'cursor';
  readonly after?: string;
  readonly sort?: string;
  readonly direction?: 'ASC' | 'DESC' | 'asc' | 'desc';
  readonly profile?: string;
  /** Filters as query parameters: `{ priceCents__gte: 100, name__ilike: '%tee%' }`. */
  readonly filter?: Readonly<Record<string, string | number | boolean>>;
}

type Normalize<T extends string> = T extends `${infer A}/` ? (A extends '' ? '/' : A) : T;
type Join<P extends string, S extends string> = Normalize<P extends '/' ? S : `${P}${S}`>;

/** One route of an app as a client sees it: method, full path template, use case. */
export interface ClientRoute<M extends HttpMethod = HttpMethod, P extends string = string, U = unknown> {
  readonly method: M;
  readonly path: P;
  readonly useCase: U;
}

type EntryOf<Pfx extends string, R> =
  R extends RouteDecl<infer M, infer S, infer U> ? ClientRoute<M, Join<Pfx, S>, U> : never;

type RoutesOfInterface<I> = I extends {
  readonly $client?: { readonly prefix: infer Pfx extends string; readonly routes: infer R };
}
  ? EntryOf<Pfx, R>
  : never;

/**
 * Every route of an app, from its interfaces (an array or an object of them), as {@link ClientRoute}s.
 *
 * @example
 * ```ts
 * declare const INTERFACES: readonly unknown[]; // the app's interfaces (import them with `import type`)
 * type Routes = RoutesOf<typeof INTERFACES>; // ClientRoute<'GET', '/users/{userId}', typeof GetUserUseCase> | …
 * ```
 */
export type RoutesOf<Api> = Api extends readonly (infer I)[]
  ? RoutesOfInterface<I>
  : RoutesOfInterface<Api[keyof Api]>;

/** The path templates an app answers for `method`. */
export type PathsOf<Routes, M extends HttpMethod> = Routes extends ClientRoute<M, infer P> ? P : never;

/** The use case behind `method path`. */
export type UseCaseAt<Routes, M extends HttpMethod, P extends string> =
  Routes extends ClientRoute<M, P, infer U> ? U : never;

type BodyArg<U> =
  InvokeArgs<U> extends { readonly payload: infer B }
    ? [B] extends [undefined]
      ? {}
      : { readonly body: B }
    : {};
type ParamsArg<U> = Omit<InvokeArgs<U>, 'payload' | 'query'>;

/**
 * What a call takes: the use case's `params` (path and query params, by their declared types), the
 * command's `body` (camelCase keys), a list `query`, extra `headers`.
 */
export type CallArgs<U> = ParamsArg<U> &
  BodyArg<U> & { readonly query?: ListQuery; readonly headers?: Readonly<Record<string, string>> };

type Call<Routes, M extends HttpMethod> = <P extends PathsOf<Routes, M>>(
  path: P,
  ...args: {} extends CallArgs<UseCaseAt<Routes, M, P>>
    ? [args?: CallArgs<UseCaseAt<Routes, M, P>>]
    : [args: CallArgs<UseCaseAt<Routes, M, P>>]
) => Promise<Jsonify<ResultOf<UseCaseAt<Routes, M, P>>>>;

/**
 * A result as it arrives over JSON: dates are ISO strings, functions and undefined disappear.
 *
 * @example
 * ```ts
 * type U = Jsonify<{ id: number; createdAt: Date }>; // { id: number; createdAt: string }
 * ```
 */
export type Jsonify<T> = T extends Date
  ? string
  : T extends readonly (infer E)[]
    ? Jsonify<E>[]
    : T extends object
      ? { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: Jsonify<T[K]> }
      : T;

/** Items of a page result. */
type ItemOf<R> = R extends { readonly items: readonly (infer T)[] } ? T : never;

/**
 * A typed client of an app (see `createClient`): one method per HTTP method, typed by path template.
 */
export interface Client<Api> {
  readonly get: Call<RoutesOf<Api>, 'GET'>;
  readonly post: Call<RoutesOf<Api>, 'POST'>;
  readonly put: Call<RoutesOf<Api>, 'PUT'>;
  readonly patch: Call<RoutesOf<Api>, 'PATCH'>;
  readonly delete: Call<RoutesOf<Api>, 'DELETE'>;
  /**
   * Iterates every item of a list route in cursor mode, page after page (`after` = `nextCursor`).
   */
  items<P extends PathsOf<RoutesOf<Api>, 'GET'>>(
    path: P,
    args?: CallArgs<UseCaseAt<RoutesOf<Api>, 'GET', P>>,
  ): AsyncIterable<Jsonify<ItemOf<ResultOf<UseCaseAt<RoutesOf<Api>, 'GET', P>>>>>;
}
